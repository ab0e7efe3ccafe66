package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
)

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

			siret := siret
			if siret == "" {
				if siret, err = ask(p, "Quel est le siret du bailleur auquel le programme doit etre rattacher ? "); err != nil {
					return err
				}
			}
			b, err := ops.FindBailleur(ctx, pool, siret)
			if err != nil {
				return nothingChanged(err)
			}
			fmt.Fprintf(out, "le programme `%s` va être attribué au bailleur `%s` de siret `%s`\n", prog.Nom, b.Nom, b.Siret)

			if !yes {
				ok, err := confirmOui(p, "Modifier le bailleur du programme (Non/oui)?")
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintf(out, "Aucune modification : le bailleur du programme `%s` reste inchangé.\n", prog.Nom)
					return nil
				}
			}
			r, err := ops.SetProgrammeBailleur(ctx, pool, prog.UUID, b.Siret)
			if err != nil {
				return nothingChanged(err)
			}
			fmt.Fprintf(out, "le bailleur du programme `%s` a été mise à jour avec le bailleur de siret `%s`\n", prog.Nom, b.Siret)
			printCopies(cmd, r.Copies)
			return nil
		},
	}
	cmd.Flags().StringVar(&programme, "programme", "", "identifiant UUID du programme (sinon demandé)")
	cmd.Flags().StringVar(&siret, "siret", "", "SIRET du bailleur (sinon demandé)")
	cmd.Flags().BoolVar(&yes, "yes", false, "modifier sans demander de confirmation")
	rootCmd.AddCommand(cmd)
}
