package document

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// built is a document of the test and what its text must show.
type built struct {
	name string
	doc  *Document
	want []string
	not  []string
}

// Every template of the project renders for a convention of its kind,
// every field filled: the .docx holds no tag, every XML part parses, and
// LibreOffice converts it to a PDF showing the numéro, the bailleur, the
// programme, every logement and the amounts in French format.
func TestEveryTemplateRendersAndConverts(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	signed := "5. Signée"
	lo := []string{"7 940,55", "1 234 567,89", "47 643,30"}
	foyerAmounts := []string{"412,35", "1 234 567,89"}
	hlm := w.make(spec{statut: signed})
	foyer := w.make(spec{nature: "AUTRE", statut: signed})
	cases := []struct {
		name     string
		tpl      string
		s        spec
		bailleur string
		amounts  []string
		also     []string
		not      []string
	}{
		{"HLM", TplHLM, spec{}, "Habitat Marseille Provence OPH", lo, []string{"Mixité sociale", "Convention en cours d'instruction"}, nil},
		{"SEM", TplSEM, spec{bailleur: w.sem, statut: "1. Projet"}, "SEM Aix Logement", lo, []string{"société d'économie mixte", "Projet de convention"}, nil},
		{"Type I", TplType1, spec{bailleur: w.assoc, type1and2: convention.Type1}, "Association Toit Solidaire", lo, []string{"type I"}, nil},
		{"Type II", TplType2, spec{bailleur: w.assoc, type1and2: convention.Type2, departement: "974"}, "Association Toit Solidaire", lo, []string{"type II"},
			[]string{"Ministère chargé du logement"}}, // outre-mer: no CERFA block
		{"foyer", TplFoyer, spec{nature: "AUTRE"}, "Habitat Marseille Provence OPH", foyerAmounts, []string{"Salle polyvalente", "Gestion Sud Foyers", "Réfection des toitures"}, nil},
		{"résidence", TplResidence, spec{nature: "RESISDENCESOCIALE"}, "Habitat Marseille Provence OPH", foyerAmounts, []string{"résidence sociale ordinaire", "pension de famille"}, nil},
		{"avenant", TplAvenant, spec{parent: hlm.ID, bailleur: w.sem, types: []string{"bailleur", "logements", "duree", "programme", "champ_libre", "stationnement", "cadastre", "edd"}},
			"SEM Aix Logement", lo, []string{"Changement de bailleur", "Habitat Marseille Provence OPH", hlm.Numero, "Mise à jour du règlement intérieur"}, nil},
		{"avenant de foyer", TplFoyerResidenceAvenant, spec{parent: foyer.ID, nature: "AUTRE", types: []string{"logements", "duree", "foyer_attribution", "variantes"}},
			"Habitat Marseille Provence OPH", foyerAmounts, []string{foyer.Numero, "Variante 1 : retenue"}, nil},
		{"dénonciation", TplAvenant, spec{parent: hlm.ID, types: []string{"denonciation"}}, "Habitat Marseille Provence OPH", []string{"7 940,55"},
			[]string{"Dénonciation de la convention", "31 mars 2026", "Vente des logements à un autre bailleur", hlm.Numero}, nil},
		{"résiliation", TplAvenant, spec{parent: hlm.ID, types: []string{"resiliation"}}, "Habitat Marseille Provence OPH", []string{"7 940,55"},
			[]string{"Résiliation de la convention", "30 avril 2026", "Démolition du bâtiment B"}, nil},
		{"seconde vie", TplAvenant2ndeVieHLM, spec{secondeVie: true, replaces: hlm.ID}, "Habitat Marseille Provence OPH", lo, []string{"seconde vie", hlm.Numero}, nil},
		{"seconde vie de foyer", TplAvenant2ndeVieFoyer, spec{nature: "AUTRE", secondeVie: true, replaces: foyer.ID}, "Habitat Marseille Provence OPH", foyerAmounts, []string{foyer.Numero}, nil},
	}
	var docs []built
	templatesSeen := map[string]bool{}
	for _, c := range cases {
		m := w.make(c.s)
		doc, err := Build(ctx, w.pool, m.ID, WithToday(time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)))
		if err != nil {
			t.Fatalf("%s : %v", c.name, err)
		}
		if doc.Template != c.tpl {
			t.Errorf("%s : modèle %s, attendu %s", c.name, doc.Template, c.tpl)
		}
		templatesSeen[doc.Template] = true
		want := append([]string{m.Numero, c.bailleur, m.Nom}, c.amounts...)
		want = append(want, c.also...)
		want = append(want, m.Designation...)
		docs = append(docs, built{c.name, doc, want, c.not})
	}
	// The fiche CAF of each family.
	for _, c := range []struct {
		name, nature, public string
	}{
		{"fiche CAF", "", "Logements ordinaires"},
		{"fiche CAF de foyer", "AUTRE", "Personnes âgées seules ou en ménage"},
		{"fiche CAF de résidence", "PENSIONSDEFAMILLE", "Résidence sociale ordinaire"},
	} {
		m := w.make(spec{nature: c.nature, statut: signed, financement: []string{"PLAI"}})
		doc, err := BuildFicheCAF(ctx, w.pool, m.ID)
		if err != nil {
			t.Fatalf("%s : %v", c.name, err)
		}
		templatesSeen[doc.Template] = true
		amount := "7 940,55"
		if c.nature != "" {
			amount = "412,35"
		}
		want := append([]string{m.Numero, "Habitat Marseille Provence OPH", m.Nom, amount, c.public, "3 février 2025"}, m.Designation...)
		docs = append(docs, built{c.name, doc, want, nil})
	}
	entries, err := os.ReadDir("templates")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".docx") && !templatesSeen[e.Name()] {
			t.Errorf("le modèle %s n'est rendu par aucun cas", e.Name())
		}
	}

	in := map[string][]byte{}
	for i, b := range docs {
		text := normaliseSpaces(checkDocx(t, b.name, b.doc.Docx))
		for _, s := range b.want {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(normaliseSpaces(s))) {
				t.Errorf("%s (%s) : %q absent du .docx", b.name, b.doc.Template, s)
			}
		}
		for _, s := range b.not {
			if strings.Contains(text, s) {
				t.Errorf("%s (%s) : %q présent", b.name, b.doc.Template, s)
			}
		}
		in[filepath.Base(b.doc.Template)+"-"+string(rune('a'+i))] = b.doc.Docx
	}
	pdfs := toPDFs(t, in)
	for i, b := range docs {
		text := pdfText(t, pdfs[filepath.Base(b.doc.Template)+"-"+string(rune('a'+i))])
		for _, s := range b.want {
			if !strings.Contains(strings.ToLower(text), strings.ToLower(normaliseSpaces(s))) {
				t.Errorf("%s (%s) : %q absent du PDF", b.name, b.doc.Template, s)
			}
		}
	}
}
