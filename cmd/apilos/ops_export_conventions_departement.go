package main

import (
	"bytes"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/search"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

func init() {
	var output, statut string
	var s3 bool
	cmd := &cobra.Command{
		Use:     "export_conventions_departement CODE",
		Aliases: []string{"export-conventions-departement"},
		Short:   "Exporte en xlsx toutes les conventions d'un département",
		Long: "Écrit un classeur (feuille « Conventions », mêmes colonnes que l'export de la page de recherche) de toutes\n" +
			"les conventions et avenants des programmes du département de code INSEE CODE, triés par commune puis\n" +
			"numéro, sans limite de nombre. --statut garde un seul statut (valeur enregistrée, ex. « 5. Signée »).\n" +
			"--s3 dépose le fichier dans le stockage configuré, sous exports/<fichier>, au lieu du disque local.\n" +
			"Lecture seule : utilisable en production.",
		Example: "  apilos export_conventions_departement 13\n  apilos export_conventions_departement 2A --statut \"5. Signée\" --output corse.xlsx --s3",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return fmt.Errorf("indiquez un code de département, et un seul (ex. apilos export_conventions_departement 13) ; reçu %d argument(s)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			code := args[0]
			if output == "" {
				output = "conventions_" + code + ".xlsx"
			}
			pool, err := connect(ctx)
			if err != nil {
				return err
			}
			defer pool.Close()
			rows, err := search.ExportDepartement(ctx, pool, code, statut)
			if err != nil {
				return err
			}
			b, err := search.ExportWorkbook(rows)
			if err != nil {
				return err
			}
			if s3 {
				cfg, err := loadConfig()
				if err != nil {
					return err
				}
				st, err := storage.New(ctx, cfg.StorageConfig())
				if err != nil {
					return err
				}
				key := "exports/" + output
				if err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b)), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"); err != nil {
					return err
				}
				fmt.Fprintf(out, "%d convention(s) exportée(s) dans le stockage : %s\n", len(rows), key)
				return nil
			}
			if err := os.WriteFile(output, b, 0o644); err != nil {
				return err
			}
			fmt.Fprintf(out, "%d convention(s) exportée(s) dans %s\n", len(rows), output)
			return nil
		},
	}
	cmd.Flags().StringVar(&output, "output", "", "fichier écrit (par défaut conventions_<CODE>.xlsx)")
	cmd.Flags().StringVar(&statut, "statut", "", "statut enregistré à garder, ex. « 5. Signée » (par défaut tous)")
	cmd.Flags().BoolVar(&s3, "s3", false, "déposer le fichier dans le stockage configuré (exports/<fichier>)")
	rootCmd.AddCommand(cmd)
}
