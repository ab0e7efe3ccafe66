package convention

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// Input limits and messages of the transition forms.
const (
	MaxCommentLength           = 5000
	MsgCommentTooLong          = "Le commentaire ne doit pas excéder 5000 caractères"
	MsgSignatureDateMissing    = "Vous devez saisir une date de signature"
	MsgSignedFileMissing       = "Vous devez d'abord déposer le document signé avant d'indiquer la date de signature."
	MsgPublicationRefMissing   = "Vous devez saisir un numéro de publication"
	MsgPublicationRefTooLong   = "Le numéro de publication ne doit pas excéder 50 caractères"
	MsgPublicationDateMissing  = "Vous devez saisir une date de publication"
	MsgDenonciationDateMissing = "Vous devez saisir une date de dénonciation"
	MsgResiliationDateMissing  = "Vous devez saisir une date de résiliation"
	// MsgResiliationActeMissing: the reference reads "doitfournir" (sic).
	MsgResiliationActeMissing = "Résiliation non validée : le bailleur doit fournir l'acte administratif pour valider la résiliation."
	FlashPublished            = "le document de publication a été ajouté sur Apilos"
)

// FlashSigned is the success message of the signature date step, in the
// words of the row: « Convention signée… », « Avenant signé… ».
func FlashSigned(c *Convention, d time.Time) string {
	kind := c.Kind()
	return strings.ToUpper(kind[:1]) + kind[1:] + " signé" + Accord(kind) + " avec succès le " + d.Format("02/01/2006")
}

// ContentCheck lists, in French, what the content of a convention lacks
// before it may be submitted (programme.Missing: the convention package
// does not read the content itself). It runs in the transaction of the
// submission, after the row is locked.
type ContentCheck func(ctx context.Context, q Querier, c *Convention) ([]string, error)

// MsgIncomplete heads the refusal of an incomplete submission.
const MsgIncomplete = "Soumission impossible, des informations manquent ou sont à corriger"

// Submit is T1 (PROJET → INSTRUCTION, bailleur): the content must be
// complete (check lists what is missing; a non-empty list refuses with
// every item in the refusal's Details); the first submission sets
// premiere_soumission_le and soumis_le; e-mails to both sides, and the
// satisfaction survey on a bailleur's first submission ever.
func Submit(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, check ContentCheck) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionSubmit)
	if err != nil {
		return nil, err
	}
	missing, err := check(ctx, tx, c)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		return nil, &Refusal{Reason: ReasonPrecondition, Message: MsgIncomplete + " : " + strings.Join(missing, " ; "), Details: missing}
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, ""); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention
		SET premiere_soumission_le = now(), soumis_le = now()
		WHERE id = $1 AND premiere_soumission_le IS NULL`, c.ID); err != nil {
		return nil, fmt.Errorf("date de soumission : %w", err)
	}
	events := []notify.Event{notify.NewEvent(notify.Submitted, c.UUID, s.UserID)}
	first, err := firstHistoryOfUser(ctx, tx, s.UserID, Instruction)
	if err != nil {
		return nil, err
	}
	if first && isBailleur(s) {
		events = append(events, notify.NewEvent(notify.SurveyBailleur, c.UUID, s.UserID))
	}
	return finish(ctx, tx, c, c.Statut, events, "")
}

// firstHistoryOfUser reports whether the user has exactly one history
// row reaching statut (the one just written).
func firstHistoryOfUser(ctx context.Context, tx pgx.Tx, userID int64, statut Statut) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	var n int
	err := tx.QueryRow(ctx, `SELECT count(*) FROM conventions_conventionhistory
		WHERE user_id = $1 AND statut_convention = $2`, userID, string(statut)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("lecture de l'historique : %w", err)
	}
	return n == 1, nil
}

// Feedback is the form of T2 and T3.
type Feedback struct {
	Comment  string
	SendCopy bool
}

func (f Feedback) check() error {
	if utf8.RuneCountInString(f.Comment) > MaxCommentLength {
		return invalid("comment", MsgCommentTooLong)
	}
	return nil
}

// RequestCorrections is T2 (instructeur): INSTRUCTION → CORRECTION
// ("Demander des corrections au bailleur"), CORRECTION → CORRECTION
// ("Notifier le bailleur"), or PROJET created by an instructeur →
// CORRECTION. The history row carries the comment.
func RequestCorrections(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, f Feedback) (*Result, error) {
	return feedback(ctx, tx, s, id, f, ActionRequestCorrections, notify.CorrectionsRequested)
}

// Resubmit is T3 (bailleur): CORRECTION → INSTRUCTION ("Renvoyer à
// l'instruction"), or INSTRUCTION → INSTRUCTION ("Notifier
// l'instructeur"). The history row carries the comment.
func Resubmit(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, f Feedback) (*Result, error) {
	return feedback(ctx, tx, s, id, f, ActionResubmit, notify.CorrectionsDone)
}

func feedback(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, f Feedback, a Action, kind notify.Kind) (*Result, error) {
	f.Comment = strings.TrimSpace(f.Comment)
	c, r, err := begin(ctx, tx, s, id, a)
	if err != nil {
		return nil, err
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, f.Comment); err != nil {
		return nil, err
	}
	ev := notify.NewEvent(kind, c.UUID, s.UserID)
	ev.Comment, ev.SendCopy = f.Comment, f.SendCopy
	return finish(ctx, tx, c, c.Statut, []notify.Event{ev}, "")
}

// Validation is the form of T4: the number (pre-filled with
// ProposeNumero). Empty keeps the number already saved (finalisation
// stepper).
type Validation struct {
	Numero string
	// ConfirmOpenComments: the instructeur saw the open comments and
	// validates anyway.
	ConfirmOpenComments bool
}

// MsgConfirmOpenComments asks to confirm a validation while n comments
// are still open.
func MsgConfirmOpenComments(n int) string {
	return fmt.Sprintf("%s encore %s : confirmez-vous la validation ?",
		fr.Count(n, "commentaire", "commentaires"), fr.Plural(n, "ouvert", "ouverts"))
}

// Validate is T4 (instructeur with validate_convention): → A_SIGNER. The
// number is required, unique for a convention (not for an avenant);
// valide_le is set on the first validation only. Returns the Validated
// event (document then e-mail to the bailleur) and the survey on the
// instructeur's first validation ever.
func Validate(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, v Validation) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionValidate)
	if err != nil {
		return nil, err
	}
	numero := strings.TrimSpace(v.Numero)
	if numero == "" {
		numero = c.Numero
	}
	if err := CheckNumero(ctx, tx, c, numero); err != nil {
		return nil, err
	}
	// As the reference: open comments are listed for confirmation first.
	if !v.ConfirmOpenComments {
		var open int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM comments_comment WHERE convention_id = $1 AND statut = 'OUVERT'`, c.ID).Scan(&open); err != nil {
			return nil, fmt.Errorf("lecture des commentaires ouverts : %w", err)
		}
		if open > 0 {
			return nil, refuse(ReasonConfirm, MsgConfirmOpenComments(open))
		}
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention
		SET numero = $2, numero_pour_recherche = $3, valide_le = COALESCE(valide_le, $4)
		WHERE id = $1`, c.ID, numero, NumeroPourRecherche(numero), today()); err != nil {
		return nil, fmt.Errorf("enregistrement du numéro : %w", err)
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, ""); err != nil {
		return nil, err
	}
	events := []notify.Event{notify.NewEvent(notify.Validated, c.UUID, s.UserID)}
	first, err := firstHistoryOfUser(ctx, tx, s.UserID, ASigner)
	if err != nil {
		return nil, err
	}
	if first && isInstructeur(s) {
		events = append(events, notify.NewEvent(notify.SurveyInstructeur, c.UUID, s.UserID))
	}
	return finish(ctx, tx, c, c.Statut, events, "")
}

// BackToInstruction is T5 (instructeur): A_SIGNER or SIGNEE →
// INSTRUCTION. The signed file name is kept (the reference's intended
// reset never reached the database).
func BackToInstruction(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionBackToInstruction)
}

// Sign is T6, the date step after the signed document was deposited
// (RegisterSignedFile): A_SIGNER → SIGNEE with the signature date.
func Sign(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, date time.Time) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionSign)
	if err != nil {
		return nil, err
	}
	if date.IsZero() {
		return nil, invalid("televersement_convention_signee_le", MsgSignatureDateMissing)
	}
	if c.NomFichierSigne == "" {
		return nil, refuse(ReasonPrecondition, MsgSignedFileMissing)
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET televersement_convention_signee_le = $2 WHERE id = $1`,
		c.ID, dateOnly(date)); err != nil {
		return nil, fmt.Errorf("date de signature : %w", err)
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, ""); err != nil {
		return nil, err
	}
	return finish(ctx, tx, c, c.Statut, nil, FlashSigned(c, date))
}

// RecordSignatureDate is the date step after a deposit: Sign for an
// A_SIGNER convention, SetSignatureDate for a signed one.
func RecordSignatureDate(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, date time.Time) (*Result, error) {
	c, err := lockByUUID(ctx, tx, id)
	if err == ErrNotFound {
		return nil, refuse(ReasonScope, MsgNotVisible)
	}
	if err != nil {
		return nil, err
	}
	if c.Statut == ASigner {
		return Sign(ctx, tx, s, id, date)
	}
	return SetSignatureDate(ctx, tx, s, id, date)
}

// SetSignatureDate changes the signature date of a signed convention
// (post_action date editor, or after depositing a new signed version);
// the statut does not change, so no history row.
func SetSignatureDate(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, date time.Time) (*Result, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionSetSignatureDate)
	if err != nil {
		return nil, err
	}
	if date.IsZero() {
		return nil, invalid("televersement_convention_signee_le", MsgSignatureDateMissing)
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET televersement_convention_signee_le = $2 WHERE id = $1`,
		c.ID, dateOnly(date)); err != nil {
		return nil, fmt.Errorf("date de signature : %w", err)
	}
	return finish(ctx, tx, c, c.Statut, nil, FlashSigned(c, date))
}

// SendToPublication is T7 (instructeur): SIGNEE → PUBLICATION_EN_COURS,
// for a publishable convention only.
func SendToPublication(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionSendToPublication)
}

// Publication is the date step of T8.
type Publication struct {
	ReferenceSPF string
	Date         time.Time
}

// Publish is T8 (instructeur): PUBLICATION_EN_COURS or PUBLIE → PUBLIE
// with the SPF reference and publication date.
func Publish(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID, p Publication) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionPublish)
	if err != nil {
		return nil, err
	}
	ref := strings.TrimSpace(p.ReferenceSPF)
	if ref == "" {
		return nil, invalid("reference_spf", MsgPublicationRefMissing)
	}
	if utf8.RuneCountInString(ref) > 50 {
		return nil, invalid("reference_spf", MsgPublicationRefTooLong)
	}
	if p.Date.IsZero() {
		return nil, invalid("date_publication_spf", MsgPublicationDateMissing)
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET reference_spf = $2, date_publication_spf = $3 WHERE id = $1`,
		c.ID, ref, dateOnly(p.Date)); err != nil {
		return nil, fmt.Errorf("publication : %w", err)
	}
	if err := setStatut(ctx, tx, c, r.To, s.UserID, ""); err != nil {
		return nil, err
	}
	return finish(ctx, tx, c, c.Statut, nil, FlashPublished)
}

// CancelPublication is T9 (instructeur): PUBLICATION_EN_COURS → SIGNEE.
func CancelPublication(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionCancelPublication)
}

// BackToPublicationEnCours is T10 (instructeur): PUBLIE →
// PUBLICATION_EN_COURS.
func BackToPublicationEnCours(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionBackToPublicationEnCours)
}

// Cancel is T11: PROJET, INSTRUCTION, CORRECTION or A_SIGNER → ANNULEE.
func Cancel(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionCancel)
}

// Reactivate is T12: ANNULEE → PROJET; an avenant only while no other
// avenant of its convention is in progress.
func Reactivate(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	return simple(ctx, tx, s, id, ActionReactivate)
}

// Delete is T13: an ANNULEE convention is deleted with everything that
// belongs to it (lots, logements, history, comments, its avenants), and
// the programmes cloned for it or its avenants. Nothing is left to hold a
// history row.
func Delete(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	c, _, err := begin(ctx, tx, s, id, ActionDelete)
	if err != nil {
		return nil, err
	}
	// Cloned programmes (parent set) of the row and of its avenants.
	rows, err := tx.Query(ctx, `SELECT DISTINCT p.id FROM conventions_convention cc
		JOIN programmes_programme p ON p.id = cc.programme_id
		WHERE (cc.id = $1 OR cc.parent_id = $1) AND p.parent_id IS NOT NULL`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("suppression : %w", err)
	}
	progs, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, fmt.Errorf("suppression : %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM conventions_convention WHERE id = $1 OR parent_id = $1`, c.ID); err != nil {
		return nil, fmt.Errorf("suppression de la convention : %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM programmes_programme p WHERE p.id = ANY($1)
		AND NOT EXISTS (SELECT 1 FROM conventions_convention cc WHERE cc.programme_id = p.id)`, progs); err != nil {
		return nil, fmt.Errorf("suppression du programme de l'avenant : %w", err)
	}
	return &Result{From: c.Statut, Flash: fmt.Sprintf("%s a été supprimée définitivement.", capitalize(subjectNoun(c)))}, nil
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return strings.ToUpper(string(r)) + s[n:]
}

// ValidateDenonciation is T14 (instructeur): the dénonciation avenant, its
// convention and every other avenant of it (annulled ones excepted) become
// DENONCEE with the avenant's date, each with a history row.
func ValidateDenonciation(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionValidateDenonciation)
	if err != nil {
		return nil, err
	}
	if c.DateDenonciation == nil {
		return nil, invalid("date_denonciation", MsgDenonciationDateMissing)
	}
	if err := endFamily(ctx, tx, c, r.To, "date_denonciation", *c.DateDenonciation, s.UserID); err != nil {
		return nil, err
	}
	return finish(ctx, tx, c, c.Statut, nil, "")
}

// ValidateResiliation is T15 (instructeur): as T14 with RESILIEE and
// date_resiliation. When a bailleur created the résiliation, the acte
// administratif (fichier_instruction_resiliation) is required.
func ValidateResiliation(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*Result, error) {
	c, r, err := begin(ctx, tx, s, id, ActionValidateResiliation)
	if err != nil {
		return nil, err
	}
	if c.CreeParBailleur && IsEmptyFiles(c.FichierInstructionResiliation) {
		return nil, refuse(ReasonPrecondition, MsgResiliationActeMissing)
	}
	if c.DateResiliation == nil {
		return nil, invalid("date_resiliation", MsgResiliationDateMissing)
	}
	if err := endFamily(ctx, tx, c, r.To, "date_resiliation", *c.DateResiliation, s.UserID); err != nil {
		return nil, err
	}
	return finish(ctx, tx, c, c.Statut, nil, "")
}

// endFamily sets statut and date on the root convention and all its
// avenants (annulled avenants keep their statut), one history row each.
func endFamily(ctx context.Context, tx pgx.Tx, c *Convention, to Statut, dateCol string, date time.Time, userID int64) error {
	rows, err := tx.Query(ctx, `SELECT id, statut FROM conventions_convention
		WHERE (id = $1 OR parent_id = $1) AND (id = $2 OR statut <> $3)
		ORDER BY id FOR UPDATE`, c.RootID(), c.ID, string(Annulee))
	if err != nil {
		return fmt.Errorf("lecture des avenants : %w", err)
	}
	type row struct {
		ID     int64
		Statut string
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[row])
	if err != nil {
		return fmt.Errorf("lecture des avenants : %w", err)
	}
	for _, r := range list {
		// dateCol is one of two constants, never user input.
		if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET statut = $2, `+dateCol+` = $3 WHERE id = $1`,
			r.ID, string(to), dateOnly(date)); err != nil {
			return fmt.Errorf("mise à jour de la convention : %w", err)
		}
		if Statut(r.Statut) != to {
			if err := writeHistory(ctx, tx, r.ID, Statut(r.Statut), to, userID, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// IsEmptyFiles reports whether a text+files JSON field holds nothing: NULL,
// "", or no file and no text (the reference's `{"files": {}, "text": ""}`).
func IsEmptyFiles(v string) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	var tf struct {
		Files map[string]json.RawMessage `json:"files"`
		Text  string                     `json:"text"`
	}
	if err := json.Unmarshal([]byte(v), &tf); err != nil {
		// Not JSON: legacy plain text, which is content.
		return false
	}
	return len(tf.Files) == 0 && strings.TrimSpace(tf.Text) == ""
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}
