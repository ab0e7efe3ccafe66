package document

import (
	"fmt"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The project's templates (internal/document/templates), by file name:
// the reference's names, so that an administration's own template may
// replace one of them file for file.
const (
	TplAvenant               = "Avenant-template.docx"
	TplFoyerResidenceAvenant = "FoyerResidence-Avenant-template.docx"
	TplAvenant2ndeVieFoyer   = "Avenant2ndeVie-Foyer-template.docx"
	TplAvenant2ndeVieHLM     = "Avenant2ndeVie-HLM-template.docx"
	TplFoyer                 = "Foyer-template.docx"
	TplResidence             = "Residence-template.docx"
	TplHLM                   = "HLM-template.docx"
	TplSEM                   = "SEM-template.docx"
	TplType1                 = "Type1-template.docx"
	TplType2                 = "Type2-template.docx"
	TplFicheCAF              = "FicheCAF-template.docx"
)

// Facts are what the choice of a convention's template depends on.
type Facts struct {
	Avenant    bool
	Foyer      bool // nature AUTRE
	Residence  bool // hébergement, résidence sociale, pension de famille, résidence d'accueil
	SecondeVie bool // the programme is "seconde vie" and the convention replaces earlier ones
	// NatureBailleur is the bailleur's nature (HLM, SEM, ...), derived
	// from its sous-nature when saved.
	NatureBailleur     string
	SousNatureBailleur string
	Type1and2          string // convention.Type1 or convention.Type2, "" when unset
}

// TemplateFor chooses the template of a convention, first match (spec
// workflows §6.1): avenants, seconde vie, foyer, résidence, HLM, SEM,
// then Type I or II, which must then be set.
func TemplateFor(f Facts) (string, error) {
	switch {
	case f.Avenant && (f.Foyer || f.Residence):
		return TplFoyerResidenceAvenant, nil
	case f.Avenant:
		return TplAvenant, nil
	case f.SecondeVie && f.Foyer:
		return TplAvenant2ndeVieFoyer, nil
	case f.SecondeVie:
		return TplAvenant2ndeVieHLM, nil
	case f.Foyer:
		return TplFoyer, nil
	case f.Residence:
		return TplResidence, nil
	case f.NatureBailleur == "HLM":
		return TplHLM, nil
	case f.NatureBailleur == "SEM":
		return TplSEM, nil
	case f.Type1and2 == convention.Type1:
		return TplType1, nil
	case f.Type1and2 == convention.Type2:
		return TplType2, nil
	}
	return "", &Error{Message: MsgType1and2Missing(programme.SousNaturesBailleur.Label(f.SousNatureBailleur))}
}

// MsgType1and2Missing refuses a Type I/II convention whose type is not
// chosen.
func MsgType1and2Missing(sousNature string) string {
	return fmt.Sprintf("Le type de convention I ou II doit-être configuré pour les bailleurs non SEM ou HLM. Bailleur de type : %s", sousNature)
}

// factsOf reads the facts of a loaded convention.
func factsOf(s *source) Facts {
	p := s.content.Programme
	return Facts{
		Avenant:            s.conv.IsAvenant(),
		Foyer:              p.IsFoyer(),
		Residence:          p.IsResidence(),
		SecondeVie:         p.SecondeVie && len(s.secondeVieParents) > 0,
		NatureBailleur:     s.content.Bailleur.NatureBailleur,
		SousNatureBailleur: s.sousNature,
		Type1and2:          s.content.Convention.Type1and2,
	}
}
