package document

import (
	"context"
	"errors"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// The template choice of spec workflows §6.1, first match wins.
func TestTemplateFor(t *testing.T) {
	for _, c := range []struct {
		name string
		f    Facts
		want string
	}{
		{"avenant d'une convention HLM", Facts{Avenant: true, NatureBailleur: "HLM"}, TplAvenant},
		{"avenant Type I", Facts{Avenant: true, NatureBailleur: "Autres bailleurs sociaux non HLM"}, TplAvenant},
		{"avenant de foyer", Facts{Avenant: true, Foyer: true}, TplFoyerResidenceAvenant},
		{"avenant de résidence", Facts{Avenant: true, Residence: true}, TplFoyerResidenceAvenant},
		{"avenant d'une seconde vie", Facts{Avenant: true, SecondeVie: true, Foyer: true}, TplFoyerResidenceAvenant},
		{"seconde vie", Facts{SecondeVie: true, NatureBailleur: "SEM"}, TplAvenant2ndeVieHLM},
		{"seconde vie de foyer", Facts{SecondeVie: true, Foyer: true}, TplAvenant2ndeVieFoyer},
		{"seconde vie de résidence", Facts{SecondeVie: true, Residence: true}, TplAvenant2ndeVieHLM},
		{"foyer d'un HLM", Facts{Foyer: true, NatureBailleur: "HLM"}, TplFoyer},
		{"résidence d'une association", Facts{Residence: true, NatureBailleur: "Autres bailleurs sociaux non HLM"}, TplResidence},
		{"HLM", Facts{NatureBailleur: "HLM", Type1and2: convention.Type2}, TplHLM},
		{"SEM", Facts{NatureBailleur: "SEM"}, TplSEM},
		{"association Type I", Facts{NatureBailleur: "Autres bailleurs sociaux non HLM", Type1and2: convention.Type1}, TplType1},
		{"particulier Type II", Facts{NatureBailleur: "Bailleurs privés", Type1and2: convention.Type2}, TplType2},
		{"résidence universitaire d'un HLM", Facts{NatureBailleur: "HLM"}, TplHLM},
	} {
		got, err := TemplateFor(c.f)
		if err != nil || got != c.want {
			t.Errorf("%s : %q, %v ; attendu %q", c.name, got, err, c.want)
		}
	}
	_, err := TemplateFor(Facts{NatureBailleur: "Autres bailleurs sociaux non HLM", SousNatureBailleur: "ASSOCIATIONS"})
	var e *Error
	if !errors.As(err, &e) || e.Message != "Le type de convention I ou II doit-être configuré pour les bailleurs non SEM ou HLM. Bailleur de type : Associations" {
		t.Errorf("type I/II absent : %v", err)
	}
}

// A convention of a bailleur neither HLM nor SEM without type I/II is
// refused with the French message; a missing convention is ErrNotFound.
func TestBuildRefusals(t *testing.T) {
	w := newWorld(t)
	m := w.make(spec{bailleur: w.assoc})
	_, err := Build(context.Background(), w.pool, m.ID)
	var e *Error
	if !errors.As(err, &e) || e.Message != MsgType1and2Missing("Associations") {
		t.Errorf("sans type I/II : %v", err)
	}
	if _, err := Build(context.Background(), w.pool, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("convention absente : %v", err)
	}
	if _, err := BuildFicheCAF(context.Background(), w.pool, 999999); !errors.Is(err, ErrNotFound) {
		t.Errorf("fiche CAF d'une convention absente : %v", err)
	}
}
