package demo

import "time"

// A convention's life as dated events. Times are generated forward from a
// provisional start, then the whole family (convention and avenants) is
// shifted by whole weeks so its last event falls shortly before anchor.

type step int

const (
	stepSubmit step = iota
	stepCorrection
	stepResubmit
	stepValidate
	stepSign
	stepEnvoiSPF
	stepPublication
	stepResiliation
	stepCancel
)

// paths lists the steps each statut went through. The dénonciation comes
// from the avenant of the same name (see family).
var paths = map[string][]step{
	statutProjet:             {},
	statutInstruction:        {stepSubmit},
	statutCorrection:         {stepSubmit, stepCorrection},
	statutASigner:            {stepSubmit, stepCorrection, stepResubmit, stepValidate},
	statutSignee:             {stepSubmit, stepValidate, stepSign},
	statutPublicationEnCours: {stepSubmit, stepValidate, stepSign, stepEnvoiSPF},
	statutPublie:             {stepSubmit, stepValidate, stepSign, stepEnvoiSPF, stepPublication},
	statutResiliee:           {stepSubmit, stepValidate, stepSign, stepResiliation},
	statutDenoncee:           {stepSubmit, stepValidate, stepSign},
	statutAnnulee:            {stepSubmit, stepCancel},
}

// hist is a ConventionHistory row. Only the transitions that write one in
// the reference are recorded (§10.1): submissions, correction requests,
// validation, cancel. Uploads, publication, résiliation and dénonciation
// change the statut without a history row.
type hist struct {
	at             time.Time
	from, to       string
	byInstructeur  bool
	commentaire    string
	hasCommentaire bool
}

type tline struct {
	cree, soumis, valide, signe, envoiSPF, publication, resiliation, denonciation time.Time
	last                                                                          time.Time
	history                                                                       []hist
}

func (t *tline) times() []*time.Time {
	ts := []*time.Time{&t.cree, &t.soumis, &t.valide, &t.signe, &t.envoiSPF, &t.publication,
		&t.resiliation, &t.denonciation, &t.last}
	for i := range t.history {
		ts = append(ts, &t.history[i].at)
	}
	return ts
}

// shift moves every event by whole weeks, which keeps working days.
func (t *tline) shift(weeks int) {
	for _, p := range t.times() {
		if !p.IsZero() {
			*p = p.AddDate(0, 0, 7*weeks)
		}
	}
}

// workTime puts t on a working day between 8:00 and 19:00.
func (g *generator) workTime(t time.Time) time.Time {
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return time.Date(t.Year(), t.Month(), t.Day(), 8+g.rng.IntN(11), g.rng.IntN(60), g.rng.IntN(60),
		g.rng.IntN(1000)*int(time.Millisecond), time.UTC)
}

func (g *generator) days(minD, maxD int) int { return minD + g.rng.IntN(maxD-minD+1) }

var commentairesCorrection = []string{
	"Merci de vérifier les surfaces annexes retenues : elles dépassent les surfaces réelles déclarées.",
	"Le coefficient propre au logement doit être justifié pour les T1. Merci de compléter.",
	"Les références cadastrales ne correspondent pas au permis de construire. Merci de les corriger.",
	"Merci de joindre l'acte de propriété et de préciser la date de l'acte notarié.",
}

// run plays the steps of statut from start.
func (g *generator) run(start time.Time, statut string) tline {
	at := g.workTime(start)
	t := tline{cree: at}
	cur := statutProjet
	advance := func(minD, maxD int) { at = g.workTime(at.AddDate(0, 0, g.days(minD, maxD))) }
	record := func(to string, byInstr bool, comment string) {
		h := hist{at: at, from: cur, to: to, byInstructeur: byInstr}
		if comment != "" {
			h.commentaire, h.hasCommentaire = comment, true
		}
		t.history = append(t.history, h)
		cur = to
	}
	for _, s := range paths[statut] {
		switch s {
		case stepSubmit:
			advance(15, 40)
			t.soumis = at
			record(statutInstruction, false, "")
		case stepCorrection:
			advance(10, 25)
			record(statutCorrection, true, commentairesCorrection[g.rng.IntN(len(commentairesCorrection))])
		case stepResubmit:
			advance(7, 20)
			record(statutInstruction, false, "Les corrections demandées ont été apportées.")
		case stepValidate:
			advance(15, 40)
			t.valide = at
			record(statutASigner, true, "")
		case stepSign:
			advance(10, 40)
			t.signe = at
		case stepEnvoiSPF:
			advance(10, 30)
			t.envoiSPF = at
		case stepPublication:
			advance(20, 60)
			t.publication = at
		case stepResiliation:
			advance(200, 400)
			t.resiliation = at
		case stepCancel:
			advance(20, 60)
			record(statutAnnulee, true, "Opération abandonnée par le bailleur.")
		}
	}
	t.last = at
	return t
}
