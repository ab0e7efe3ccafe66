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

// BenchmarkBuild300PDF is what the worker does for the same convention:
// the .docx, then its conversion by LibreOffice headless (one soffice
// process per conversion, as in production).
func BenchmarkBuild300PDF(b *testing.B) {
	w := newWorld(b)
	m := w.make(spec{logements: 150})
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

// BenchmarkSnapshot300 is what the validation's transaction adds for a
// 300-logement convention: building and storing donnees_validees.
func BenchmarkSnapshot300(b *testing.B) {
	w := newWorld(b)
	m := w.make(spec{logements: 150})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if err := SaveSnapshot(ctx, w.pool, m.ID); err != nil {
			b.Fatal(err)
		}
	}
}
