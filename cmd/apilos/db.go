package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/dbops"
)

func init() {
	dbCmd := &cobra.Command{
		Use:   "db",
		Short: "Administration de la base de données (rôle en lecture seule pour Metabase)",
	}
	var passwordEnv string
	var owners []string
	readonly := &cobra.Command{
		Use:   "create-readonly-role NOM",
		Short: "Crée ou met à jour un rôle PostgreSQL en lecture seule (Metabase), tables futures comprises",
		Long: `Crée (ou met à jour) le rôle NOM : il lit toutes les tables et vues du schéma public,
y compris celles que les migrations créeront plus tard (droits par défaut du rôle propriétaire des
tables, par défaut le rôle connecté), et n'écrit rien (ni INSERT, UPDATE, DELETE, TRUNCATE, ni
DDL ; ses sessions sont en plus en lecture seule). Relancer la commande ne change rien d'autre.
Le mot de passe est lu dans la variable d'environnement nommée par --password-env, jamais en
argument. Voir docs/METABASE.md.`,
		Example: `  METABASE_DB_PASSWORD=... apilos db create-readonly-role metabase_lecture --password-env METABASE_DB_PASSWORD`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			role := dbops.ReadonlyRole{Name: args[0], TableOwners: owners}
			if passwordEnv != "" {
				pw, ok := os.LookupEnv(passwordEnv)
				if !ok || pw == "" {
					return fmt.Errorf("--password-env %s : la variable d'environnement %s est vide ou absente", passwordEnv, passwordEnv)
				}
				role.Password = pw
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			pool, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := dbops.CreateReadonlyRole(cmd.Context(), pool, role)
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			verb := "mis à jour"
			if res.Created {
				verb = "créé"
			}
			fmt.Fprintf(out, "Rôle %s %s sur la base %s : lecture de %d tables et vues du schéma public, aucune écriture.\n", role.Name, verb, res.Database, res.Tables)
			fmt.Fprintf(out, "Tables créées plus tard par %s : lisibles aussi (droits par défaut).\n", strings.Join(res.TableOwners, ", "))
			if role.Password == "" {
				fmt.Fprintln(out, "Mot de passe inchangé (aucun --password-env donné).")
			}
			return nil
		},
	}
	readonly.Flags().StringVar(&passwordEnv, "password-env", "", "nom de la variable d'environnement qui contient le mot de passe du rôle")
	readonly.Flags().StringSliceVar(&owners, "table-owner", nil, "rôle(s) qui créent les tables (défaut : le rôle connecté, celui des migrations)")
	dbCmd.AddCommand(readonly)
	rootCmd.AddCommand(dbCmd)
}
