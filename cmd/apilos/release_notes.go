package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/deploy"
)

func init() {
	var dir string
	cmd := &cobra.Command{
		Use:   "release-notes VERSION_PRECEDENTE NOUVELLE_VERSION",
		Short: "Écrit les notes de version (Markdown) entre deux tags, classées par section",
		Long: `Écrit en Markdown les notes de la release NOUVELLE_VERSION : les commits depuis
VERSION_PRECEDENTE classés d'après leur préfixe (conventional commits) dans les sections
Fonctionnalités (feat), Correctifs (fix), Mise à jour des dépendances (deps, chore(deps),
build(deps), Dependabot) et Améliorations techniques (le reste), puis le changelog technique
(git log NOUVELLE...PRECEDENTE --oneline). Voir docs/RELEASE.md.`,
		Example: "  apilos release-notes v1.22.0 v1.23.0 > notes.md",
		Args:    cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			notes, err := deploy.GenerateReleaseNotes(cmd.Context(), dir, args[0], args[1])
			if err != nil {
				return err
			}
			fmt.Fprint(cmd.OutOrStdout(), notes.Markdown())
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "repo", ".", "dépôt git à lire")
	rootCmd.AddCommand(cmd)
}
