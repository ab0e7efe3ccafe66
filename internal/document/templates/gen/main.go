// Command gen writes the project's Word templates (internal/document/
// templates/*.docx) from their generator, wordgen.
package main

import (
	"log"
	"os"
	"path/filepath"

	"github.com/MTES-MCT/apilos-go/internal/document/templates/wordgen"
)

func main() {
	dir := "."
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	for _, t := range wordgen.Templates() {
		if err := os.WriteFile(filepath.Join(dir, t.Name), t.Build(), 0o644); err != nil {
			log.Fatal(err)
		}
	}
}
