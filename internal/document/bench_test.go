package document

import (
	"context"
	"testing"
)

// BenchmarkBuild300 builds the .docx of a 300-logement convention (two
// lots of 150, every field filled): reading, context and rendering.
func BenchmarkBuild300(b *testing.B) {
	w := newWorld(b)
	m := w.make(spec{logements: 150})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Build(ctx, w.pool, m.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBuild300PDF builds the same document and converts it to PDF
// with LibreOffice headless (one process per conversion, as the worker
// does).
func BenchmarkBuild300PDF(b *testing.B) {
	w := newWorld(b)
	m := w.make(spec{logements: 150})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		doc, err := Build(ctx, w.pool, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		if pdf := toPDFs(b, map[string][]byte{"convention": doc.Docx})["convention"]; len(pdf) == 0 {
			b.Fatal("PDF vide")
		}
	}
}
