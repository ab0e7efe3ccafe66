package programme

import (
	"context"
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
