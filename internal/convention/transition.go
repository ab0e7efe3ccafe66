package convention

import (
	"context"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// Action is an operation of the life cycle (spec workflows §1.2).
type Action string

// The actions, named after the reference's transitions T1–T15.
const (
	ActionSubmit                   Action = "submit"                       // T1
	ActionRequestCorrections       Action = "request_corrections"          // T2
	ActionResubmit                 Action = "resubmit"                     // T3
	ActionValidate                 Action = "validate"                     // T4
	ActionBackToInstruction        Action = "back_to_instruction"          // T5
	ActionSign                     Action = "sign"                         // T6 (date step)
	ActionSendToPublication        Action = "send_to_publication"          // T7
	ActionPublish                  Action = "publish"                      // T8 (date step)
	ActionCancelPublication        Action = "cancel_publication"           // T9
	ActionBackToPublicationEnCours Action = "back_to_publication_en_cours" // T10
	ActionCancel                   Action = "cancel"                       // T11
	ActionReactivate               Action = "reactivate"                   // T12
	ActionDelete                   Action = "delete"                       // T13
	ActionValidateDenonciation     Action = "validate_denonciation"        // T14
	ActionValidateResiliation      Action = "validate_resiliation"         // T15
)

// Rule describes one action: from which statuts, to which statut, for
// whom, with which permission.
type Rule struct {
	Action Action
	Ref    string // T1 ... T15
	// Verb completes "Impossible de …" in refusals.
	Verb string
	From []Statut
	// To is the new statut; "" for the deletion.
	To   Statut
	Who  Who
	Perm access.Permission
	// FromProjetIfCreatedByInstructeur also allows PROJET when the
	// convention was created by an instructeur (T2, T4, T14, T15).
	FromProjetIfCreatedByInstructeur bool
	// ReadOnlyAllowed: read-only roles may do it too (comments).
	ReadOnlyAllowed bool
}

// Rules is the transition table.
var Rules = []Rule{
	{ActionSubmit, "T1", "soumettre au service instructeur", []Statut{Projet}, Instruction, WhoBailleur, PermChange, false, false},
	{ActionRequestCorrections, "T2", "demander des corrections au bailleur", []Statut{Instruction, Correction}, Correction, WhoInstructeur, PermChange, true, false},
	{ActionResubmit, "T3", "renvoyer à l'instruction", []Statut{Correction, Instruction}, Instruction, WhoBailleur, PermChange, false, false},
	{ActionValidate, "T4", "valider", []Statut{Instruction, Correction}, ASigner, WhoInstructeur, PermValidate, true, false},
	{ActionBackToInstruction, "T5", "repasser en instruction", []Statut{ASigner, Signee}, Instruction, WhoInstructeur, PermChange, false, false},
	{ActionSign, "T6", "indiquer la date de signature", []Statut{ASigner}, Signee, WhoAny, PermChange, false, false},
	{ActionSendToPublication, "T7", "envoyer pour publication", []Statut{Signee}, PublicationEnCours, WhoInstructeur, PermChange, false, false},
	{ActionPublish, "T8", "indiquer la publication", []Statut{PublicationEnCours, Publie}, Publie, WhoInstructeur, PermChange, false, false},
	{ActionCancelPublication, "T9", "annuler la publication", []Statut{PublicationEnCours}, Signee, WhoInstructeur, PermChange, false, false},
	{ActionBackToPublicationEnCours, "T10", "repasser en publication en cours", []Statut{Publie}, PublicationEnCours, WhoInstructeur, PermChange, false, false},
	{ActionCancel, "T11", "annuler", []Statut{Projet, Instruction, Correction, ASigner}, Annulee, WhoAny, PermChange, false, false},
	{ActionReactivate, "T12", "réactiver", []Statut{Annulee}, Projet, WhoAny, PermChange, false, false},
	{ActionDelete, "T13", "supprimer définitivement", []Statut{Annulee}, "", WhoAny, PermDelete, false, false},
	{ActionValidateDenonciation, "T14", "valider la dénonciation", []Statut{Instruction, Correction}, Denoncee, WhoInstructeur, PermValidate, true, false},
	{ActionValidateResiliation, "T15", "valider la résiliation", []Statut{Instruction, Correction}, Resiliee, WhoInstructeur, PermValidate, true, false},
}

// RuleOf returns the rule of a transition or an operation.
func RuleOf(a Action) (Rule, bool) {
	for _, list := range [][]Rule{Rules, Operations} {
		for _, r := range list {
			if r.Action == a {
				return r, true
			}
		}
	}
	return Rule{}, false
}

func mustRule(a Action) Rule {
	r, ok := RuleOf(a)
	if !ok {
		panic("convention: action inconnue " + string(a))
	}
	return r
}

// fromAllowed reports whether the rule accepts the convention's statut.
func (r Rule) fromAllowed(c *Convention) bool {
	if c.Statut.In(r.From...) {
		return true
	}
	return r.FromProjetIfCreatedByInstructeur && c.Statut == Projet && c.CreeParInstructeur
}

// Result is the outcome of an accepted operation.
type Result struct {
	// Convention is the state after the operation (nil after a deletion).
	Convention *Convention
	From, To   Statut
	// Events are the notifications to enqueue after the commit.
	Events []notify.Event
	// Flash is the French success message to show, if any.
	Flash string
	// Scans are the storage keys of the files stored by the operation,
	// to enqueue for the antivirus after the commit (upload.RequestScan
	// recorded them in the transaction).
	Scans []string
}

// the definite article and noun of refusals.
func subjectNoun(c *Convention) string {
	switch c.Kind() {
	case "dénonciation":
		return "la dénonciation"
	case "résiliation":
		return "la résiliation"
	case "avenant":
		return "l'avenant"
	}
	return "la convention"
}

// MsgWrongStatut is the refusal of rule r on convention c, its statut
// named for audience a.
func MsgWrongStatut(r Rule, c *Convention, a Audience) string {
	return fmt.Sprintf("%s : %s est au statut « %s ».", impossibleDe(r.Verb), subjectNoun(c), c.StatutLabel(a))
}

// impossibleDe elides "de" before a vowel or a mute h: "Impossible
// d'annuler", "Impossible de valider".
func impossibleDe(verb string) string {
	if verb != "" && strings.ContainsRune("aeiouyéèêàâîôûhAEIOUYÉH", []rune(verb)[0]) {
		return "Impossible d'" + verb
	}
	return "Impossible de " + verb
}

// Preconditions beyond the statut, checked on the server where the
// reference only disabled a button.
const (
	MsgNumeroOperationMissing = "Veuillez définir le numéro d'opération avant de soumettre au service instructeur"
	MsgType1and2Missing       = "Vous devez choisir le type de convention (Type I ou Type II) dans le récapitulatif avant de la valider."
	MsgParentIncomplete       = "La convention d'origine de cet avenant est incomplète : renseignez sa ville et son nombre de logements et déposez la convention signée avant de valider l'avenant."
	MsgAvenantOngoing         = "Un avenant est déjà en cours."
	MsgNotPublishable         = "Oups ! Cette convention ne peut pas être publiée. La publication n'est possible que si le programme est un foyer ou un logement RHVS, ou si le bailleur est de type 1 ou 2, ou si la convention est déjà en cours de publication ou publiée."
	MsgNotDenonciation        = "Cette action ne s'applique qu'à un avenant de dénonciation."
	MsgNotResiliation         = "Cette action ne s'applique qu'à un avenant de résiliation."
	MsgDenonciationOnAvenant  = "La validation ordinaire ne s'applique pas à une dénonciation ou à une résiliation : utilisez « Valider la dénonciation » ou « Valider la résiliation »."
)

// preconditions of transition a, once the subject and the statut passed.
func (k *Capability) preconditions(ctx context.Context, q Querier, a Action) error {
	c := k.Convention
	switch a {
	case ActionSubmit:
		if !c.IsAvenant() && c.NumeroOperation == "" {
			return refuse(ReasonPrecondition, MsgNumeroOperationMissing)
		}
	case ActionValidate:
		if c.IsDenonciation() || c.IsResiliation() {
			return refuse(ReasonPrecondition, MsgDenonciationOnAvenant)
		}
		if c.NeedsType1and2() && c.Type1and2 == "" {
			return refuse(ReasonPrecondition, MsgType1and2Missing)
		}
		if c.IsAvenant() {
			incomplete, err := parentIncomplete(ctx, q, c)
			if err != nil {
				return err
			}
			if incomplete {
				return refuse(ReasonPrecondition, MsgParentIncomplete)
			}
		}
	case ActionSendToPublication, ActionCancelPublication:
		if !c.CanBePublished() {
			return refuse(ReasonPrecondition, MsgNotPublishable)
		}
	case ActionReactivate:
		if c.IsAvenant() && k.Ongoing != nil {
			return refuse(ReasonPrecondition, MsgAvenantOngoing)
		}
	case ActionValidateDenonciation:
		if !c.IsDenonciation() {
			return refuse(ReasonPrecondition, MsgNotDenonciation)
		}
	case ActionValidateResiliation:
		if !c.IsResiliation() {
			return refuse(ReasonPrecondition, MsgNotResiliation)
		}
	}
	return nil
}

// parentIncomplete: the parent programme has no ville, or the parent's
// first lot no nb_logements, or the parent no signed document.
func parentIncomplete(ctx context.Context, q Querier, c *Convention) (bool, error) {
	var incomplete bool
	err := q.QueryRow(ctx, `SELECT p.ville = '' OR COALESCE(pc.nom_fichier_signe, '') = ''
			OR (SELECT l.nb_logements FROM programmes_lot l WHERE l.convention_id = pc.id ORDER BY l.id LIMIT 1) IS NULL
		FROM conventions_convention pc JOIN programmes_programme p ON p.id = pc.programme_id
		WHERE pc.id = $1`, c.RootID()).Scan(&incomplete)
	if err != nil {
		return false, fmt.Errorf("lecture de la convention d'origine : %w", err)
	}
	return incomplete, nil
}

// lockFor locks the convention, computes the capability of s on it in the
// transaction and returns them when action a is allowed.
func lockFor(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, a Action) (*Convention, *Capability, error) {
	c, err := lockByUUID(ctx, tx, id)
	if err == ErrNotFound {
		return nil, nil, refuse(ReasonScope, MsgNotVisible)
	}
	if err != nil {
		return nil, nil, err
	}
	k, err := Capabilities(ctx, tx, s, c)
	if err != nil {
		return nil, nil, err
	}
	if err := k.err(a); err != nil {
		return nil, nil, err
	}
	return c, k, nil
}

// begin locks the convention and checks transition a.
func begin(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, a Action) (*Convention, Rule, error) {
	c, _, err := lockFor(ctx, tx, s, id, a)
	if err != nil {
		return nil, Rule{}, err
	}
	return c, mustRule(a), nil
}

// setStatut changes the statut and writes the history row.
func setStatut(ctx context.Context, tx pgx.Tx, c *Convention, to Statut, userID int64, commentaire string) error {
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET statut = $2 WHERE id = $1`, c.ID, string(to)); err != nil {
		return fmt.Errorf("changement de statut : %w", err)
	}
	return writeHistory(ctx, tx, c.ID, c.Statut, to, userID, commentaire)
}

// finish reloads the convention and builds the result.
func finish(ctx context.Context, tx pgx.Tx, c *Convention, from Statut, events []notify.Event, flash string) (*Result, error) {
	after, err := LoadByID(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	return &Result{Convention: after, From: from, To: after.Statut, Events: events, Flash: flash}, nil
}

// simple runs a transition whose only effect is the statut change.
func simple(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, a Action) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, a)
	if err != nil {
		return nil, err
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, ""); err != nil {
		return nil, err
	}
	return finish(ctx, tx, c, c.Statut, nil, "")
}
