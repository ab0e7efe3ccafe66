package convention

import (
	"errors"
	"time"
	_ "time/tzdata" // Europe/Paris on machines without tzdata
)

// Reason classifies a refusal, for the caller to choose an HTTP status.
type Reason int

const (
	// ReasonStatut: the current statut does not allow the action.
	ReasonStatut Reason = iota + 1
	// ReasonRole: the subject's role or permissions do not allow it.
	ReasonRole
	// ReasonScope: the convention is outside the subject's scope (shown
	// as "not found" by the web layer, so its existence is not leaked).
	ReasonScope
	// ReasonInput: a field of the input is missing or invalid (Field
	// names it).
	ReasonInput
	// ReasonPrecondition: something else must be done first.
	ReasonPrecondition
	// ReasonConfirm: the action is allowed but asks the user to confirm
	// first (the page shows what to confirm and posts again).
	ReasonConfirm
)

// Refusal is a refused operation: nothing was changed, Message says why
// in French, as the user reads it.
type Refusal struct {
	Reason  Reason
	Field   string // form field at fault, for ReasonInput
	Message string
	// Details lists the items of Message when it has several (the missing
	// content of a submission), for a page to show them as a list.
	Details []string
}

func (r *Refusal) Error() string { return r.Message }

// AsRefusal returns the refusal inside err, if any.
func AsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}

func refuse(reason Reason, msg string) *Refusal { return &Refusal{Reason: reason, Message: msg} }

func invalid(field, msg string) *Refusal {
	return &Refusal{Reason: ReasonInput, Field: field, Message: msg}
}

// French messages shared by several operations.
const (
	MsgNotVisible      = "Cette convention n'existe pas ou vous n'avez pas les droits pour y accéder."
	MsgReadOnly        = "Vous n'avez pas les droits pour effectuer cette action : votre habilitation est en lecture seule."
	MsgNoPermission    = "Vous n'avez pas les droits pour effectuer cette action."
	MsgInstructeurOnly = "Oups ! Seuls les instructeurs peuvent effectuer cette action."
	MsgBailleurOnly    = "Seuls les bailleurs peuvent effectuer cette action."
)

var paris = mustLocation("Europe/Paris")

func mustLocation(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// now is the clock; tests of date rules may replace it.
var now = time.Now

// today is the current date in Paris, at midnight UTC (a DATE value).
func today() time.Time {
	t := now().In(paris)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
