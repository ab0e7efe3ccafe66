package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/ops"
	"github.com/MTES-MCT/apilos-go/internal/prompt"
)

func init() {
	var yes bool
	cmd := &cobra.Command{
		Use:     "clear_all_data",
		Aliases: []string{"clear-all-data"},
		Short:   "Remet à zéro les données métier d'un environnement de test (refusé en production)",
		Long: "Supprime, en une seule transaction, les bailleurs, les administrations et tous les objets leur\n" +
			"appartenant (programmes, lots, conventions, logements, annexes, stationnements, prêts, commentaires,\n" +
			"historiques…), les rôles, les références Ecoloweb et les utilisateurs qui ne sont ni superuser ni staff.\n" +
			"Une confirmation (Non/oui) est demandée, sauf avec --yes. Refusé en production.",
		Example: "  apilos clear_all_data\n  apilos clear_all_data --yes",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Before the configuration, the database or any question.
			if err := refuseInProduction(); err != nil {
				return err
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			pool, err := openDB(ctx, cfg)
			if err != nil {
				return err
			}
			defer pool.Close()

			fmt.Fprintln(out, "Les bailleurs, administrations et tous les objets leur appartenant seront supprimés (programmes, lots, conventions, logements, annexes, stationnements, prêts, commentaires, historiques… etc)")
			fmt.Fprintln(out, "ainsi que les rôles, les références Ecoloweb et les utilisateurs qui ne sont ni superuser ni staff.")
			if !yes {
				ok, err := confirmOui(prompt.New(cmd.InOrStdin(), out),
					fmt.Sprintf("Supprimer toutes les données métier de l'environnement « %s » (Non/oui)?", cfg.Environment))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintln(out, "Aucune modification : aucune donnée n'a été supprimée.")
					return nil
				}
			}
			counts, err := ops.ClearAllData(ctx, pool, cfg.Environment)
			if err != nil {
				return err
			}
			fmt.Fprintln(out, "Données supprimées :")
			for _, c := range counts {
				fmt.Fprintf(out, "  - %s : %d\n", c.Label, c.N)
			}
			fmt.Fprintln(out, "Les données métier ont été supprimées ; les comptes superuser et staff sont conservés.")
			return nil
		},
	}
	cmd.Flags().BoolVar(&yes, "yes", false, "supprimer sans demander de confirmation")
	rootCmd.AddCommand(cmd)
}
