package convention

import "testing"

func TestImpossibleDeElides(t *testing.T) {
	for verb, want := range map[string]string{
		"annuler":          "Impossible d'annuler",
		"envoyer":          "Impossible d'envoyer",
		"héberger":         "Impossible d'héberger",
		"valider":          "Impossible de valider",
		"soumettre":        "Impossible de soumettre",
		"créer un avenant": "Impossible de créer un avenant",
		"":                 "Impossible de ",
	} {
		if got := impossibleDe(verb); got != want {
			t.Errorf("impossibleDe(%q) = %q, want %q", verb, got, want)
		}
	}
}
