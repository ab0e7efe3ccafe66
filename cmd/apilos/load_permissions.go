package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "load-permissions",
		Short: "Charge les groupes et permissions de référence (idempotent)",
		Long: "Charge les groupes (bailleur, instructeur, administrateur et leurs variantes readonly_)\n" +
			"et leurs permissions, intégrés au binaire. Les lignes existantes sont retrouvées par leur\n" +
			"clé naturelle (nom du groupe ; codename, application et modèle de la permission) :\n" +
			"la commande peut être relancée à chaque déploiement.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			s, err := fixture.LoadPermissions(cmd.Context(), pool)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Groupes et permissions à jour : %d groupe(s), %d permission(s), %d type(s) de contenu, %d lien(s) groupe-permission.\n",
				s.Groups, s.Permissions, s.ContentTypes, s.Links)
			return nil
		},
	})
}
