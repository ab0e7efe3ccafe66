package programme

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// Options of a save.
type Options struct {
	// IgnoreOptional is the user's confirmation of the optional problems
	// ("Valider quand même"): the step is saved and the override is
	// recorded (Overrides).
	IgnoreOptional bool
	// Env is the day of reference of the rules (today when zero).
	Env Env
}

// Result is a saved step.
type Result struct {
	Step Step
	// Overridden are the optional problems the user confirmed (recorded).
	Overridden Problems
	// Changed reports whether a value differed from the stored ones.
	Changed bool
}

// Messages of the refusals of a save.
const (
	MsgStepNotHere = "Cette étape ne concerne pas cette convention."
	MsgNotEditable = "Cette convention ne peut pas être modifiée à son statut actuel."
)

// MsgAvenantTypeNotTicked refuses a step of an avenant whose type is not
// ticked.
func MsgAvenantTypeNotTicked(step Step) string {
	return fmt.Sprintf("Cochez d'abord le type d'avenant « %s » sur le récapitulatif pour modifier l'étape « %s ».",
		AvenantTypes.Label(step.AvenantType()), step.Label())
}

// MsgFieldLocked refuses the change of a field the subject may not edit
// now (a bailleur in correction changes only the commented fields).
func MsgFieldLocked(label string) string {
	return fmt.Sprintf("« %s » ne peut pas être modifié : en correction, seuls les champs commentés par l'instructeur peuvent l'être.", label)
}

// Save checks and writes one posted step of the convention, in the
// caller's transaction, all or nothing:
//
//  1. locks the convention row and computes the subject's
//     convention.Capability (scope, permission, statut, open comments);
//  2. checks the step belongs to the convention (and, for an avenant,
//     that its avenant type is ticked);
//  3. validates the input: blocking problems, or optional problems not
//     confirmed by opt.IgnoreOptional, return a *ValidationError;
//  4. refuses a change of any field the subject may not edit now (a
//     bailleur in correction: only the fields under an open comment),
//     with a *convention.Refusal naming the field; unchanged values
//     posted back are accepted;
//  5. writes the step (collections: rows with a uuid updated, rows
//     without created, absent rows deleted; derived fields) and records
//     a confirmed override.
//
// Nothing is written when an error is returned.
func Save(ctx context.Context, tx pgx.Tx, s *access.Subject, conventionUUID uuid.UUID, in Input, opt Options) (*Result, error) {
	var id int64
	err := tx.QueryRow(ctx, `SELECT id FROM conventions_convention WHERE uuid = $1 FOR UPDATE`, conventionUUID).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &convention.Refusal{Reason: convention.ReasonScope, Message: convention.MsgNotVisible}
	}
	if err != nil {
		return nil, err
	}
	conv, err := convention.LoadByID(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if _, visible, err := access.CanOnConvention(ctx, tx, s, access.ViewConvention, id); err != nil {
		return nil, err
	} else if !visible {
		return nil, &convention.Refusal{Reason: convention.ReasonScope, Message: convention.MsgNotVisible}
	}
	k, err := convention.Capabilities(ctx, tx, s, conv)
	if err != nil {
		return nil, err
	}
	c, err := Load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	step := in.Step()
	if !HasStep(c, step) {
		return nil, &convention.Refusal{Reason: convention.ReasonPrecondition, Message: MsgStepNotHere}
	}
	if c.Convention.IsAvenant() && !c.Convention.HasType(step.AvenantType()) {
		return nil, &convention.Refusal{Reason: convention.ReasonPrecondition, Message: MsgAvenantTypeNotTicked(step)}
	}
	pl, ps := in.check(c, opt.Env)
	if len(ps.Blocking()) > 0 || len(ps) > 0 && !opt.IgnoreOptional {
		return nil, &ValidationError{Step: step, Problems: ps}
	}
	changes := pl.changes()
	if !k.Editable() {
		for _, ch := range changes {
			if !anyEditable(k, ch.keys) {
				return nil, lockedRefusal(s, k, ch.label)
			}
		}
	}
	res := &Result{Step: step, Overridden: ps.Optional(), Changed: len(changes) > 0}
	if !res.Changed && !k.Editable() {
		return res, nil // values posted back unchanged: nothing to write
	}
	if err := pl.write(ctx, tx); err != nil {
		return nil, fmt.Errorf("enregistrement de l'étape « %s » : %w", step.Label(), err)
	}
	if len(res.Overridden) > 0 {
		if err := recordOverride(ctx, tx, c.Convention.ID, s.UserID, step, res.Overridden); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func anyEditable(k *convention.Capability, keys []string) bool {
	for _, key := range keys {
		if k.CanEditField(key) {
			return true
		}
	}
	return false
}

// lockedRefusal says why a change is refused: no right at all, the
// statut, or a field without open comment in correction.
func lockedRefusal(s *access.Subject, k *convention.Capability, label string) *convention.Refusal {
	switch {
	case s.ReadOnly():
		return &convention.Refusal{Reason: convention.ReasonRole, Message: convention.MsgReadOnly}
	case !access.Can(s, access.ChangeConvention):
		return &convention.Refusal{Reason: convention.ReasonRole, Message: convention.MsgNoPermission}
	case k.Convention.Statut == convention.Correction && s.BailleurSide():
		return &convention.Refusal{Reason: convention.ReasonStatut, Message: MsgFieldLocked(label)}
	}
	return &convention.Refusal{Reason: convention.ReasonStatut, Message: MsgNotEditable}
}
