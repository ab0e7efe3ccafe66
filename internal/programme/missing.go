package programme

import (
	"context"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// MsgSansLot and MsgLotSansLogement are the content missing besides the
// rules of the steps.
const MsgSansLot = "Logements : la convention n'a aucun lot de financement"

// MsgLotSansLogement says a lot has no logement.
func MsgLotSansLogement(financement string) string {
	return "Logements : le lot " + FinancementLabel(financement) + " n'a aucun logement"
}

// Missing lists, in French, the content the convention lacks before it
// can be submitted (T1): a lot without logement, and every problem the
// stored values of its steps raise under the steps' rules (the signataire,
// the end year of the term, the number of logements, the attribution...),
// each prefixed by its step ("Financement : La date de fin de
// conventionnement est obligatoire"). Optional problems, which a user may
// confirm, are not missing content. An avenant is checked on the steps
// of its types only; dénonciations and résiliations have their own
// forms. Its signature matches convention.ContentCheck, so
// convention.Submit can run it in its transaction.
func Missing(ctx context.Context, q convention.Querier, conv *convention.Convention) ([]string, error) {
	c, err := Load(ctx, q, conv.ID)
	if err != nil {
		return nil, err
	}
	return c.Missing(Env{}), nil
}

// Missing is the completeness check on loaded content (see Missing).
func (c *Content) Missing(env Env) []string {
	avenant := c.Convention.IsAvenant()
	if avenant && (c.Convention.HasType("denonciation") || c.Convention.HasType("resiliation")) {
		return nil
	}
	var out []string
	if !avenant || c.Convention.HasType("logements") {
		if len(c.Lots) == 0 {
			out = append(out, MsgSansLot)
		}
		for _, l := range c.Lots {
			if len(l.Logements) == 0 {
				out = append(out, MsgLotSansLogement(l.Financement))
			}
		}
	}
	for _, s := range Steps(c) {
		if avenant && !c.Convention.HasType(s.AvenantType()) {
			continue
		}
		in := StoredInput(c, s)
		if in == nil {
			continue
		}
		for _, p := range Validate(c, in, env).Blocking() {
			out = append(out, s.Label()+" : "+p.String())
		}
	}
	return out
}

// StoredInput is the step's form filled with the stored values (nil for
// an unknown step): what a page shows, and what Missing checks.
func StoredInput(c *Content, s Step) Input {
	switch s {
	case StepBailleur:
		return BailleurInputOf(c)
	case StepProgramme:
		return ProgrammeInputOf(c)
	case StepCadastre:
		return CadastreInputOf(c)
	case StepEDD:
		return EDDInputOf(c)
	case StepFinancement:
		return FinancementInputOf(c)
	case StepLogements:
		return LogementsInputOf(c)
	case StepFoyerResidenceLogements:
		return FoyerResidenceLogementsInputOf(c)
	case StepAnnexes:
		return AnnexesInputOf(c)
	case StepStationnements:
		return StationnementsInputOf(c)
	case StepCollectif:
		return CollectifInputOf(c)
	case StepFoyerAttribution, StepResidenceAttribution:
		in := AttributionInputOf(c)
		in.Residence = s == StepResidenceAttribution
		return in
	case StepVariantes:
		return VariantesInputOf(c)
	case StepCommentaires:
		return CommentairesInput{Commentaires: c.Convention.Commentaires.Text}
	case StepChampLibre:
		return ChampLibreInput{ChampLibreAvenant: c.Convention.ChampLibreAvenant}
	}
	return nil
}
