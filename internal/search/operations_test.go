package search

import (
	"context"
	"strings"
	"testing"
)

func TestOperations(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	w.add(conv{numOp: "13-2025-0101", nom: "Les Oliviers"})
	w.add(conv{numOp: "13-2025-0102", nom: "Les Pins"})
	w.add(conv{numOp: "13-2025-0103", nom: "Hors périmètre", adm: w.otherAdm})
	w.add(conv{numOp: "69-1999-7777", nom: "Lointaine"})
	names := func(ops []Operation) string {
		var out []string
		for _, o := range ops {
			out = append(out, o.Nom)
		}
		return strings.Join(out, ", ")
	}
	for _, tc := range []struct {
		name, numero, exact, nearby string
	}{
		{"vide", " ", "", ""},
		{"exact", "13-2025-0101", "Les Oliviers", ""},
		// Without the separators the number is no exact match; the
		// similar ones of the instructeur's administration are listed.
		{"proches", "1320250101", "", "Les Oliviers, Les Pins"},
		{"proche hors périmètre seulement", "13-2025-0103", "", "Les Oliviers, Les Pins"},
		{"rien", "ZZZ", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Operations(ctx, w.pool, w.instructeur(w.adm), tc.numero)
			if err != nil {
				t.Fatal(err)
			}
			exact := ""
			if m.Exact != nil {
				exact = m.Exact.Nom
				if m.Exact.Conventions != 1 || m.Exact.Bailleur != "Habitat Calanques" {
					t.Errorf("opération exacte %+v", m.Exact)
				}
			}
			if exact != tc.exact {
				t.Errorf("exacte %q, attendu %q", exact, tc.exact)
			}
			// Order among equally similar numbers: newest first.
			if got := names(m.Nearby); !sameSet(got, tc.nearby) {
				t.Errorf("proches %q, attendu %q", got, tc.nearby)
			}
		})
	}
}

func sameSet(a, b string) bool {
	as, bs := strings.Split(a, ", "), strings.Split(b, ", ")
	if len(as) != len(bs) {
		return false
	}
	for _, x := range as {
		if !strings.Contains(", "+b+", ", ", "+x+", ") {
			return false
		}
	}
	return true
}
