package convention

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// expectation of the spec (workflows §1.1–1.2), written out here rather
// than read from Rules, so the table and the code check each other.
type expectation struct {
	from []Statut
	to   Statut
	who  string // "B" bailleur, "I" State side, "*" both
	// validatePerm: the action needs validate_convention (bailleurs lack it).
	validatePerm bool
}

var spec = map[Action]expectation{
	ActionSubmit:                   {[]Statut{Projet}, Instruction, "B", false},
	ActionRequestCorrections:       {[]Statut{Instruction, Correction}, Correction, "I", false},
	ActionResubmit:                 {[]Statut{Correction, Instruction}, Instruction, "B", false},
	ActionValidate:                 {[]Statut{Instruction, Correction}, ASigner, "I", true},
	ActionBackToInstruction:        {[]Statut{ASigner, Signee}, Instruction, "I", false},
	ActionSign:                     {[]Statut{ASigner}, Signee, "*", false},
	ActionSendToPublication:        {[]Statut{Signee}, PublicationEnCours, "I", false},
	ActionPublish:                  {[]Statut{PublicationEnCours, Publie}, Publie, "I", false},
	ActionCancelPublication:        {[]Statut{PublicationEnCours}, Signee, "I", false},
	ActionBackToPublicationEnCours: {[]Statut{Publie}, PublicationEnCours, "I", false},
	ActionCancel:                   {[]Statut{Projet, Instruction, Correction, ASigner}, Annulee, "*", false},
	ActionReactivate:               {[]Statut{Annulee}, Projet, "*", false},
	ActionDelete:                   {[]Statut{Annulee}, "", "*", false},
	ActionValidateDenonciation:     {[]Statut{Instruction, Correction}, Denoncee, "I", true},
	ActionValidateResiliation:      {[]Statut{Instruction, Correction}, Resiliee, "I", true},
}

// run performs action a with valid inputs.
func run(ctx context.Context, tx pgx.Tx, s *access.Subject, c *Convention, a Action) (*Result, error) {
	switch a {
	case ActionSubmit:
		return Submit(ctx, tx, s, c.UUID, complete)
	case ActionRequestCorrections:
		return RequestCorrections(ctx, tx, s, c.UUID, Feedback{Comment: "À revoir"})
	case ActionResubmit:
		return Resubmit(ctx, tx, s, c.UUID, Feedback{Comment: "Corrigé"})
	case ActionValidate:
		return Validate(ctx, tx, s, c.UUID, Validation{Numero: "75.D.26." + c.UUID.String()[:8]})
	case ActionBackToInstruction:
		return BackToInstruction(ctx, tx, s, c.UUID)
	case ActionSign:
		return Sign(ctx, tx, s, c.UUID, time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC))
	case ActionSendToPublication:
		return SendToPublication(ctx, tx, s, c.UUID)
	case ActionPublish:
		return Publish(ctx, tx, s, c.UUID, Publication{ReferenceSPF: "R1", Date: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	case ActionCancelPublication:
		return CancelPublication(ctx, tx, s, c.UUID)
	case ActionBackToPublicationEnCours:
		return BackToPublicationEnCours(ctx, tx, s, c.UUID)
	case ActionCancel:
		return Cancel(ctx, tx, s, c.UUID)
	case ActionReactivate:
		return Reactivate(ctx, tx, s, c.UUID)
	case ActionDelete:
		return Delete(ctx, tx, s, c.UUID)
	case ActionValidateDenonciation:
		return ValidateDenonciation(ctx, tx, s, c.UUID)
	case ActionValidateResiliation:
		return ValidateResiliation(ctx, tx, s, c.UUID)
	}
	panic("action " + a)
}

// TestEveryStatutActionRole runs every action in every statut for every
// kind of subject: an allowed action changes the statut and writes one
// history row; a refused one changes nothing and says why.
func TestEveryStatutActionRole(t *testing.T) {
	w := newWorld(t)
	type role struct {
		name string
		s    *access.Subject
	}
	roles := []role{
		{"bailleur", w.bailleur}, {"instructeur", w.instructeur}, {"superuser", w.superuser},
		{"lecteur", w.readonly}, {"instructeur hors périmètre", w.otherInstr},
	}
	if len(spec) != len(Rules) {
		t.Fatalf("%d actions attendues, %d règles", len(spec), len(Rules))
	}
	denon := time.Date(2030, 6, 30, 0, 0, 0, 0, time.UTC)
	allowed := 0
	for _, r := range Rules {
		exp := spec[r.Action]
		for _, st := range Statuts {
			for _, ro := range roles {
				name := fmt.Sprintf("%s/%s/%s", r.Action, st.Name(), ro.name)
				w.inTx(t, func(ctx context.Context, tx pgx.Tx) {
					var c *Convention
					switch r.Action {
					case ActionValidateDenonciation, ActionValidateResiliation:
						root := w.makeConvention(t, ctx, tx, conv{statut: Signee, nature: "AUTRE", numero: "75.D.20.0001",
							signed: true, creePar: w.bailleurUser})
						typ := TypeDenonciation
						if r.Action == ActionValidateResiliation {
							typ = TypeResiliation
						}
						c = w.makeConvention(t, ctx, tx, conv{statut: st, nature: "AUTRE", parent: root.ID, types: []string{typ},
							creePar: w.instructeurUser, dateDenonciation: &denon, dateResiliation: &denon, signed: true})
					default:
						c = w.makeConvention(t, ctx, tx, conv{statut: st, nature: "AUTRE", signed: true, creePar: w.bailleurUser})
					}
					before, hist := snapshot(t, ctx, tx, c.ID)
					res, err := run(ctx, tx, ro.s, c, r.Action)

					okRole := false
					switch ro.name {
					case "bailleur":
						okRole = exp.who == "B" || exp.who == "*"
					case "instructeur", "superuser":
						okRole = exp.who == "I" || exp.who == "*"
					}
					from := exp.from
					// The dénonciation and résiliation of these cases were
					// created by the instructeur: PROJET is open to him too.
					if r.Action == ActionValidateDenonciation || r.Action == ActionValidateResiliation {
						from = append(slices.Clone(from), Projet)
					}
					want := okRole && slices.Contains(from, st)
					if want {
						allowed++
						if err != nil {
							t.Errorf("%s : refusé (%v), attendu autorisé", name, err)
							return
						}
						if r.Action == ActionDelete {
							if row, n := snapshot(t, ctx, tx, c.ID); row != "" || n != 0 {
								t.Errorf("%s : la convention existe encore", name)
							}
							return
						}
						if res.Convention.Statut != exp.to || res.To != exp.to || res.From != st {
							t.Errorf("%s : %s → %s (résultat %s → %s), attendu %s", name, st, res.Convention.Statut, res.From, res.To, exp.to)
						}
						if n := historyCount(t, ctx, tx, c.ID); n != hist+1 {
							t.Errorf("%s : %d lignes d'historique, attendu %d", name, n, hist+1)
						}
						return
					}
					if err == nil {
						t.Errorf("%s : autorisé, attendu refusé", name)
						return
					}
					ref, ok := AsRefusal(err)
					if !ok {
						t.Errorf("%s : erreur technique %v, attendu un refus", name, err)
						return
					}
					after, hist2 := snapshot(t, ctx, tx, c.ID)
					if after != before || hist2 != hist {
						t.Errorf("%s : un refus a modifié la convention ou son historique", name)
					}
					var wantMsg string
					switch {
					case ro.name == "instructeur hors périmètre":
						wantMsg = MsgNotVisible
					case ro.name == "lecteur":
						wantMsg = MsgReadOnly
					case ro.name == "bailleur" && exp.validatePerm:
						wantMsg = MsgNoPermission
					case !okRole && exp.who == "I":
						wantMsg = MsgInstructeurOnly
					case !okRole && exp.who == "B":
						wantMsg = MsgBailleurOnly
					default:
						wantMsg = impossibleDe(r.Verb)
					}
					if !strings.HasPrefix(ref.Message, wantMsg) {
						t.Errorf("%s : message %q, attendu %q", name, ref.Message, wantMsg)
					}
					if strings.HasPrefix(wantMsg, "Impossible") && !strings.Contains(ref.Message, st.Label(ForBailleur, "e")) && !strings.Contains(ref.Message, st.Label(ForInstructeur, "e")) {
						t.Errorf("%s : le message %q ne nomme pas le statut", name, ref.Message)
					}
				})
			}
		}
	}
	if allowed == 0 {
		t.Fatal("aucune combinaison autorisée")
	}
}
