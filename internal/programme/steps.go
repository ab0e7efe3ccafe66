package programme

// Step is one step of the convention's form; its value is the path
// segment of the reference (/conventions/<step>/<uuid>; avenants use
// avenant_<step>, "avenant_stationnement" in the singular).
type Step string

// The steps (spec workflows §3.2).
const (
	StepBailleur                Step = "bailleur"
	StepProgramme               Step = "programme"
	StepCadastre                Step = "cadastre"
	StepEDD                     Step = "edd"
	StepFinancement             Step = "financement"
	StepLogements               Step = "logements"
	StepFoyerResidenceLogements Step = "foyer_residence_logements"
	StepAnnexes                 Step = "annexes"
	StepStationnements          Step = "stationnements"
	StepCollectif               Step = "collectif"
	StepFoyerAttribution        Step = "foyer_attribution"
	StepResidenceAttribution    Step = "residence_attribution"
	StepVariantes               Step = "variantes"
	StepChampLibre              Step = "champ_libre"
	StepCommentaires            Step = "commentaires"
)

var stepInfos = map[Step]struct {
	label, avenantType string
}{
	StepBailleur:                {"Bailleur", "bailleur"},
	StepProgramme:               {"Opération", "programme"},
	StepCadastre:                {"Cadastre", "cadastre"},
	StepEDD:                     {"États descriptifs de division", "edd"},
	StepFinancement:             {"Financement", "duree"},
	StepLogements:               {"Logements", "logements"},
	StepFoyerResidenceLogements: {"Logements", "logements"},
	StepAnnexes:                 {"Annexes", "logements"},
	StepStationnements:          {"Stationnements", "stationnement"},
	StepCollectif:               {"Collectif", "logements"},
	StepFoyerAttribution:        {"Attribution", "foyer_attribution"},
	StepResidenceAttribution:    {"Attribution", "residence_attribution"},
	StepVariantes:               {"Variantes", "variantes"},
	StepChampLibre:              {"Champ libre", "champ_libre"},
	StepCommentaires:            {"Commentaires", "commentaires"},
}

// Label is the title of the step in the stepper.
func (s Step) Label() string {
	if i, ok := stepInfos[s]; ok {
		return i.label
	}
	return humanise(string(s))
}

// AvenantType is the avenant type whose block the step edits.
func (s Step) AvenantType() string { return stepInfos[s].avenantType }

// Valid reports whether s is a step.
func (s Step) Valid() bool { _, ok := stepInfos[s]; return ok }

// Steps lists the steps of the convention's form in order (workflows
// §3.2): the nature, the bailleur (HLM/SEM or Type I/II), the statut (an
// EDD step once in publication) and the avenant flag decide. For an
// avenant it is the full list the récapitulatif follows; an avenant's
// pages edit only the blocks of its types.
func Steps(c *Content) []Step {
	p := c.Programme
	if c.Convention.IsAvenant() {
		out := []Step{StepBailleur, StepProgramme, StepCadastre, StepEDD, StepFinancement}
		if p.IsFoyerOrResidence() {
			out = append(out, StepFoyerResidenceLogements, StepCollectif, attributionStep(p), StepVariantes)
		} else {
			out = append(out, StepLogements, StepAnnexes, StepStationnements)
		}
		return append(out, StepChampLibre, StepCommentaires)
	}
	publication := c.Convention.Statut == "5. Publication en cours" || c.Convention.Statut == "7. Publié"
	out := []Step{StepBailleur, StepProgramme, StepCadastre}
	switch {
	case p.IsFoyer():
		out = append(out, StepEDD)
	case p.IsResidence():
		if publication {
			out = append(out, StepEDD)
		}
	default:
		if !c.Bailleur.IsHLMOrSEM() || publication || p.NatureLogement == "RESIDENCEUNIVERSITAIRE" || p.NatureLogement == "RHVS" {
			out = append(out, StepEDD)
		}
	}
	out = append(out, StepFinancement)
	if p.IsFoyerOrResidence() {
		out = append(out, StepFoyerResidenceLogements, StepCollectif, attributionStep(p), StepVariantes)
	} else {
		out = append(out, StepLogements, StepAnnexes, StepStationnements)
	}
	return append(out, StepCommentaires)
}

func attributionStep(p Programme) Step {
	if p.IsFoyer() {
		return StepFoyerAttribution
	}
	return StepResidenceAttribution
}

// HasStep reports whether the step belongs to the convention's form.
func HasStep(c *Content, s Step) bool {
	for _, x := range Steps(c) {
		if x == s {
			return true
		}
	}
	return false
}

// Next is the step after s in the stepper, "" when the récapitulatif
// follows. An avenant's pages form one-step lists, except Logements →
// Annexes and Logements (foyer/résidence) → Collectif (workflows §3.2).
func Next(c *Content, s Step) Step {
	if c.Convention.IsAvenant() {
		switch s {
		case StepLogements:
			return StepAnnexes
		case StepFoyerResidenceLogements:
			return StepCollectif
		}
		return ""
	}
	steps := Steps(c)
	for i, x := range steps {
		if x == s && i+1 < len(steps) {
			return steps[i+1]
		}
	}
	return ""
}

// AvenantTypeStep is the first step of an avenant's form that edits the
// block of avenant type typ; false for a type without a step (dénonciation,
// résiliation) or a block the avenant's nature has not.
func AvenantTypeStep(c *Content, typ string) (Step, bool) {
	for _, s := range Steps(c) {
		if s.AvenantType() == typ {
			return s, true
		}
	}
	return "", false
}
