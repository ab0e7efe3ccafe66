package document

import (
	"context"
	"testing"
)

// BenchmarkBuildPDF300 measures what the worker does for a 300-logement
// convention: the .docx rendered from the templates, then converted by
// LibreOffice (one soffice process per conversion, as in production).
func BenchmarkBuildPDF300(b *testing.B) {
	w := newWorld(b)
	m := w.make(spec{financement: []string{"PLUS"}, logements: 300})
	lo := &LibreOffice{Exec: soffice(b)}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		doc, err := Build(ctx, w.pool, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := lo.ToPDF(ctx, doc.Docx); err != nil {
			b.Fatal(err)
		}
	}
}
