package document

import (
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// ficheCAFContext is the context of the fiche CAF (spec workflows §6.4):
// the convention's objects, the logements of the first lot by import
// order with their totals, the count by typologie and the public of the
// foyer or résidence.
func ficheCAFContext(s *source, o options) map[string]any {
	ctx := contextOf(s, nil, o)
	c := s.content
	var first []*logementView
	var t totals
	parType := map[string]int{}
	if len(c.Lots) > 0 {
		lots := ctx["lots"].([]*lotView)
		for _, lg := range c.Lots[0].Logements {
			first = append(first, &logementView{Financement: c.Lots[0].Financement, Lot: lots[0], Logement: lg})
			t.add(lg)
			parType[programme.TypologieLabel(lg.Typologie)]++
		}
	}
	if first == nil {
		first = []*logementView{}
	}
	ctx["logements"] = first
	t.put(ctx, "")
	ctx["nb_logements_par_type"] = parType

	cv := c.Convention
	var res []string
	if cv.AttributionResidenceSocialeOrdinaire {
		res = append(res, residenceAttribution("attribution_residence_sociale_ordinaire"))
	}
	if cv.AttributionPensionDeFamille {
		res = append(res, residenceAttribution("attribution_pension_de_famille"))
	}
	if cv.AttributionResidenceAccueil {
		res = append(res, residenceAttribution("attribution_residence_accueil"))
	}
	ctx["residence_attributions"] = strings.Join(res, " ; ")
	ctx["foyer_attributions"] = programme.AttributionTypesFoyer.Label(cv.AttributionType())
	return ctx
}

// residenceAttribution is "<label> (<help text>)" of a résidence public.
func residenceAttribution(code string) string {
	label := programme.AttributionsResidence.Label(code)
	if f, ok := programme.FieldOf(programme.ObjConvention, code); ok && f.Description != "" && f.Description != label {
		return label + " (" + f.Description + ")"
	}
	return label
}
