package convention

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

func kinds(evs []notify.Event) []notify.Kind {
	var out []notify.Kind
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

func hasKind(evs []notify.Event, k notify.Kind) bool {
	for _, e := range evs {
		if e.Kind == k {
			return true
		}
	}
	return false
}

// Scenarios 1, 2: submission sets both dates once; events for both sides
// and the first-submission survey.
func TestScenarioSubmit(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		c := w.makeConvention(t, ctx, tx, conv{statut: Projet, creePar: w.bailleurUser})
		res, err := Submit(ctx, tx, w.bailleur, c.UUID, complete)
		if err != nil {
			t.Fatal(err)
		}
		if res.Convention.Statut != Instruction || res.Convention.PremiereSoumissionLe == nil || res.Convention.SoumisLe == nil {
			t.Fatalf("après soumission : %+v", res.Convention)
		}
		h, err := History(ctx, tx, c.ID)
		if err != nil || len(h) != 1 || h[0].StatutPrecedent != Projet || h[0].Statut != Instruction || *h[0].UserID != w.bailleurUser {
			t.Fatalf("historique %+v, %v", h, err)
		}
		if !hasKind(res.Events, notify.Submitted) || !hasKind(res.Events, notify.SurveyBailleur) {
			t.Errorf("événements %v", kinds(res.Events))
		}
		first := *res.Convention.PremiereSoumissionLe
		// Back to PROJET (cancel + reactivate) and submit again (scenario 2).
		mustExec(t, ctx, tx, `UPDATE conventions_convention SET statut = $2 WHERE id = $1`, c.ID, string(Projet))
		time.Sleep(5 * time.Millisecond)
		res, err = Submit(ctx, tx, w.bailleur, c.UUID, complete)
		if err != nil {
			t.Fatal(err)
		}
		if !res.Convention.PremiereSoumissionLe.Equal(first) || !res.Convention.SoumisLe.Equal(first) {
			t.Errorf("dates de soumission changées : %v / %v, attendu %v", res.Convention.PremiereSoumissionLe, res.Convention.SoumisLe, first)
		}
		if hasKind(res.Events, notify.SurveyBailleur) {
			t.Error("enquête de satisfaction envoyée une seconde fois")
		}
		// Incomplete content: refused with the list, nothing changed.
		c3 := w.makeConvention(t, ctx, tx, conv{statut: Projet})
		before, nh := snapshot(t, ctx, tx, c3.ID)
		lacking := func(context.Context, Querier, *Convention) ([]string, error) {
			return []string{"Bailleur : signataire", "Logements : aucun logement"}, nil
		}
		_, err = Submit(ctx, tx, w.bailleur, c3.UUID, lacking)
		if r, ok := AsRefusal(err); !ok || r.Reason != ReasonPrecondition || len(r.Details) != 2 ||
			r.Message != MsgIncomplete+" : Bailleur : signataire ; Logements : aucun logement" {
			t.Errorf("contenu incomplet : %#v", err)
		}
		if after, n := snapshot(t, ctx, tx, c3.ID); after != before || n != nh {
			t.Error("une soumission refusée a modifié la convention")
		}
		// No numéro d'opération: refused with the message of the button.
		c2 := w.makeConvention(t, ctx, tx, conv{statut: Projet, numeroOperation: ptr("")})
		_, err = Submit(ctx, tx, w.bailleur, c2.UUID, complete)
		if r, ok := AsRefusal(err); !ok || r.Message != MsgNumeroOperationMissing {
			t.Errorf("sans numéro d'opération : %v", err)
		}
	})
}

// Scenarios 3, 4: feedback both ways with the comment in the history.
func TestScenarioFeedback(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		c := w.makeConvention(t, ctx, tx, conv{statut: Instruction})
		res, err := RequestCorrections(ctx, tx, w.instructeur, c.UUID, Feedback{Comment: "X", SendCopy: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Convention.Statut != Correction {
			t.Fatalf("statut %s", res.Convention.Statut)
		}
		h, _ := History(ctx, tx, c.ID)
		if len(h) != 1 || h[0].Commentaire != "X" {
			t.Fatalf("historique %+v", h)
		}
		if len(res.Events) != 1 || res.Events[0].Kind != notify.CorrectionsRequested || res.Events[0].Comment != "X" || !res.Events[0].SendCopy {
			t.Errorf("événements %+v", res.Events)
		}
		res, err = Resubmit(ctx, tx, w.bailleur, c.UUID, Feedback{Comment: "Fait"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Convention.Statut != Instruction || res.Events[0].Kind != notify.CorrectionsDone {
			t.Errorf("renvoi : %s %v", res.Convention.Statut, kinds(res.Events))
		}
		_, err = RequestCorrections(ctx, tx, w.instructeur, c.UUID, Feedback{Comment: strings.Repeat("é", 5001)})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgCommentTooLong || r.Field != "comment" {
			t.Errorf("commentaire trop long : %v", err)
		}
		// PROJET created by an instructeur: corrections may be asked.
		p := w.makeConvention(t, ctx, tx, conv{statut: Projet, creePar: w.instructeurUser})
		if _, err := RequestCorrections(ctx, tx, w.instructeur, p.UUID, Feedback{}); err != nil {
			t.Errorf("PROJET créé par l'instructeur : %v", err)
		}
	})
}

// Scenario 5: proposed number; scenario 6: uniqueness; scenario 7:
// validation keeps the first valide_le.
func TestScenarioNumbering(t *testing.T) {
	w := newWorld(t)
	yy := today().Year() % 100
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		thisYear := today()
		lastYear := thisYear.AddDate(-1, 0, 0)
		w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: fmt.Sprintf("75.D.%d.0007", yy), valideLe: &thisYear})
		w.makeConvention(t, ctx, tx, conv{statut: ASigner, numero: fmt.Sprintf("75.D.%d.0012", yy), valideLe: &thisYear})
		// Ignored: another year, another département, still in instruction.
		w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: fmt.Sprintf("75.D.%d.0099", yy-1), valideLe: &lastYear})
		w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: fmt.Sprintf("13.D.%d.0050", yy), valideLe: &thisYear})
		w.makeConvention(t, ctx, tx, conv{statut: Instruction, numero: fmt.Sprintf("75.D.%d.0040", yy), valideLe: &thisYear})
		c := w.makeConvention(t, ctx, tx, conv{statut: Instruction})
		got, err := ProposeNumero(ctx, tx, c)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("75.D.%d.0013", yy); got != want {
			t.Errorf("numéro proposé %q, attendu %q", got, want)
		}
		noAdm := w.makeConvention(t, ctx, tx, conv{statut: Instruction, adm: -1})
		if got, _ := ProposeNumero(ctx, tx, noAdm); got != "" {
			t.Errorf("sans administration : %q", got)
		}
		// Scenario 6.
		taken := fmt.Sprintf("75.D.%d.0007", yy)
		before, hist := snapshot(t, ctx, tx, c.ID)
		_, err = Validate(ctx, tx, w.instructeur, c.UUID, Validation{Numero: taken})
		r, ok := AsRefusal(err)
		if !ok || r.Message != MsgNumeroTaken(taken) || r.Field != "convention_numero" {
			t.Fatalf("numéro déjà pris : %v", err)
		}
		if !strings.Contains(r.Message, "existe déjà, merci de choisir un autre numéro de convention.") {
			t.Errorf("message %q", r.Message)
		}
		if after, h := snapshot(t, ctx, tx, c.ID); after != before || h != hist {
			t.Error("le refus a modifié la convention")
		}
		_, err = Validate(ctx, tx, w.instructeur, c.UUID, Validation{})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgNumeroRequired {
			t.Errorf("numéro vide : %v", err)
		}
		_, err = Validate(ctx, tx, w.instructeur, c.UUID, Validation{Numero: strings.Repeat("9", 251)})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgNumeroTooLong {
			t.Errorf("numéro trop long : %v", err)
		}
		// Scenario 7.
		res, err := Validate(ctx, tx, w.instructeur, c.UUID, Validation{Numero: fmt.Sprintf("75.D.%d.0013", yy)})
		if err != nil {
			t.Fatal(err)
		}
		if res.Convention.Statut != ASigner || res.Convention.ValideLe == nil || !res.Convention.ValideLe.Equal(today()) {
			t.Fatalf("après validation : %s %v", res.Convention.Statut, res.Convention.ValideLe)
		}
		if !hasKind(res.Events, notify.Validated) || !hasKind(res.Events, notify.SurveyInstructeur) {
			t.Errorf("événements %v", kinds(res.Events))
		}
		var npr string
		_ = tx.QueryRow(ctx, `SELECT numero_pour_recherche FROM conventions_convention WHERE id = $1`, c.ID).Scan(&npr)
		if npr != fmt.Sprintf("75D%d0013", yy) {
			t.Errorf("numero_pour_recherche %q", npr)
		}
		old := time.Date(2020, 5, 4, 0, 0, 0, 0, time.UTC)
		mustExec(t, ctx, tx, `UPDATE conventions_convention SET valide_le = $2 WHERE id = $1`, c.ID, old)
		if _, err := BackToInstruction(ctx, tx, w.instructeur, c.UUID); err != nil {
			t.Fatal(err)
		}
		res, err = Validate(ctx, tx, w.instructeur, c.UUID, Validation{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Convention.ValideLe.Equal(old) {
			t.Errorf("valide_le %v, attendu la première date %v", res.Convention.ValideLe, old)
		}
		if hasKind(res.Events, notify.SurveyInstructeur) {
			t.Error("enquête instructeur envoyée deux fois")
		}
		// Type I/II must be chosen for a non-HLM bailleur.
		t12 := w.makeConvention(t, ctx, tx, conv{statut: Instruction, bailleur: w.assoc})
		_, err = Validate(ctx, tx, w.instructeur, t12.UUID, Validation{Numero: "T12-1"})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgType1and2Missing {
			t.Errorf("type I/II manquant : %v", err)
		}
	})
}

// Scenario 8: avenant number = 1 + non-ongoing siblings (annulled count).
func TestScenarioAvenantNumero(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0001", signed: true})
		w.makeConvention(t, ctx, tx, conv{statut: Signee, parent: root.ID, numero: "1"})
		w.makeConvention(t, ctx, tx, conv{statut: Signee, parent: root.ID, numero: "2"})
		w.makeConvention(t, ctx, tx, conv{statut: Annulee, parent: root.ID})
		av := w.makeConvention(t, ctx, tx, conv{statut: Instruction, parent: root.ID})
		got, err := ProposeNumero(ctx, tx, av)
		if err != nil || got != "4" {
			t.Fatalf("numéro d'avenant %q, %v ; attendu 4", got, err)
		}
		// No uniqueness for avenants: "1" is accepted again.
		res, err := Validate(ctx, tx, w.instructeur, av.UUID, Validation{Numero: "1"})
		if err != nil || res.Convention.Numero != "1" {
			t.Fatalf("validation de l'avenant : %v", err)
		}
	})
}

// Scenario 9: signed deposit then date.
func TestScenarioSign(t *testing.T) {
	w := newWorld(t)
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		c := w.makeConvention(t, ctx, tx, conv{statut: ASigner, numero: "75.D.26.0003"})
		_, err := Sign(ctx, tx, w.bailleur, c.UUID, time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC))
		if r, ok := AsRefusal(err); !ok || r.Message != MsgSignedFileMissing {
			t.Fatalf("date sans document : %v", err)
		}
		_, err = RegisterSignedFile(ctx, tx, st, w.bailleur, c.UUID, File{Body: strings.NewReader("pas un pdf")})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgFileNotPDF {
			t.Fatalf("fichier non PDF : %v", err)
		}
		_, err = RegisterSignedFile(ctx, tx, st, w.bailleur, c.UUID, File{})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgFileMissing {
			t.Fatalf("sans fichier : %v", err)
		}
		pdf := []byte("%PDF-1.7 signé")
		res, err := RegisterSignedFile(ctx, tx, st, w.bailleur, c.UUID, File{Body: bytes.NewReader(pdf)})
		if err != nil {
			t.Fatal(err)
		}
		name := res.Convention.NomFichierSigne
		if res.Convention.Statut != ASigner || !strings.HasPrefix(name, "convention_75.D.26.0003_") || !strings.HasSuffix(name, ".pdf") {
			t.Fatalf("dépôt : %s %q", res.Convention.Statut, name)
		}
		if ok, _ := st.Exists(ctx, SignedKey(c.UUID, name)); !ok {
			t.Fatal("document signé absent du stockage")
		}
		res, err = Sign(ctx, tx, w.bailleur, c.UUID, time.Date(2024, 3, 15, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		if res.Convention.Statut != Signee || res.Flash != "Convention signée avec succès le 15/03/2024" ||
			res.Convention.TeleversementSigneeLe.Format(time.DateOnly) != "2024-03-15" {
			t.Fatalf("signature : %s %q %v", res.Convention.Statut, res.Flash, res.Convention.TeleversementSigneeLe)
		}
		if historyCount(t, ctx, tx, c.ID) != 1 {
			t.Error("la signature n'a pas écrit une ligne d'historique")
		}
		// Cancel the deposit: renamed, name cleared.
		if _, err := CancelSignedFile(ctx, tx, st, w.bailleur, c.UUID); err != nil {
			t.Fatal(err)
		}
		if ok, _ := st.Exists(ctx, SignedKey(c.UUID, name)); ok {
			t.Error("le document annulé existe encore sous son nom")
		}
		after, _ := LoadByID(ctx, tx, c.ID)
		if after.NomFichierSigne != "" {
			t.Error("nom_fichier_signe non effacé")
		}
	})
}

// Scenarios 10, 11: publication rules.
func TestScenarioPublication(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		lo := w.makeConvention(t, ctx, tx, conv{statut: Signee})
		_, err := SendToPublication(ctx, tx, w.instructeur, lo.UUID)
		if r, ok := AsRefusal(err); !ok || r.Message != MsgNotPublishable {
			t.Fatalf("HLM logements ordinaires : %v", err)
		}
		if c, _ := LoadByID(ctx, tx, lo.ID); c.Statut != Signee {
			t.Error("statut modifié")
		}
		foyer := w.makeConvention(t, ctx, tx, conv{statut: Signee, nature: "AUTRE"})
		res, err := SendToPublication(ctx, tx, w.instructeur, foyer.UUID)
		if err != nil || res.Convention.Statut != PublicationEnCours {
			t.Fatalf("foyer : %v", err)
		}
		_, err = Publish(ctx, tx, w.bailleur, foyer.UUID, Publication{ReferenceSPF: "R1", Date: today()})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgInstructeurOnly {
			t.Fatalf("bailleur : %v", err)
		}
		_, err = Publish(ctx, tx, w.instructeur, foyer.UUID, Publication{Date: today()})
		if r, ok := AsRefusal(err); !ok || r.Message != MsgPublicationRefMissing {
			t.Fatalf("sans référence : %v", err)
		}
		d := time.Date(2026, 2, 3, 0, 0, 0, 0, time.UTC)
		res, err = Publish(ctx, tx, w.instructeur, foyer.UUID, Publication{ReferenceSPF: "R1", Date: d})
		if err != nil {
			t.Fatal(err)
		}
		var ref string
		var dp time.Time
		_ = tx.QueryRow(ctx, `SELECT reference_spf, date_publication_spf FROM conventions_convention WHERE id = $1`, foyer.ID).Scan(&ref, &dp)
		if res.Convention.Statut != Publie || ref != "R1" || !dp.Equal(d) {
			t.Errorf("publication : %s %q %v", res.Convention.Statut, ref, dp)
		}
	})
}

// Scenario 12: cancel, refused on SIGNEE, reactivate.
func TestScenarioCancel(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		c := w.makeConvention(t, ctx, tx, conv{statut: Correction})
		res, err := Cancel(ctx, tx, w.bailleur, c.UUID)
		if err != nil || res.Convention.Statut != Annulee || historyCount(t, ctx, tx, c.ID) != 1 {
			t.Fatalf("annulation : %v", err)
		}
		s := w.makeConvention(t, ctx, tx, conv{statut: Signee})
		if _, err := Cancel(ctx, tx, w.instructeur, s.UUID); err == nil {
			t.Error("annulation d'une convention signée acceptée")
		}
		res, err = Reactivate(ctx, tx, w.instructeur, c.UUID)
		if err != nil || res.Convention.Statut != Projet {
			t.Fatalf("réactivation : %v", err)
		}
		// An annulled avenant is not reactivated while another is ongoing.
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0002", signed: true})
		ann := w.makeConvention(t, ctx, tx, conv{statut: Annulee, parent: root.ID})
		w.makeConvention(t, ctx, tx, conv{statut: Projet, parent: root.ID})
		_, err = Reactivate(ctx, tx, w.bailleur, ann.UUID)
		if r, ok := AsRefusal(err); !ok || r.Message != MsgAvenantOngoing {
			t.Errorf("avenant en cours : %v", err)
		}
	})
}

// Scenarios 13, 14: one avenant at a time; creation by deep copy.
func TestScenarioCreateAvenant(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0003", signed: true})
		ongoing := w.makeConvention(t, ctx, tx, conv{statut: Correction, parent: root.ID})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, TypeDuree)
		if err != nil || res.Created || res.Avenant.ID != ongoing.ID {
			t.Fatalf("avenant en cours : %+v, %v", res, err)
		}
		var n int
		_ = tx.QueryRow(ctx, `SELECT count(*) FROM conventions_convention WHERE parent_id = $1`, root.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d avenants, attendu 1", n)
		}
	})
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0004", signed: true, nom: "A"})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, TypeDuree)
		if err != nil {
			t.Fatal(err)
		}
		av := res.Avenant
		if !res.Created || av.Statut != Projet || av.Numero != "" ||
			av.ParentID == nil || *av.ParentID != root.ID || av.ProgrammeID == root.ProgrammeID ||
			len(av.AvenantTypes) != 1 || av.AvenantTypes[0] != TypeDuree || *av.CreeParID != w.bailleurUser {
			t.Fatalf("avenant créé : %+v", av)
		}
		checkDeepCopy(t, ctx, tx, root, av)
		// Only one in progress: a second creation returns the same one.
		res2, err := CreateAvenant(ctx, tx, w.instructeur, root.UUID, "")
		if err != nil || res2.Created || res2.Avenant.ID != av.ID {
			t.Errorf("seconde création : %+v, %v", res2, err)
		}
		// From the avenant uuid too.
		res3, err := CreateAvenant(ctx, tx, w.instructeur, av.UUID, "")
		if err != nil || res3.Created || res3.Avenant.ID != av.ID {
			t.Errorf("création depuis l'avenant : %+v, %v", res3, err)
		}
	})
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		c := w.makeConvention(t, ctx, tx, conv{statut: Instruction})
		_, err := CreateAvenant(ctx, tx, w.bailleur, c.UUID, "")
		if r, ok := AsRefusal(err); !ok || r.Message != MsgAvenantNeedsSigned {
			t.Errorf("avenant d'une convention non signée : %v", err)
		}
		s := w.makeConvention(t, ctx, tx, conv{statut: Signee})
		_, err = CreateAvenant(ctx, tx, w.bailleur, s.UUID, "inconnu")
		if r, ok := AsRefusal(err); !ok || r.Field != "avenant_type" {
			t.Errorf("type inconnu : %v", err)
		}
		_, err = CreateAvenant(ctx, tx, w.readonly, s.UUID, "")
		if r, ok := AsRefusal(err); !ok || r.Message != MsgReadOnly {
			t.Errorf("lecteur : %v", err)
		}
	})
}

// checkDeepCopy compares the children of two conventions.
func checkDeepCopy(t *testing.T, ctx context.Context, tx pgx.Tx, src, dst *Convention) {
	t.Helper()
	counts := func(c *Convention) string {
		var s string
		err := tx.QueryRow(ctx, `SELECT concat_ws(',',
			(SELECT count(*) FROM programmes_lot WHERE convention_id = $1),
			(SELECT count(*) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
			(SELECT count(*) FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1),
			(SELECT count(*) FROM conventions_pret p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1),
			(SELECT count(*) FROM programmes_typestationnement p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1),
			(SELECT count(*) FROM programmes_locauxcollectifs p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1),
			(SELECT count(*) FROM programmes_referencecadastrale WHERE programme_id = $2),
			(SELECT count(*) FROM programmes_logementedd WHERE programme_id = $2),
			(SELECT sum(loyer) FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1))`,
			c.ID, c.ProgrammeID).Scan(&s)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if a, b := counts(src), counts(dst); a != b || strings.HasPrefix(a, "0,") {
		t.Errorf("copie incomplète : source %s, avenant %s (lots, logements, annexes, prêts, stationnements, locaux, cadastre, EDD, Σ loyers)", a, b)
	}
	var sameUUID bool
	_ = tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM programmes_logement a JOIN programmes_lot la ON la.id = a.lot_id,
		programmes_logement b JOIN programmes_lot lb ON lb.id = b.lot_id
		WHERE la.convention_id = $1 AND lb.convention_id = $2 AND a.uuid = b.uuid)`, src.ID, dst.ID).Scan(&sameUUID)
	if sameUUID {
		t.Error("des logements copiés gardent le uuid de la source")
	}
	var progParent int64
	_ = tx.QueryRow(ctx, `SELECT parent_id FROM programmes_programme WHERE id = $1`, dst.ProgrammeID).Scan(&progParent)
	if progParent != src.ProgrammeID {
		t.Errorf("programme cloné : parent %d, attendu %d", progParent, src.ProgrammeID)
	}
}

// Scenario 15 and the reset of every type, EDD rows and locaux collectifs
// included (the reference crashed on them).
func TestScenarioRemoveAvenantType(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0005", signed: true, nom: "A"})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, TypeProgramme)
		if err != nil {
			t.Fatal(err)
		}
		av := res.Avenant
		mustExec(t, ctx, tx, `UPDATE programmes_programme SET nom = 'B' WHERE id = $1`, av.ProgrammeID)
		mustExec(t, ctx, tx, `UPDATE conventions_convention SET adresse = '2 rue Neuve' WHERE id = $1`, av.ID)
		// Edits of other blocks.
		mustExec(t, ctx, tx, `DELETE FROM programmes_logementedd WHERE programme_id = $1`, av.ProgrammeID)
		mustExec(t, ctx, tx, `INSERT INTO programmes_logementedd (programme_id, designation, financement) VALUES ($1, 'Z9', 'PLAI'), ($1, 'Z8', 'PLAI')`, av.ProgrammeID)
		mustExec(t, ctx, tx, `UPDATE programmes_logement SET loyer = 999 WHERE lot_id IN (SELECT id FROM programmes_lot WHERE convention_id = $1)`, av.ID)
		mustExec(t, ctx, tx, `DELETE FROM programmes_locauxcollectifs WHERE lot_id IN (SELECT id FROM programmes_lot WHERE convention_id = $1)`, av.ID)
		mustExec(t, ctx, tx, `UPDATE programmes_lot SET loyer_derogatoire = 1 WHERE convention_id = $1`, av.ID)
		mustExec(t, ctx, tx, `UPDATE conventions_pret SET montant = 1 WHERE lot_id IN (SELECT id FROM programmes_lot WHERE convention_id = $1)`, av.ID)
		mustExec(t, ctx, tx, `UPDATE conventions_convention SET champ_libre_avenant = 'texte' WHERE id = $1`, av.ID)
		for _, typ := range []string{TypeEDD, TypeLogements, TypeDuree, TypeChampLibre} {
			err := AddAvenantType(ctx, tx, w.bailleur, av.UUID, typ)
			if err != nil {
				t.Fatalf("ajout du type %s : %v", typ, err)
			}
		}
		if err := RemoveAvenantType(ctx, tx, w.bailleur, av.UUID, TypeProgramme); err != nil {
			t.Fatal(err)
		}
		var nom, adresse string
		_ = tx.QueryRow(ctx, `SELECT p.nom, c.adresse FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, av.ID).Scan(&nom, &adresse)
		if nom != "A" || adresse != "1 rue de la Roquette" {
			t.Errorf("après retrait de « programme » : nom %q, adresse %q ; attendu A, 1 rue de la Roquette", nom, adresse)
		}
		for _, typ := range []string{TypeEDD, TypeLogements, TypeDuree, TypeChampLibre} {
			if err := RemoveAvenantType(ctx, tx, w.bailleur, av.UUID, typ); err != nil {
				t.Fatalf("retrait de %s : %v", typ, err)
			}
		}
		checkDeepCopy(t, ctx, tx, root, mustLoad(t, ctx, tx, av.ID))
		var edd string
		var derog, montant float64
		var champ *string
		_ = tx.QueryRow(ctx, `SELECT string_agg(designation, ',') FROM programmes_logementedd WHERE programme_id = $1`, av.ProgrammeID).Scan(&edd)
		_ = tx.QueryRow(ctx, `SELECT loyer_derogatoire FROM programmes_lot WHERE convention_id = $1`, av.ID).Scan(&derog)
		_ = tx.QueryRow(ctx, `SELECT montant FROM conventions_pret p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1`, av.ID).Scan(&montant)
		_ = tx.QueryRow(ctx, `SELECT champ_libre_avenant FROM conventions_convention WHERE id = $1`, av.ID).Scan(&champ)
		if edd != "A1" || derog != 7.5 || montant != 100000 || champ != nil {
			t.Errorf("restauration : EDD %q, loyer dérogatoire %v, prêt %v, champ libre %v", edd, derog, montant, champ)
		}
		after := mustLoad(t, ctx, tx, av.ID)
		if len(after.AvenantTypes) != 0 {
			t.Errorf("types restants %v", after.AvenantTypes)
		}
	})
}

func mustLoad(t *testing.T, ctx context.Context, q Querier, id int64) *Convention {
	t.Helper()
	c, err := LoadByID(ctx, q, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Scenarios 16, 17: dénonciation and résiliation of the whole family.
func TestScenarioDenonciationResiliation(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0006", signed: true})
		a1 := w.makeConvention(t, ctx, tx, conv{statut: Signee, parent: root.ID, numero: "1"})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, TypeDenonciation)
		if err != nil {
			t.Fatal(err)
		}
		d := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
		if _, err := SaveDenonciation(ctx, tx, w.bailleur, res.Avenant.UUID, Denonciation{}); err == nil {
			t.Error("dénonciation sans date acceptée")
		}
		if _, err := SaveDenonciation(ctx, tx, w.bailleur, res.Avenant.UUID, Denonciation{Date: d, Motif: "Vente"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Submit(ctx, tx, w.bailleur, res.Avenant.UUID, complete); err != nil {
			t.Fatal(err)
		}
		if _, err := ValidateDenonciation(ctx, tx, w.instructeur, res.Avenant.UUID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{root.ID, a1.ID, res.Avenant.ID} {
			c := mustLoad(t, ctx, tx, id)
			if c.Statut != Denoncee || c.DateDenonciation == nil || !c.DateDenonciation.Equal(d) {
				t.Errorf("convention %d : %s %v", id, c.Statut, c.DateDenonciation)
			}
			if historyCount(t, ctx, tx, id) == 0 {
				t.Errorf("convention %d : pas de ligne d'historique", id)
			}
		}
	})
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0007", signed: true})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, TypeResiliation)
		if err != nil {
			t.Fatal(err)
		}
		d := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
		if _, err := SaveResiliation(ctx, tx, w.bailleur, res.Avenant.UUID, Resiliation{Date: d, Motif: "Démolition"}); err != nil {
			t.Fatal(err)
		}
		if _, err := Submit(ctx, tx, w.bailleur, res.Avenant.UUID, complete); err != nil {
			t.Fatal(err)
		}
		before, hist := snapshot(t, ctx, tx, root.ID)
		_, err = ValidateResiliation(ctx, tx, w.instructeur, res.Avenant.UUID)
		if r, ok := AsRefusal(err); !ok || r.Message != MsgResiliationActeMissing {
			t.Fatalf("sans acte : %v", err)
		}
		if after, h := snapshot(t, ctx, tx, root.ID); after != before || h != hist {
			t.Error("le refus a modifié la convention")
		}
		// The acte is deposited (the bailleur, still in instruction: by
		// direct update, as the résiliation form is a later page).
		mustExec(t, ctx, tx, `UPDATE conventions_convention SET fichier_instruction_resiliation = '{"files": {"u1": {"filename": "arrete.pdf"}}, "text": ""}' WHERE id = $1`, res.Avenant.ID)
		if _, err := ValidateResiliation(ctx, tx, w.instructeur, res.Avenant.UUID); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{root.ID, res.Avenant.ID} {
			if c := mustLoad(t, ctx, tx, id); c.Statut != Resiliee || !c.DateResiliation.Equal(d) {
				t.Errorf("convention %d : %s %v", id, c.Statut, c.DateResiliation)
			}
		}
	})
}

// Delete removes the annulled convention and its cloned programmes.
func TestDelete(t *testing.T) {
	w := newWorld(t)
	w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
		root := w.makeConvention(t, ctx, tx, conv{statut: Signee, numero: "75.D.20.0008", signed: true})
		res, err := CreateAvenant(ctx, tx, w.bailleur, root.UUID, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Cancel(ctx, tx, w.bailleur, res.Avenant.UUID); err != nil {
			t.Fatal(err)
		}
		if _, err := Delete(ctx, tx, w.bailleur, res.Avenant.UUID); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadByID(ctx, tx, res.Avenant.ID); !errors.Is(err, ErrNotFound) {
			t.Errorf("avenant encore là : %v", err)
		}
		var n int
		_ = tx.QueryRow(ctx, `SELECT count(*) FROM programmes_programme WHERE id = $1`, res.Avenant.ProgrammeID).Scan(&n)
		if n != 0 {
			t.Error("le programme cloné de l'avenant n'a pas été supprimé")
		}
		if _, err := LoadByID(ctx, tx, root.ID); err != nil {
			t.Errorf("la convention d'origine a disparu : %v", err)
		}
	})
}
