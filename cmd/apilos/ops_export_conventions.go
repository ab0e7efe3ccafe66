package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/operation"
)

func init() {
	var limit int
	var output string
	cmd := &cobra.Command{
		Use:     "export_conventions",
		Aliases: []string{"export-conventions"},
		Short:   "Exporte toutes les conventions au format InfoSIAP (une ligne JSON par convention)",
		Long: "Écrit dans conventions.json (ou --output) chaque convention et avenant, du plus ancien au plus récent,\n" +
			"au format InfoSIAP : numéros, types d'avenant, dates, statut, opération (bailleur, administration) et lots\n" +
			"(prêts, logements et annexes, stationnements), une ligne JSON par convention, lue par lots de 1 000.\n" +
			"--limit N s'arrête après N conventions. Lecture seule : utilisable en production.",
		Example: "  apilos export_conventions\n  apilos export_conventions --limit 100 --output echantillon.json",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			if limit < 0 {
				return fmt.Errorf("--limit : un nombre positif est attendu (reçu %d)", limit)
			}
			pool, err := connect(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			f, err := os.Create(output)
			if err != nil {
				return err
			}
			w := bufio.NewWriter(f)
			n, err := operation.ExportInfoSIAP(ctx, pool, w, limit)
			if err == nil {
				err = w.Flush()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d convention(s) exportée(s) dans %s\n", n, output)
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 0, "nombre maximal de conventions (0 : toutes)")
	cmd.Flags().StringVar(&output, "output", "conventions.json", "fichier écrit")
	rootCmd.AddCommand(cmd)
}
