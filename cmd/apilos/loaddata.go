package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

func init() {
	var allowProduction bool
	cmd := &cobra.Command{
		Use:   "loaddata FICHIER...",
		Short: "Charge des fixtures au format Django (JSON) dans la base",
		Long: "Charge un ou plusieurs fichiers de fixtures au format Django\n" +
			"([{\"model\": \"app.modèle\", \"pk\": 1, \"fields\": {...}}], clés naturelles acceptées)\n" +
			"en une seule transaction : au moindre problème rien n'est écrit et le message\n" +
			"nomme le fichier, l'objet (numérotés à partir de 1 dans chaque fichier), le modèle et le champ.\n" +
			"Un objet dont la clé existe déjà est mis à jour. « - » lit l'entrée standard.",
		Example: "  apilos loaddata departements.json avenant_types.json",
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !allowProduction {
				if err := refuseInProduction(); err != nil {
					return fmt.Errorf("%w ; ajoutez --allow-production pour y charger des fixtures quand même", err)
				}
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			srcs := make([]fixture.Source, 0, len(args))
			for _, name := range args {
				var data []byte
				if name == "-" {
					name = "entrée standard"
					data, err = io.ReadAll(cmd.InOrStdin())
				} else {
					data, err = os.ReadFile(name)
				}
				if err != nil {
					return fmt.Errorf("lecture de %s impossible : %w", name, err)
				}
				srcs = append(srcs, fixture.Source{Name: name, Data: data})
			}
			pool, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			res, err := fixture.Load(cmd.Context(), pool, srcs)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%d objet(s) installé(s) depuis %d fichier(s)\n", res.Objects, res.Files)
			return nil
		},
	}
	cmd.Flags().BoolVar(&allowProduction, "allow-production", false, "autorise le chargement dans un environnement de production")
	rootCmd.AddCommand(cmd)
}
