package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/demo"
	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

func init() {
	var opt ops.TestFixturesOptions
	var noInput bool
	cmd := &cobra.Command{
		Use:     "load_test_fixtures",
		Aliases: []string{"load-test-fixtures"},
		Short:   "Charge un jeu de données de test généré (staging, recette ; refusé en production)",
		Long: "Crée ou met à jour l'administration de test (code 00000) et le bailleur de test (SIRET 12345678900000),\n" +
			"les utilisateurs demo.bailleur et demo.instructeur s'ils sont absents, puis génère --count programmes avec\n" +
			"leurs conventions, lots et logements. Deux questions proposent d'abord de vider les opérations et les\n" +
			"utilisateurs (réponse par défaut : non). Tout est écrit dans une seule transaction. Refusé en production.",
		Example: "  apilos load_test_fixtures\n" +
			"  apilos load_test_fixtures --seed 1 --count 10 --noinput\n" +
			"  apilos load_test_fixtures --truncate-operations --truncate-users --noinput",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Before the configuration, the database or any question.
			if err := refuseInProduction(); err != nil {
				return err
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			if opt.Count < 0 {
				return fmt.Errorf("--count %d : indiquez un nombre de programmes positif ou nul", opt.Count)
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			pool, err := openDB(ctx, cfg)
			if err != nil {
				return err
			}
			defer pool.Close()

			o := opt
			p := prompt.New(cmd.InOrStdin(), out)
			if !noInput && !cmd.Flags().Changed("truncate-operations") {
				if o.TruncateProgrammes, err = askTruncate(p, out, "Do you want to truncate Conventions/Operations/Lots (N/y) ?",
					"Using default option: Operation won't be truncated"); err != nil {
					return err
				}
			}
			if !noInput && !cmd.Flags().Changed("truncate-users") {
				if o.TruncateUsers, err = askTruncate(p, out, "Do you want to truncate Users (N/y) ?",
					"Using default option: Users won't be truncated"); err != nil {
					return err
				}
			}
			if !cmd.Flags().Changed("seed") {
				o.Seed = rand.Int64N(1_000_000)
			}
			res, err := ops.LoadTestFixtures(ctx, pool, cfg.Environment, o)
			if err != nil {
				return err
			}
			// The signed and published test conventions get their PDFs.
			st, err := storage.New(ctx, cfg.StorageConfig())
			if err != nil {
				return err
			}
			docs, err := demo.StoreDocuments(ctx, pool, st, ops.TestAdministrationCode)
			if err != nil {
				return fmt.Errorf("documents PDF des conventions de test : %w", err)
			}
			if len(res.Truncated) > 0 {
				fmt.Fprintln(out, "Données supprimées :")
				printCounts(cmd, res.Truncated)
			}
			fmt.Fprintf(out, "Administration de test « Administration DAP Test » (code %s) %s.\n", ops.TestAdministrationCode, createdOrUpdated(res.AdministrationCreated, "créée", "mise à jour"))
			if res.BailleurReused != "" {
				fmt.Fprintf(out, "Bailleur de test : le bailleur existant « %s » (SIREN %s) est utilisé tel quel.\n", res.BailleurReused, ops.TestBailleurSiren)
			} else {
				fmt.Fprintf(out, "Bailleur de test « Bailleur HLM de test » (SIRET %s) %s.\n", ops.TestBailleurSiret, createdOrUpdated(res.BailleurCreated, "créé", "mis à jour"))
			}
			if len(res.UsersCreated) > 0 {
				fmt.Fprintf(out, "Utilisateurs de démonstration créés : %s (mot de passe : %s).\n", strings.Join(res.UsersCreated, ", "), demo.Password)
			} else {
				fmt.Fprintln(out, "Utilisateurs de démonstration déjà présents : demo.bailleur, demo.instructeur.")
			}
			if res.RolesCreated > 0 {
				fmt.Fprintf(out, "Rôles ajoutés sur l'administration et le bailleur de test : %d.\n", res.RolesCreated)
			}
			switch {
			case o.Count == 0:
				fmt.Fprintln(out, "Aucun programme généré (--count 0).")
			case res.AlreadyLoaded:
				fmt.Fprintf(out, "Les programmes de la graine %d sont déjà chargés : aucun programme ajouté (choisissez une autre graine avec --seed).\n", o.Seed)
			default:
				fmt.Fprintf(out, "Jeu de test généré (graine %d ; relancer avec --seed %d redonne les mêmes données sur une base vide) :\n", o.Seed, o.Seed)
				printCounts(cmd, res.Created)
			}
			if docs > 0 {
				fmt.Fprintf(out, "Documents PDF des conventions signées ou publiées créés : %d.\n", docs)
			}
			return nil
		},
	}
	cmd.Flags().IntVar(&opt.Count, "count", 30, "nombre de programmes à générer")
	cmd.Flags().Int64Var(&opt.Seed, "seed", 0, "graine du générateur : la même graine donne les mêmes données (par défaut : tirée au hasard et affichée)")
	cmd.Flags().BoolVar(&opt.TruncateProgrammes, "truncate-operations", false, "vider d'abord les programmes, conventions et lots (sans poser la question)")
	cmd.Flags().BoolVar(&opt.TruncateUsers, "truncate-users", false, "supprimer d'abord les utilisateurs ni superuser, ni staff, ni beta.gouv.fr (sans poser la question)")
	cmd.Flags().BoolVar(&noInput, "noinput", false, "ne poser aucune question (sans --truncate-*, rien n'est vidé)")
	rootCmd.AddCommand(cmd)
}

// askTruncate asks one of the reference's (N/y) questions: y, yes or oui
// truncate; n, no or non keep; an empty answer keeps and prints the
// reference's default line; anything else stops the command.
func askTruncate(p *prompt.Prompter, out io.Writer, question, defaultLine string) (bool, error) {
	a, err := ask(p, question)
	if err != nil {
		return false, err
	}
	switch strings.ToLower(strings.TrimSpace(a)) {
	case "y", "yes", "oui", "o":
		return true, nil
	case "n", "no", "non":
		return false, nil
	case "":
		fmt.Fprintln(out, defaultLine)
		return false, nil
	}
	return false, fmt.Errorf("réponse « %s » non comprise : répondez y (oui) ou n (non), ou rien pour ne pas vider ; rien n'a été modifié", strings.TrimSpace(a))
}

func createdOrUpdated(created bool, c, u string) string {
	if created {
		return c
	}
	return u
}

func printCounts(cmd *cobra.Command, counts []ops.Count) {
	for _, c := range counts {
		fmt.Fprintf(cmd.OutOrStdout(), "  - %s : %d\n", c.Label, c.N)
	}
}
