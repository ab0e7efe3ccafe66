package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
)

// The wording is the deployment document's, typos included.
var toAdministration = reassignment{
	askKey:  "Quel est le code de l'administration à laquelle le programme doit être rattacher ? ",
	confirm: "Modifier l'administration du programme (Non/oui)?",
	find: func(ctx context.Context, pool *pgxpool.Pool, code string) (string, string, error) {
		a, err := ops.FindAdministration(ctx, pool, code)
		return a.Nom, a.Code, err
	},
	announce: func(prog, name, code string) string {
		return fmt.Sprintf("le programme `%s` va être attribué à l'administration `%s` de code `%s`\n", prog, name, code)
	},
	unchanged: func(prog string) string {
		return fmt.Sprintf("Aucune modification : l'administration du programme `%s` reste inchangée.\n", prog)
	},
	apply: func(ctx context.Context, pool *pgxpool.Pool, progUUID, code string) (ops.Reassignment, error) {
		return ops.SetProgrammeAdministration(ctx, pool, progUUID, code)
	},
	done: func(prog, code string) string {
		return fmt.Sprintf("l'administration du programme `%s` a été mise à jour avec l'administration de code `%s`\n", prog, code)
	},
	repeat: true,
}

func init() {
	var programme, code string
	var yes bool
	cmd := &cobra.Command{
		Use:     "programme_update_administration",
		Aliases: []string{"programme-update-administration"},
		Short:   "Rattache un programme (et ses copies d'avenant) à une autre administration",
		Long: "Rattache un programme, repéré par son identifiant UUID, à l'administration d'un code donné.\n" +
			"Les informations manquantes sont demandées, puis une confirmation (Non/oui) : seul « oui » modifie.\n" +
			"Les copies d'avenant du programme (programmes dont il est le parent) sont modifiées avec lui.",
		Example: "  apilos programme_update_administration\n" +
			"  apilos programme_update_administration --programme 4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194 --administration 13055 --yes",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return toAdministration.run(cmd, programme, code, yes)
		},
	}
	cmd.Flags().StringVar(&programme, "programme", "", "identifiant UUID du programme (sinon demandé)")
	cmd.Flags().StringVar(&code, "administration", "", "code de l'administration (sinon demandé)")
	cmd.Flags().BoolVar(&yes, "yes", false, "modifier sans demander de confirmation")
	rootCmd.AddCommand(cmd)
}
