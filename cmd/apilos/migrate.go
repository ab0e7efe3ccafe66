package main

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/db"
)

func init() {
	migrate := &cobra.Command{
		Use:   "migrate",
		Short: "Gère le schéma de la base de données (up, down, status)",
	}
	up := &cobra.Command{
		Use:   "up",
		Short: "Applique les migrations en attente (adopte une base Django APiLos existante)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			adopted, applied, err := db.MigrateUp(cmd.Context(), pool)
			out := cmd.OutOrStdout()
			if adopted {
				fmt.Fprintf(out, "Base APiLos (Django) existante adoptée : migration de référence %d enregistrée comme appliquée.\n", db.BaselineVersion)
			}
			for _, v := range applied {
				fmt.Fprintf(out, "Migration %05d appliquée.\n", v)
			}
			if err != nil {
				return err
			}
			if len(applied) == 0 {
				fmt.Fprintln(out, "Aucune migration en attente : le schéma est à jour.")
			}
			return nil
		},
	}
	down := &cobra.Command{
		Use:   "down [VERSION]",
		Short: "Annule la dernière migration, ou revient jusqu'à VERSION (0 : tout)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := int64(-1)
			if len(args) == 1 {
				v, err := strconv.ParseInt(args[0], 10, 64)
				if err != nil || v < 0 {
					return fmt.Errorf("version invalide %q : attendu un entier positif ou nul", args[0])
				}
				target = v
			}
			if err := refuseInProduction(); err != nil {
				return err
			}
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			versions, err := db.MigrateDown(cmd.Context(), pool, target)
			for _, v := range versions {
				fmt.Fprintf(cmd.OutOrStdout(), "Migration %05d annulée.\n", v)
			}
			return err
		},
	}
	status := &cobra.Command{
		Use:   "status",
		Short: "Liste les migrations et leur état",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			st, err := db.Status(cmd.Context(), pool)
			if err != nil {
				return err
			}
			for _, s := range st {
				state := "en attente"
				if s.Applied {
					state = "appliquée"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%05d  %-12s %s\n", s.Version, state, s.Name)
			}
			return nil
		},
	}
	migrate.AddCommand(up, down, status)
	rootCmd.AddCommand(migrate)
}
