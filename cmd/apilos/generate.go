package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/demo"
	"github.com/MTES-MCT/apilos-go/internal/ops"
)

func init() {
	var n int
	var seed int64
	cmd := &cobra.Command{
		Use:   "generate",
		Short: "Remplit la base avec un gros volume de conventions fictives (mesures de performance)",
		Long: `Ajoute N conventions et avenants fictifs (programmes, lots, logements, statuts
répartis comme en production, environ un avenant sur dix, bailleurs et administrations
dans plusieurs départements) par COPY, pour les mesures de performance. La première
convention créée est signée et compte exactement 300 logements : son uuid est affiché.
Refusé en production.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			if err := ops.RefuseInProduction(cfg.Environment); err != nil {
				return err
			}
			if n <= 0 {
				return fmt.Errorf("--conventions doit être un nombre positif (ex. --conventions 200000)")
			}
			pool, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			out := cmd.OutOrStdout()
			start := time.Now()
			res, err := demo.Bulk(cmd.Context(), pool, demo.BulkOptions{Conventions: n, Seed: seed,
				Progress: func(done int) {
					if done%50000 == 0 || done == n {
						fmt.Fprintf(out, "%d/%d conventions (%s)\n", done, n, time.Since(start).Round(time.Second))
					}
				}})
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "%d programmes, %d conventions, %d avenants, %d lots, %d logements ajoutés en %s\n",
				res.Programmes, res.Conventions, res.Avenants, res.Lots, res.Logements, time.Since(start).Round(time.Second))
			fmt.Fprintf(out, "convention de 300 logements : %s\n", res.Big)
			return nil
		},
	}
	cmd.Flags().IntVar(&n, "conventions", 0, "nombre de conventions et avenants à ajouter")
	cmd.Flags().Int64Var(&seed, "seed", 1, "graine du tirage (même graine, mêmes données)")
	rootCmd.AddCommand(cmd)
}
