package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
)

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
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			pool, err := connect(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			p := prompt.New(cmd.InOrStdin(), out)

			uuid := programme
			if uuid == "" {
				if uuid, err = ask(p, "Quel est l'identifiant UUID du programme à modifier ? "); err != nil {
					return err
				}
			}
			prog, err := ops.FindProgramme(ctx, pool, uuid)
			if err != nil {
				return nothingChanged(err)
			}
			fmt.Fprintf(out, "le programme `%s` : `%s` va être modifié\n", prog.UUID, prog.Nom)
			warnAvenantCopy(cmd, prog)

			code := code
			if code == "" {
				if code, err = ask(p, "Quel est le code de l'administration à laquelle le programme doit être rattacher ? "); err != nil {
					return err
				}
			}
			admin, err := ops.FindAdministration(ctx, pool, code)
			if err != nil {
				return nothingChanged(err)
			}
			attribue := fmt.Sprintf("le programme `%s` va être attribué à l'administration `%s` de code `%s`\n", prog.Nom, admin.Nom, admin.Code)
			fmt.Fprint(out, attribue)

			if !yes {
				ok, err := confirmOui(p, "Modifier l'administration du programme (Non/oui)?")
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintf(out, "Aucune modification : l'administration du programme `%s` reste inchangée.\n", prog.Nom)
					return nil
				}
			}
			r, err := ops.SetProgrammeAdministration(ctx, pool, prog.UUID, admin.Code)
			if err != nil {
				return nothingChanged(err)
			}
			fmt.Fprintf(out, "l'administration du programme `%s` a été mise à jour avec l'administration de code `%s`\n", prog.Nom, admin.Code)
			printCopies(cmd, r.Copies)
			fmt.Fprint(out, attribue)
			return nil
		},
	}
	cmd.Flags().StringVar(&programme, "programme", "", "identifiant UUID du programme (sinon demandé)")
	cmd.Flags().StringVar(&code, "administration", "", "code de l'administration (sinon demandé)")
	cmd.Flags().BoolVar(&yes, "yes", false, "modifier sans demander de confirmation")
	rootCmd.AddCommand(cmd)
}

// warnAvenantCopy tells when the programme given is itself an avenant
// copy: only that copy changes, not its root programme.
func warnAvenantCopy(cmd *cobra.Command, p ops.Programme) {
	if p.ParentUUID != nil {
		fmt.Fprintf(cmd.OutOrStdout(), "attention : ce programme est une copie d'avenant du programme `%s` ; seule cette copie sera modifiée (indiquez l'UUID du programme d'origine pour modifier toute l'opération)\n", *p.ParentUUID)
	}
}

// printCopies adds the count of avenant copies changed, only when there
// are some, so the documented dialogue stays word for word.
func printCopies(cmd *cobra.Command, n int) {
	if n > 0 {
		fmt.Fprintf(cmd.OutOrStdout(), "%d copie(s) d'avenant du programme mise(s) à jour\n", n)
	}
}
