package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

func init() {
	var output string
	var opts fixture.DumpOptions
	cmd := &cobra.Command{
		Use:   "dumpdata [app.modèle|app ...]",
		Short: "Exporte des données au format fixtures Django (JSON)",
		Long: "Exporte les modèles donnés (ou tous les modèles de données) au format de fixtures\n" +
			"Django, rechargeable par « apilos loaddata » : modèles référencés d'abord, lignes par clé\n" +
			"primaire, dates et heures en UTC (2023-03-08T20:43:43.845Z), décimaux en texte.",
		Example: "  apilos dumpdata -o sauvegarde.json\n  apilos dumpdata bailleurs.bailleur programmes\n" +
			"  apilos dumpdata --natural-foreign --natural-primary auth.group auth.permission",
		RunE: func(cmd *cobra.Command, args []string) error {
			pool, err := connect(cmd.Context())
			if err != nil {
				return err
			}
			defer pool.Close()
			if output == "" || output == "-" {
				_, err := fixture.DumpWith(cmd.Context(), pool, cmd.OutOrStdout(), args, opts)
				return err
			}
			// Write next to the target and rename, so a failed dump never
			// leaves a truncated file behind.
			tmp, err := os.CreateTemp(filepath.Dir(output), "."+filepath.Base(output)+".*")
			if err != nil {
				return fmt.Errorf("création de %s impossible : %w", output, err)
			}
			defer os.Remove(tmp.Name())
			res, err := fixture.DumpWith(cmd.Context(), pool, tmp, args, opts)
			if cerr := tmp.Close(); err == nil && cerr != nil {
				err = fmt.Errorf("écriture de %s impossible : %w", output, cerr)
			}
			if err != nil {
				return err
			}
			if err := os.Rename(tmp.Name(), output); err != nil {
				return fmt.Errorf("écriture de %s impossible : %w", output, err)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "%d objet(s) de %d modèle(s) exporté(s) dans %s\n", res.Objects, res.Models, output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "", "fichier de sortie (par défaut : sortie standard)")
	cmd.Flags().BoolVar(&opts.NaturalForeign, "natural-foreign", false, "références aux groupes, permissions, types de contenu et utilisateurs par clé naturelle")
	cmd.Flags().BoolVar(&opts.NaturalPrimary, "natural-primary", false, "sans clé primaire pour les objets qui ont une clé naturelle")
	rootCmd.AddCommand(cmd)
}
