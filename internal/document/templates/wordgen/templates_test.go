package wordgen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The templates checked into internal/document/templates are exactly what
// the generator writes (run go generate ./internal/document/templates).
func TestCommittedTemplatesMatchGenerator(t *testing.T) {
	names := map[string]bool{}
	for _, tpl := range Templates() {
		names[tpl.Name] = true
		got, err := os.ReadFile(filepath.Join("..", tpl.Name))
		if err != nil {
			t.Fatalf("%s : %v (go generate ./internal/document/templates)", tpl.Name, err)
		}
		if !bytes.Equal(got, tpl.Build()) {
			t.Errorf("%s diffère de son générateur : go generate ./internal/document/templates", tpl.Name)
		}
	}
	files, err := filepath.Glob(filepath.Join("..", "*.docx"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !names[filepath.Base(f)] {
			t.Errorf("%s n'a pas de générateur", f)
		}
	}
}
