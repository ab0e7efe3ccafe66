package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
)

// The wording is the deployment document's, typos included.
var toBailleur = reassignment{
	askKey:  "Quel est le siret du bailleur auquel le programme doit etre rattacher ? ",
	confirm: "Modifier le bailleur du programme (Non/oui)?",
	find: func(ctx context.Context, pool *pgxpool.Pool, siret string) (string, string, error) {
		b, err := ops.FindBailleur(ctx, pool, siret)
		return b.Nom, b.Siret, err
	},
	announce: func(prog, name, siret string) string {
		return fmt.Sprintf("le programme `%s` va être attribué au bailleur `%s` de siret `%s`\n", prog, name, siret)
	},
	unchanged: func(prog string) string {
		return fmt.Sprintf("Aucune modification : le bailleur du programme `%s` reste inchangé.\n", prog)
	},
	apply: func(ctx context.Context, pool *pgxpool.Pool, progUUID, siret string) (ops.Reassignment, error) {
		return ops.SetProgrammeBailleur(ctx, pool, progUUID, siret)
	},
	done: func(prog, siret string) string {
		return fmt.Sprintf("le bailleur du programme `%s` a été mise à jour avec le bailleur de siret `%s`\n", prog, siret)
	},
}

func init() {
	var programme, siret string
	var yes bool
	cmd := &cobra.Command{
		Use:     "programme_update_bailleur",
		Aliases: []string{"programme-update-bailleur"},
		Short:   "Rattache un programme (et ses copies d'avenant) à un autre bailleur",
		Long: "Rattache un programme, repéré par son identifiant UUID, au bailleur d'un SIRET donné.\n" +
			"Les informations manquantes sont demandées, puis une confirmation (Non/oui) : seul « oui » modifie.\n" +
			"Les copies d'avenant du programme (programmes dont il est le parent) sont modifiées avec lui.",
		Example: "  apilos programme_update_bailleur\n" +
			"  apilos programme_update_bailleur --programme 4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194 --siret 48496369900026 --yes",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return toBailleur.run(cmd, programme, siret, yes)
		},
	}
	cmd.Flags().StringVar(&programme, "programme", "", "identifiant UUID du programme (sinon demandé)")
	cmd.Flags().StringVar(&siret, "siret", "", "SIRET du bailleur (sinon demandé)")
	cmd.Flags().BoolVar(&yes, "yes", false, "modifier sans demander de confirmation")
	rootCmd.AddCommand(cmd)
}
