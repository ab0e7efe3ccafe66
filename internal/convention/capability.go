package convention

import (
	"context"
	"fmt"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Operations that change a convention without a statut transition. They
// are decided by the same Capability as the transitions.
const (
	ActionSetSignatureDate Action = "set_signature_date" // post_action date editor
	ActionUploadSigned     Action = "upload_signed"      // deposit the signed document
	ActionCancelSigned     Action = "cancel_signed"      // cancel that deposit
	// ActionUploadPublication deposits the publication deed (instructeurs).
	ActionUploadPublication Action = "upload_publication"
	ActionCancelPublished   Action = "cancel_published" // cancel that deposit
	// ActionCreateAvenant creates an avenant (dénonciation and résiliation
	// included) of the convention's family; decided on its root.
	ActionCreateAvenant Action = "create_avenant"
	// ActionEditAvenant changes what belongs to an avenant being prepared
	// (its dénonciation or résiliation form, its avenant types).
	ActionEditAvenant Action = "edit_avenant"
	// ActionChangeAvenantTypes ticks or unticks the types of an ordinary
	// avenant (not of a dénonciation or résiliation).
	ActionChangeAvenantTypes Action = "change_avenant_types"
	// ActionSetType1and2 chooses Type I or Type II.
	ActionSetType1and2 Action = "set_type1and2"
	// ActionComment writes a comment on a field (read-only roles too).
	ActionComment Action = "comment"
)

// signedFileStatuts: a signed document may be deposited once validated.
var signedFileStatuts = []Statut{ASigner, Signee, PublicationEnCours, Publie}

// Operations is the table of the operations that are not transitions:
// scope, read-only flag, permission, kind of user and statut, checked as
// for the transitions; Capabilities adds the rest (expert mode, avenant
// family, Type I/II).
var Operations = []Rule{
	{Action: ActionSetSignatureDate, Verb: "modifier la date de signature", From: CompletedStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionUploadSigned, Verb: "déposer le document signé", From: signedFileStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionCancelSigned, Verb: "annuler le dépôt du document signé", From: signedFileStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionUploadPublication, Verb: "déposer le document de publication", From: []Statut{PublicationEnCours, Publie}, Who: WhoInstructeur, Perm: PermChange},
	{Action: ActionCancelPublished, Verb: "annuler le dépôt du document de publication", From: []Statut{PublicationEnCours, Publie}, Who: WhoInstructeur, Perm: PermChange},
	{Action: ActionCreateAvenant, Verb: "créer un avenant", From: CompletedStatuts, Who: WhoAny, Perm: PermAdd},
	{Action: ActionEditAvenant, Verb: "modifier l'avenant", From: OngoingAvenantStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionChangeAvenantTypes, Verb: "modifier les types d'avenant", From: OngoingAvenantStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionSetType1and2, Verb: "choisir le type de convention", From: OngoingAvenantStatuts, Who: WhoAny, Perm: PermChange},
	{Action: ActionComment, Verb: "commenter", From: CommentableStatuts, Who: WhoPermHolder, Perm: access.AddComment, ReadOnlyAllowed: true},
}

// Messages of the operations.
const (
	MsgNotCommentable   = "Les commentaires ne sont possibles que sur une convention en instruction, en correction, à signer ou signée."
	MsgType1and2NotHere = "Le choix Type I / Type II ne concerne pas cette convention."
	MsgType1and2Locked  = "Le type de convention ne peut plus être modifié à ce statut."
	MsgAvenantTypeFixed = "Une dénonciation ou une résiliation garde son type : elle se crée depuis la vue d'ensemble de la convention."
)

// refusalOngoing is the refusal of ActionCreateAvenant while an avenant is
// in progress: CreateAvenant then returns that avenant instead.
var refusalOngoing = &Refusal{Reason: ReasonPrecondition, Message: MsgAvenantOngoing}

// Capability is what s may do to c now: the transitions and operations
// (Can, Refusal), the whole form (Editable) and each field
// (CanEditField). Pages compute it once per request and read it;
// every write function computes it again in its transaction, after
// locking the row, and refuses what it refuses.
type Capability struct {
	Convention *Convention
	// Ongoing is the avenant of the family in PROJET, INSTRUCTION or
	// CORRECTION, when the decisions needed it (creating an avenant from a
	// completed convention, reactivating an avenant); nil otherwise.
	Ongoing *Convention

	s           *access.Subject
	visible     bool
	rootVisible bool
	refusals    map[Action]*Refusal
	editable    bool
	open        access.OpenComments
}

// Capabilities computes what s may do to c now. It reads the database a
// few times at most: the scope (one query), and only when a decision
// depends on them the avenant in progress, the parent of an avenant to
// validate, and the fields with an open comment.
func Capabilities(ctx context.Context, q Querier, s *access.Subject, c *Convention) (*Capability, error) {
	k := &Capability{Convention: c, s: s, refusals: map[Action]*Refusal{}}
	if err := k.loadScope(ctx, q); err != nil {
		return nil, err
	}
	if (k.visible || k.rootVisible) && (k.rootStatut().IsCompleted() || c.IsAvenant() && c.Statut == Annulee) {
		ongoing, err := OngoingAvenant(ctx, q, c.RootID())
		if err != nil {
			return nil, err
		}
		k.Ongoing = ongoing
	}
	for _, r := range Rules {
		ref, err := k.decideTransition(ctx, q, r)
		if err != nil {
			return nil, err
		}
		k.set(r.Action, ref)
	}
	for _, r := range Operations {
		k.set(r.Action, k.decideOperation(r))
	}
	st := string(c.Statut)
	k.editable = k.visible && hasPerm(s, PermChange) && access.ConventionEditable(s, st)
	// The open comments are read only when a field with one would be
	// editable while the whole form is not (a bailleur in correction).
	const probe = "?"
	if k.visible && !k.editable && hasPerm(s, PermChange) && access.FieldEditable(s, st, probe, access.OpenComments{probe: true}) {
		open, err := OpenComments(ctx, q, c.ID)
		if err != nil {
			return nil, err
		}
		k.open = open
	}
	return k, nil
}

func (k *Capability) set(a Action, ref *Refusal) {
	if ref != nil {
		k.refusals[a] = ref
	}
}

// Can reports whether the action is allowed now.
func (k *Capability) Can(a Action) bool {
	_, refused := k.refusals[a]
	return !refused && k.known(a)
}

// Refusal says why the action is not allowed now (nil: allowed).
func (k *Capability) Refusal(a Action) *Refusal {
	if ref, ok := k.refusals[a]; ok {
		return ref
	}
	if !k.known(a) {
		return refuse(ReasonPrecondition, "Action inconnue : "+string(a))
	}
	return nil
}

// err is Refusal as an error, nil when allowed (never a typed nil).
func (k *Capability) err(a Action) error {
	if ref := k.Refusal(a); ref != nil {
		return ref
	}
	return nil
}

func (k *Capability) known(a Action) bool {
	_, ok := RuleOf(a)
	return ok
}

// Editable reports whether the whole form may be edited now
// (access.ConventionEditable, within the scope and with the change
// permission).
func (k *Capability) Editable() bool { return k.editable }

// CanEditField reports whether one field may be edited now; key is
// "<nom_objet>__<champ_objet>__<uuid_objet>" as in access.OpenComments.
// Besides the whole form, a bailleur in correction edits the fields that
// have an open comment (access.FieldEditable). An attachment of a field
// follows the field.
func (k *Capability) CanEditField(key string) bool {
	if k.editable {
		return true
	}
	return k.open != nil && access.FieldEditable(k.s, string(k.Convention.Statut), key, k.open)
}

// CanChangeAvenantType reports whether the avenant type nom may be ticked
// or unticked now: dénonciation and résiliation are never toggled.
func (k *Capability) CanChangeAvenantType(nom string) bool {
	return k.avenantTypeRefusal(nom) == nil
}

func (k *Capability) avenantTypeRefusal(nom string) *Refusal {
	if ref := k.Refusal(ActionChangeAvenantTypes); ref != nil {
		return ref
	}
	if nom == TypeDenonciation || nom == TypeResiliation {
		return refuse(ReasonPrecondition, MsgAvenantTypeFixed)
	}
	return nil
}

// rootStatut is the statut of the family's root convention.
func (k *Capability) rootStatut() Statut {
	if k.Convention.IsAvenant() {
		return k.Convention.ParentStatut
	}
	return k.Convention.Statut
}

// loadScope reads, in one query, whether the convention and the root of
// its family are in the subject's scope.
func (k *Capability) loadScope(ctx context.Context, q Querier) error {
	c := k.Convention
	if k.s.Anonymous() {
		return nil
	}
	var a access.Args
	id, root := a.Add(c.ID), a.Add(c.RootID())
	sql := `SELECT COALESCE(bool_or(c.id = ` + id + `), false), COALESCE(bool_or(c.id = ` + root + `), false)
  FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
 WHERE c.id IN (` + id + `, ` + root + `) AND ` + access.ConventionScope(k.s, &a)
	if err := q.QueryRow(ctx, sql, a.Values()...).Scan(&k.visible, &k.rootVisible); err != nil {
		return fmt.Errorf("contrôle d'accès à la convention %d : %w", c.ID, err)
	}
	return nil
}

// subjectRefusal checks the scope, the read-only flag, the permission and
// the kind of user, in that order.
func (k *Capability) subjectRefusal(r Rule, visible bool) *Refusal {
	s := k.s
	switch {
	case s.Anonymous():
		return refuse(ReasonRole, MsgNoPermission)
	case !visible:
		return refuse(ReasonScope, MsgNotVisible)
	case s.ReadOnly() && !r.ReadOnlyAllowed:
		return refuse(ReasonRole, MsgReadOnly)
	case !hasPerm(s, r.Perm):
		return refuse(ReasonRole, MsgNoPermission)
	case !r.Who.allows(s):
		switch r.Who {
		case WhoInstructeur:
			return refuse(ReasonRole, MsgInstructeurOnly)
		case WhoBailleur:
			return refuse(ReasonRole, MsgBailleurOnly)
		}
		return refuse(ReasonRole, MsgNoPermission)
	}
	return nil
}

func (k *Capability) decideTransition(ctx context.Context, q Querier, r Rule) (*Refusal, error) {
	c := k.Convention
	if ref := k.subjectRefusal(r, k.visible); ref != nil {
		return ref, nil
	}
	if !r.fromAllowed(c) {
		return refuse(ReasonStatut, MsgWrongStatut(r, c, AudienceOf(k.s))), nil
	}
	err := k.preconditions(ctx, q, r.Action)
	if ref, ok := AsRefusal(err); ok {
		return ref, nil
	}
	return nil, err
}

func (k *Capability) decideOperation(r Rule) *Refusal {
	c := k.Convention
	if r.Action == ActionCreateAvenant {
		// Decided on the family's root.
		if ref := k.subjectRefusal(r, k.rootVisible); ref != nil {
			return ref
		}
		if k.Ongoing != nil {
			return refusalOngoing
		}
		if !k.rootStatut().In(r.From...) {
			return refuse(ReasonStatut, MsgAvenantNeedsSigned)
		}
		return nil
	}
	if ref := k.subjectRefusal(r, k.visible); ref != nil {
		return ref
	}
	switch r.Action {
	case ActionEditAvenant, ActionChangeAvenantTypes:
		if !c.IsAvenant() {
			return refuse(ReasonPrecondition, MsgNotAvenant)
		}
		// An instructeur in expert mode also amends a completed avenant.
		expert := k.s.Expert && isInstructeur(k.s) && c.Statut.IsCompleted()
		if !r.fromAllowed(c) && !expert {
			return refuse(ReasonStatut, MsgAvenantNotEditable)
		}
		if r.Action == ActionChangeAvenantTypes && (c.IsDenonciation() || c.IsResiliation()) {
			return refuse(ReasonPrecondition, MsgAvenantTypeFixed)
		}
		return nil
	case ActionSetType1and2:
		if !c.NeedsType1and2() {
			return refuse(ReasonPrecondition, MsgType1and2NotHere)
		}
		if !r.fromAllowed(c) || !access.ConventionEditable(k.s, string(c.Statut)) {
			return refuse(ReasonStatut, MsgType1and2Locked)
		}
		return nil
	case ActionComment:
		if !r.fromAllowed(c) {
			return refuse(ReasonStatut, MsgNotCommentable)
		}
		return nil
	}
	if !r.fromAllowed(c) {
		return refuse(ReasonStatut, MsgWrongStatut(r, c, AudienceOf(k.s)))
	}
	return nil
}

// OpenComments returns the keys of the fields that have at least one
// OUVERT comment (the reference counted closed ones too): in correction a
// bailleur may edit exactly these fields. A comment without target row
// has the key "nom__champ__".
func OpenComments(ctx context.Context, q Querier, conventionID int64) (access.OpenComments, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT nom_objet || '__' || champ_objet || '__' || COALESCE(uuid_objet::text, '')
		FROM comments_comment WHERE convention_id = $1 AND statut = 'OUVERT'`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("lecture des commentaires ouverts : %w", err)
	}
	defer rows.Close()
	out := access.OpenComments{}
	for rows.Next() {
		var key string
		if err := rows.Scan(&key); err != nil {
			return nil, err
		}
		out[key] = true
	}
	return out, rows.Err()
}
