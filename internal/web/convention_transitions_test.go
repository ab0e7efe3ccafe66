package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// (statut × action × role) over HTTP, a representative subset per
// transition (the domain tests every pair): an allowed one changes the
// statut and writes exactly one history row; a refused one changes
// nothing (row and history) and says why in French; a route the role may
// not use is a 403, a convention outside the scope a 404.
func TestTransitionsOverHTTP(t *testing.T) {
	w := newCWorld(t)
	type tc struct {
		name   string
		conv   cconv
		who    func() *actor
		path   string // "{uuid}" replaced
		form   url.Values
		want   string // new statut; "" → refused
		code   int    // 303 unless set
		msg    string // part of the refusal message
		before func(created)
	}
	S := func(s convention.Statut) string { return string(s) }
	bail, instr, lect, autre := func() *actor { return w.bailleur }, func() *actor { return w.instr },
		func() *actor { return w.lecteur }, func() *actor { return w.autre }
	submit := url.Values{"SubmitConvention": {"True"}}
	corr := url.Values{"from_instructeur": {"1"}}
	back := url.Values{"BackToInstruction": {"True"}}
	cases := []tc{
		// T1 submit
		{name: "T1 bailleur projet", conv: cconv{statut: S(convention.Projet)}, who: bail, path: "/conventions/save/{uuid}", form: submit, want: S(convention.Instruction)},
		{name: "T1 instructeur projet", conv: cconv{statut: S(convention.Projet)}, who: instr, path: "/conventions/save/{uuid}", form: submit, msg: convention.MsgBailleurOnly},
		{name: "T1 bailleur instruction", conv: cconv{statut: S(convention.Instruction)}, who: bail, path: "/conventions/save/{uuid}", form: submit, msg: "Impossible de soumettre"},
		{name: "T1 sans numéro d'opération", conv: cconv{statut: S(convention.Projet), numOp: "-"}, who: bail, path: "/conventions/save/{uuid}", form: submit, msg: convention.MsgNumeroOperationMissing,
			before: func(c created) { w.exec(`UPDATE programmes_programme SET numero_operation = '' WHERE id = $1`, c.Prog) }},
		{name: "T1 lecture seule", conv: cconv{statut: S(convention.Projet)}, who: lect, path: "/conventions/save/{uuid}", form: submit, code: 403},
		{name: "T1 hors périmètre", conv: cconv{statut: S(convention.Projet)}, who: autre, path: "/conventions/save/{uuid}", form: submit, code: 404},
		// T2 corrections
		{name: "T2 instructeur instruction", conv: cconv{statut: S(convention.Instruction)}, who: instr, path: "/conventions/feedback/{uuid}", form: corr, want: S(convention.Correction)},
		{name: "T2 instructeur correction (notifier)", conv: cconv{statut: S(convention.Correction)}, who: instr, path: "/conventions/feedback/{uuid}", form: corr, want: S(convention.Correction)},
		{name: "T2 instructeur projet créé par lui", conv: cconv{statut: S(convention.Projet)}, who: instr, path: "/conventions/feedback/{uuid}", form: corr, want: S(convention.Correction),
			before: func(c created) {
				w.exec(`UPDATE conventions_convention SET cree_par_id = $2 WHERE id = $1`, c.ID, w.instr.userID)
			}},
		{name: "T2 instructeur signée", conv: cconv{statut: S(convention.Signee)}, who: instr, path: "/conventions/feedback/{uuid}", form: corr, msg: "Impossible de demander des corrections"},
		// T3 renvoi
		{name: "T3 bailleur correction", conv: cconv{statut: S(convention.Correction)}, who: bail, path: "/conventions/feedback/{uuid}", want: S(convention.Instruction)},
		{name: "T3 instructeur", conv: cconv{statut: S(convention.Correction)}, who: instr, path: "/conventions/feedback/{uuid}", msg: convention.MsgBailleurOnly},
		{name: "T3 bailleur à signer", conv: cconv{statut: S(convention.ASigner)}, who: bail, path: "/conventions/feedback/{uuid}", msg: "Impossible de renvoyer"},
		// T4 validate
		{name: "T4 instructeur correction", conv: cconv{statut: S(convention.Correction)}, who: instr, path: "/conventions/validate/{uuid}", form: url.Values{"convention_numero": {"75.D.26.0400"}}, want: S(convention.ASigner)},
		{name: "T4 bailleur", conv: cconv{statut: S(convention.Instruction)}, who: bail, path: "/conventions/validate/{uuid}", form: url.Values{"convention_numero": {"X"}}, code: 403},
		{name: "T4 instructeur projet", conv: cconv{statut: S(convention.Projet)}, who: instr, path: "/conventions/validate/{uuid}", form: url.Values{"convention_numero": {"X"}}, msg: "Impossible de valider"},
		{name: "T4 Type I/II manquant", conv: cconv{statut: S(convention.Instruction), bailleur: -1}, who: func() *actor { return w.superuser }, path: "/conventions/validate/{uuid}", form: url.Values{"convention_numero": {"X"}}, msg: convention.MsgType1and2Missing},
		{name: "T4 numéro vide", conv: cconv{statut: S(convention.Instruction)}, who: instr, path: "/conventions/validate/{uuid}", form: url.Values{"convention_numero": {" "}}, msg: convention.MsgNumeroRequired},
		// T5 back to instruction
		{name: "T5 instructeur à signer", conv: cconv{statut: S(convention.ASigner)}, who: instr, path: "/conventions/save/{uuid}", form: back, want: S(convention.Instruction)},
		{name: "T5 instructeur signée", conv: cconv{statut: S(convention.Signee)}, who: instr, path: "/conventions/save/{uuid}", form: back, want: S(convention.Instruction)},
		{name: "T5 bailleur", conv: cconv{statut: S(convention.ASigner)}, who: bail, path: "/conventions/save/{uuid}", form: back, msg: convention.MsgInstructeurOnly},
		{name: "T5 instructeur instruction", conv: cconv{statut: S(convention.Instruction)}, who: instr, path: "/conventions/save/{uuid}", form: back, msg: "Impossible de repasser en instruction"},
		// T6 date without file, and on a wrong statut
		{name: "T6 sans document", conv: cconv{statut: S(convention.ASigner)}, who: bail, path: "/conventions/upload_signed/date/{uuid}", form: url.Values{"televersement_convention_signee_le": {"2024-03-15"}}, msg: convention.MsgSignedFileMissing},
		{name: "T6 avec document", conv: cconv{statut: S(convention.ASigner), signed: true}, who: instr, path: "/conventions/upload_signed/date/{uuid}", form: url.Values{"televersement_convention_signee_le": {"15/03/2024"}}, want: S(convention.Signee)},
		{name: "T6 date manquante", conv: cconv{statut: S(convention.ASigner), signed: true}, who: bail, path: "/conventions/upload_signed/date/{uuid}", msg: convention.MsgSignatureDateMissing},
		{name: "T6 projet", conv: cconv{statut: S(convention.Projet), signed: true}, who: bail, path: "/conventions/upload_signed/date/{uuid}", form: url.Values{"televersement_convention_signee_le": {"2024-03-15"}}, msg: "Impossible de modifier la date de signature"},
		// T7, T9, T10 publication
		{name: "T7 bailleur foyer", conv: cconv{statut: S(convention.Signee), nature: "AUTRE"}, who: bail, path: "/conventions/publication/{uuid}/send", msg: convention.MsgInstructeurOnly},
		{name: "T9 instructeur", conv: cconv{statut: S(convention.PublicationEnCours), nature: "AUTRE"}, who: instr, path: "/conventions/save/{uuid}", form: url.Values{"BackToSigned": {"True"}}, want: S(convention.Signee)},
		{name: "T9 signée", conv: cconv{statut: S(convention.Signee), nature: "AUTRE"}, who: instr, path: "/conventions/save/{uuid}", form: url.Values{"BackToSigned": {"True"}}, msg: "Impossible d"},
		{name: "T10 instructeur", conv: cconv{statut: S(convention.Publie), nature: "AUTRE"}, who: instr, path: "/conventions/save/{uuid}", form: url.Values{"BackToPublicationEnCours": {"True"}}, want: S(convention.PublicationEnCours)},
		{name: "T10 bailleur", conv: cconv{statut: S(convention.Publie), nature: "AUTRE"}, who: bail, path: "/conventions/save/{uuid}", form: url.Values{"BackToPublicationEnCours": {"True"}}, msg: convention.MsgInstructeurOnly},
		// T11, T12, T13
		{name: "T11 bailleur projet", conv: cconv{statut: S(convention.Projet)}, who: bail, path: "/conventions/recapitulatif/{uuid}", form: url.Values{"cancel_convention": {"1"}}, want: S(convention.Annulee)},
		{name: "T11 instructeur à signer", conv: cconv{statut: S(convention.ASigner)}, who: instr, path: "/conventions/recapitulatif/{uuid}", form: url.Values{"cancel_convention": {"1"}}, want: S(convention.Annulee)},
		{name: "T11 publiée", conv: cconv{statut: S(convention.Publie)}, who: instr, path: "/conventions/recapitulatif/{uuid}", form: url.Values{"cancel_convention": {"1"}}, msg: "au statut"},
		{name: "T12 annulée", conv: cconv{statut: S(convention.Annulee)}, who: bail, path: "/conventions/recapitulatif/{uuid}", form: url.Values{"reactive_convention": {"1"}}, want: S(convention.Projet)},
		{name: "T12 projet", conv: cconv{statut: S(convention.Projet)}, who: bail, path: "/conventions/recapitulatif/{uuid}", form: url.Values{"reactive_convention": {"1"}}, msg: "Impossible de réactiver"},
		{name: "T13 projet", conv: cconv{statut: S(convention.Projet)}, who: bail, path: "/conventions/delete/{uuid}", msg: "Impossible de supprimer"},
		{name: "T13 lecture seule", conv: cconv{statut: S(convention.Annulee)}, who: lect, path: "/conventions/delete/{uuid}", code: 403},
		// T14, T15 on something else than their avenant
		{name: "T14 sur une convention", conv: cconv{statut: S(convention.Instruction)}, who: instr, path: "/conventions/denonciation_validate/{uuid}", msg: convention.MsgNotDenonciation},
		{name: "T15 bailleur", conv: cconv{statut: S(convention.Instruction), types: []string{"resiliation"}}, who: bail, path: "/conventions/resiliation_validate/{uuid}", msg: convention.MsgNoPermission},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conv := c.conv
			if conv.bailleur == -1 {
				conv.bailleur = w.assoc
			}
			if len(conv.types) > 0 {
				root := w.add(cconv{statut: S(convention.Signee), numero: "75.D.26.R" + strings.ReplaceAll(c.name, " ", ""), signed: true})
				conv.parent = root.ID
			}
			cr := w.add(conv)
			if c.before != nil {
				c.before(cr)
			}
			snap, hist := w.snapshot(cr.ID), w.historyCount(cr.ID)
			a := c.who()
			res := a.post(strings.ReplaceAll(c.path, "{uuid}", cr.UUID), c.form)
			code := c.code
			if code == 0 {
				code = http.StatusSeeOther
			}
			if res.StatusCode != code {
				t.Fatalf("réponse %d, attendu %d", res.StatusCode, code)
			}
			if c.want != "" {
				if got := w.statut(cr.ID); got != c.want {
					t.Errorf("statut %q, attendu %q", got, c.want)
				}
				if n := w.historyCount(cr.ID); n != hist+1 {
					t.Errorf("%d lignes d'historique ajoutées, attendu 1", n-hist)
				}
				if strings.HasPrefix(c.path, "/conventions/validate/") && w.id(`SELECT count(*) FROM conventions_convention
					WHERE id = $1 AND donnees_validees::jsonb -> 'convention' ->> 'numero' = $2`, cr.ID, c.form.Get("convention_numero")) != 1 {
					t.Error("données validées absentes après la validation")
				}
				return
			}
			if w.snapshot(cr.ID) != snap {
				t.Error("refus : la convention ou son historique a changé")
			}
			if code == http.StatusSeeOther {
				_, page := a.get(res.Header.Get("Location"))
				if !strings.Contains(page, c.msg) || !strings.Contains(page, "fr-alert--error") {
					t.Errorf("message de refus %q absent de %s", c.msg, res.Header.Get("Location"))
				}
			}
		})
	}
	// T13 allowed: the row is gone, back to the search page.
	gone := w.add(cconv{statut: S(convention.Annulee)})
	res := w.bailleur.post("/conventions/delete/"+gone.UUID, nil)
	if res.Header.Get("Location") != "/conventions/recherche" || w.id(`SELECT count(*) FROM conventions_convention WHERE id = $1`, gone.ID) != 0 {
		t.Error("suppression définitive d'une convention annulée")
	}
}
