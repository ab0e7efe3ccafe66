package document

import (
	"context"
	"strings"
	"testing"
)

func TestBuildHLM(t *testing.T) {
	w := newWorld(t)
	m := w.make(spec{})
	doc, err := Build(context.Background(), w.pool, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Template != TplHLM {
		t.Fatalf("modèle %s", doc.Template)
	}
	text := normaliseSpaces(checkDocx(t, doc.Template, doc.Docx))
	for _, want := range append([]string{m.Numero, "Habitat Marseille Provence OPH", m.Nom, "7 940,55", "1 234 567,89"}, m.Designation...) {
		if !strings.Contains(text, want) {
			t.Errorf("%q absent du document", want)
		}
	}
	pdf := pdfText(t, toPDF(t, doc.Docx))
	for _, want := range append([]string{m.Numero, "Habitat Marseille Provence OPH", m.Nom, "7 940,55", "1 234 567,89"}, m.Designation...) {
		if !strings.Contains(pdf, want) {
			t.Errorf("%q absent du PDF", want)
		}
	}
}
