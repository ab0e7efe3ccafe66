// Command docsite builds the static site of the technical documentation
// from docs/ (published on GitHub Pages by .github/workflows/publish-docs.yml):
//
//	go run ./cmd/docsite -src docs -out _site
//
// It fails, naming each one, when a link between pages is broken.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/MTES-MCT/apilos-go/internal/docsite"
)

func main() {
	var o docsite.Options
	flag.StringVar(&o.Src, "src", "docs", "dossier des fichiers Markdown")
	flag.StringVar(&o.Out, "out", "_site", "dossier du site produit")
	flag.StringVar(&o.RepoRoot, "repo", ".", "racine du dépôt (liens vers des fichiers hors de la documentation)")
	flag.StringVar(&o.RepoURL, "repo-url", "https://github.com/MTES-MCT/apilos-go/blob/main", "adresse web des fichiers du dépôt")
	flag.StringVar(&o.Title, "title", "Documentation technique APiLos", "titre du site")
	flag.Parse()
	res, err := docsite.Build(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Erreur :", err)
		os.Exit(1)
	}
	fmt.Printf("%d pages écrites dans %s\n", len(res.Pages), o.Out)
}
