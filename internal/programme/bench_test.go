package programme

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkLoadContent300 reads the content of a convention of 300
// logements (two lots of 150, each with annexes, prêts, stationnements).
func BenchmarkLoadContent300(b *testing.B) {
	w := newWorld(b)
	m := w.makeConvention(conv{financement: []string{"PLUS", "PLAI"}, logements: 150})
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		c, err := Load(ctx, w.pool, m.ID)
		if err != nil {
			b.Fatal(err)
		}
		if n := len(c.Lots[0].Logements) + len(c.Lots[1].Logements); n != 300 {
			b.Fatalf("%d logements", n)
		}
	}
}

// BenchmarkSaveLogements300 saves the Logements step of a 300-logement
// convention (two lots of 150) where every row changes, in a transaction
// rolled back after each run.
func BenchmarkSaveLogements300(b *testing.B) {
	w := newWorld(b)
	m := w.makeConvention(conv{financement: []string{"PLUS", "PLAI"}, logements: 150})
	ctx := context.Background()
	in := LogementsInputOf(w.load(m.ID))
	in.Lots[0].NbLogements, in.Lots[1].NbLogements = "150", "150"
	for i := range in.Tables[KindAvecLoyer] {
		r := &in.Tables[KindAvecLoyer][i]
		r.Designation = fmt.Sprintf("%s-bis", r.Designation)
		r.Loyer = "300,50"
	}
	b.ResetTimer()
	for b.Loop() {
		tx, err := w.pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		res, err := Save(ctx, tx, w.bailleur, m.UUID, in, testEnv)
		if err != nil || !res.Changed {
			b.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
