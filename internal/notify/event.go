// Package notify decides which transactional e-mails (spec workflows §9.2)
// a convention event sends, to whom (§9.3: roles and e-mail preferences
// TOUS / PARTIEL / AUCUN, switch transactional_emails_off), and with which
// French text. Domain operations return Events; the caller enqueues them
// after its transaction has committed; the worker turns each Event into
// e-mails and sends them once.
package notify

import (
	"github.com/google/uuid"
)

// Kind is what happened to the convention.
type Kind string

// Event kinds and the reference's Brevo templates they replace.
const (
	// Submitted: T1, bailleur confirmation (105 convention / 106 avenant)
	// and instructeur notification (166 / 167).
	Submitted Kind = "submitted"
	// CorrectionsRequested: T2, to the bailleur side (102 / 101).
	CorrectionsRequested Kind = "corrections_requested"
	// CorrectionsDone: T3, to the instructeur side (168 / 169).
	CorrectionsDone Kind = "corrections_done"
	// Validated: T4, to the bailleur side, cc the validating instructeur
	// (103 / 104).
	Validated Kind = "validated"
	// SurveyBailleur: first submission ever of a bailleur user (138).
	SurveyBailleur Kind = "survey_bailleur"
	// SurveyInstructeur: first validation ever of an instructeur (139).
	SurveyInstructeur Kind = "survey_instructeur"
	// VirusDetected: the antivirus found a virus in a stored file; to the
	// uploader (reference template 163) and to the staff (virus.go).
	VirusDetected Kind = "virus_detected"
)

// Event is one notification to send, produced by a domain operation.
type Event struct {
	// ID identifies the event; with the message key it makes sending
	// idempotent across retries.
	ID             uuid.UUID `json:"id"`
	Kind           Kind      `json:"kind"`
	ConventionUUID uuid.UUID `json:"convention_uuid"`
	// ActorUserID is the user who acted (0: unknown).
	ActorUserID int64 `json:"actor_user_id"`
	// Comment is the message of a feedback (T2, T3).
	Comment string `json:"comment,omitempty"`
	// SendCopy puts the actor in copy (T2, T3: "m'envoyer une copie").
	SendCopy bool `json:"send_copy,omitempty"`
	// ScanID is the upload_scan row of a VirusDetected event (its
	// ConventionUUID is zero when the file belongs to a programme).
	ScanID int64 `json:"scan_id,omitempty"`
}

// NewEvent returns an event with a fresh id.
func NewEvent(kind Kind, convention uuid.UUID, actor int64) Event {
	return Event{ID: uuid.New(), Kind: kind, ConventionUUID: convention, ActorUserID: actor}
}
