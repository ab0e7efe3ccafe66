package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/session"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "clearsessions",
		Short: "Supprime les sessions expirées (lancée à chaque déploiement)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			n, err := session.DeleteExpired(cmd.Context(), pool)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d session(s) expirée(s) supprimée(s)\n", n)
			return nil
		},
	})
}
