// Package comment holds the comments instructeurs and bailleurs write on
// the fields of a convention (spec workflows §5): open, reply, resolve,
// reopen, close, the summary of open comments, and the set of fields with
// an OPEN comment, which decides what a bailleur may edit in correction.
package comment

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/MTES-MCT/apilos-go/internal/db"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// Querier is a pool, a connection or a transaction.
type Querier = db.Querier

// Statut of a comment (comments_comment.statut).
type Statut string

const (
	Ouvert Statut = "OUVERT"
	Resolu Statut = "RESOLU"
	Clos   Statut = "CLOS"
)

// Label is the French label of the statut.
func (s Statut) Label() string {
	switch s {
	case Ouvert:
		return "Ouvert"
	case Resolu:
		return "Résolu"
	case Clos:
		return "Commentaire clos"
	}
	return string(s)
}

// Key identifies a commented field: "<nom_objet>__<champ_objet>__<uuid>"
// (uuid empty when the comment targets no particular row).
type Key struct {
	NomObjet   string
	ChampObjet string
	UUIDObjet  *uuid.UUID
}

func (k Key) String() string {
	u := ""
	if k.UUIDObjet != nil {
		u = k.UUIDObjet.String()
	}
	return k.NomObjet + "__" + k.ChampObjet + "__" + u
}

// Comment is one comment.
type Comment struct {
	ID           int64
	UUID         uuid.UUID
	ConventionID int64
	Key
	UserID     int64
	UserName   string
	Message    string
	Statut     Statut
	CreeLe     time.Time
	MisAJourLe time.Time
}

// Label is the human description of the commented field.
func (c Comment) Label() string { return FieldLabel(c.NomObjet, c.ChampObjet) }

// Messages.
const (
	MsgEmpty          = "Le commentaire est vide."
	MsgTooLong        = "Le commentaire ne doit pas excéder 5000 caractères"
	MsgNotCommentable = "Les commentaires ne sont possibles que sur une convention en instruction, en correction, à signer ou signée."
	MsgNotFound       = "Ce commentaire n'existe pas ou vous n'avez pas les droits pour y accéder."
	MsgNotAuthor      = "Seul l'auteur d'un commentaire ouvert peut en modifier le texte."
	MsgCloseInstr     = "Seuls les instructeurs peuvent clore un commentaire."
	MsgAlreadyClosed  = "Ce commentaire est clos."
	MsgBadTransition  = "Ce changement de statut du commentaire n'est pas possible."
	MsgMissingField   = "Le champ commenté doit être indiqué (objet et champ)."
	MsgKeyTooLong     = "Le champ commenté est invalide : son objet et son nom ne doivent pas dépasser 255 caractères."
)

// maxKeyLen is the size of comments_comment.nom_objet and champ_objet.
const maxKeyLen = 255

func refuse(reason convention.Reason, msg string) error {
	return &convention.Refusal{Reason: reason, Message: msg}
}

// conventionFor checks the subject sees the convention and may comment.
func conventionFor(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID, perm access.Permission) (*convention.Convention, error) {
	c, err := convention.Load(ctx, q, id)
	if errors.Is(err, convention.ErrNotFound) {
		return nil, refuse(convention.ReasonScope, convention.MsgNotVisible)
	}
	if err != nil {
		return nil, err
	}
	allowed, vis, err := access.CanOnConvention(ctx, q, s, perm, c.ID)
	if err != nil {
		return nil, err
	}
	if !vis {
		return nil, refuse(convention.ReasonScope, convention.MsgNotVisible)
	}
	if !allowed {
		return nil, refuse(convention.ReasonRole, convention.MsgNoPermission)
	}
	return c, nil
}

func checkMessage(m string) (string, error) {
	m = strings.TrimSpace(m)
	if m == "" {
		return "", &convention.Refusal{Reason: convention.ReasonInput, Field: "comment", Message: MsgEmpty}
	}
	if len([]rune(m)) > 5000 {
		return "", &convention.Refusal{Reason: convention.ReasonInput, Field: "comment", Message: MsgTooLong}
	}
	return m, nil
}

// Open writes a new OUVERT comment on a field of the convention. Read-only
// roles may comment, as in the reference; the convention must be in
// INSTRUCTION, CORRECTION, A_SIGNER or SIGNEE.
func Open(ctx context.Context, q Querier, s *access.Subject, conventionUUID uuid.UUID, k Key, message string) (*Comment, error) {
	c, err := conventionFor(ctx, q, s, conventionUUID, access.AddComment)
	if err != nil {
		return nil, err
	}
	if !c.Statut.In(convention.CommentableStatuts...) {
		return nil, refuse(convention.ReasonStatut, MsgNotCommentable)
	}
	if strings.TrimSpace(k.NomObjet) == "" || strings.TrimSpace(k.ChampObjet) == "" {
		return nil, &convention.Refusal{Reason: convention.ReasonInput, Field: "object_name", Message: MsgMissingField}
	}
	if utf8.RuneCountInString(k.NomObjet) > maxKeyLen || utf8.RuneCountInString(k.ChampObjet) > maxKeyLen {
		return nil, &convention.Refusal{Reason: convention.ReasonInput, Field: "object_name", Message: MsgKeyTooLong}
	}
	m, err := checkMessage(message)
	if err != nil {
		return nil, err
	}
	var id int64
	err = q.QueryRow(ctx, `INSERT INTO comments_comment (uuid, nom_objet, champ_objet, uuid_objet, convention_id, user_id, message, statut, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, 'OUVERT', now(), now()) RETURNING id`,
		k.NomObjet, k.ChampObjet, k.UUIDObjet, c.ID, s.UserID, m).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("enregistrement du commentaire : %w", err)
	}
	return get(ctx, q, id)
}

// Reply answers a comment: a new OUVERT comment on the same field.
func Reply(ctx context.Context, q Querier, s *access.Subject, commentUUID uuid.UUID, message string) (*Comment, error) {
	parent, c, err := load(ctx, q, s, commentUUID, access.AddComment)
	if err != nil {
		return nil, err
	}
	return Open(ctx, q, s, c.UUID, parent.Key, message)
}

const selectComment = `SELECT cm.id, cm.uuid, cm.convention_id, cm.nom_objet, cm.champ_objet, cm.uuid_objet,
	cm.user_id, COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username),
	COALESCE(cm.message, ''), cm.statut, cm.cree_le, cm.mis_a_jour_le
FROM comments_comment cm JOIN users_user u ON u.id = cm.user_id `

func scan(r pgx.Row) (*Comment, error) {
	var c Comment
	var st string
	err := r.Scan(&c.ID, &c.UUID, &c.ConventionID, &c.NomObjet, &c.ChampObjet, &c.UUIDObjet,
		&c.UserID, &c.UserName, &c.Message, &st, &c.CreeLe, &c.MisAJourLe)
	c.Statut = Statut(st)
	return &c, err
}

func get(ctx context.Context, q Querier, id int64) (*Comment, error) {
	c, err := scan(q.QueryRow(ctx, selectComment+`WHERE cm.id = $1`, id))
	if err != nil {
		return nil, fmt.Errorf("lecture du commentaire : %w", err)
	}
	return c, nil
}

// load reads a comment and checks the subject's access to its convention.
func load(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID, perm access.Permission) (*Comment, *convention.Convention, error) {
	cm, err := scan(q.QueryRow(ctx, selectComment+`WHERE cm.uuid = $1 FOR UPDATE OF cm`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, refuse(convention.ReasonScope, MsgNotFound)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("lecture du commentaire : %w", err)
	}
	c, err := convention.LoadByID(ctx, q, cm.ConventionID)
	if err != nil {
		return nil, nil, err
	}
	if _, err := conventionFor(ctx, q, s, c.UUID, perm); err != nil {
		if r, ok := convention.AsRefusal(err); ok && r.Reason == convention.ReasonScope {
			return nil, nil, refuse(convention.ReasonScope, MsgNotFound)
		}
		return nil, nil, err
	}
	return cm, c, nil
}

// Edit changes the text of a comment: its author only, while OUVERT.
func Edit(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID, message string) (*Comment, error) {
	cm, _, err := load(ctx, q, s, id, access.ChangeComment)
	if err != nil {
		return nil, err
	}
	if cm.UserID != s.UserID || cm.Statut != Ouvert {
		return nil, refuse(convention.ReasonRole, MsgNotAuthor)
	}
	m, err := checkMessage(message)
	if err != nil {
		return nil, err
	}
	if _, err := q.Exec(ctx, `UPDATE comments_comment SET message = $2 WHERE id = $1`, cm.ID, m); err != nil {
		return nil, fmt.Errorf("modification du commentaire : %w", err)
	}
	return get(ctx, q, cm.ID)
}

// SetStatut moves a comment: OUVERT → RESOLU ("Marquer comme résolu"),
// RESOLU → OUVERT ("Ré-ouvrir"), any but CLOS → CLOS ("Marquer comme
// clos", State side only). resolu_le and clos_le are filled.
func SetStatut(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID, to Statut) (*Comment, error) {
	cm, _, err := load(ctx, q, s, id, access.ChangeComment)
	if err != nil {
		return nil, err
	}
	switch {
	case cm.Statut == Clos:
		return nil, refuse(convention.ReasonStatut, MsgAlreadyClosed)
	case to == Clos && !s.InstructeurSide():
		return nil, refuse(convention.ReasonRole, MsgCloseInstr)
	case to == Resolu && cm.Statut != Ouvert, to == Ouvert && cm.Statut != Resolu:
		return nil, refuse(convention.ReasonStatut, MsgBadTransition)
	case to != Ouvert && to != Resolu && to != Clos:
		return nil, refuse(convention.ReasonInput, MsgBadTransition)
	}
	_, err = q.Exec(ctx, `UPDATE comments_comment SET statut = $2::text,
		resolu_le = CASE WHEN $2::text = 'RESOLU' THEN now() WHEN $2::text = 'OUVERT' THEN NULL ELSE resolu_le END,
		clos_le = CASE WHEN $2::text = 'CLOS' THEN now() ELSE clos_le END
		WHERE id = $1`, cm.ID, string(to))
	if err != nil {
		return nil, fmt.Errorf("changement de statut du commentaire : %w", err)
	}
	return get(ctx, q, cm.ID)
}

// Resolve, Reopen and Close are SetStatut shortcuts.
func Resolve(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID) (*Comment, error) {
	return SetStatut(ctx, q, s, id, Resolu)
}

// Reopen moves a RESOLU comment back to OUVERT.
func Reopen(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID) (*Comment, error) {
	return SetStatut(ctx, q, s, id, Ouvert)
}

// Close closes a comment (State side).
func Close(ctx context.Context, q Querier, s *access.Subject, id uuid.UUID) (*Comment, error) {
	return SetStatut(ctx, q, s, id, Clos)
}

// List returns the comments of a convention, oldest first, optionally
// only those of one field (k nil: all). The caller checked visibility.
func List(ctx context.Context, q Querier, conventionID int64, k *Key) ([]Comment, error) {
	sql := selectComment + `WHERE cm.convention_id = $1`
	args := []any{conventionID}
	if k != nil {
		sql += ` AND cm.nom_objet = $2 AND cm.champ_objet = $3 AND cm.uuid_objet IS NOT DISTINCT FROM $4`
		args = append(args, k.NomObjet, k.ChampObjet, k.UUIDObjet)
	}
	return collect(ctx, q, sql+` ORDER BY cm.cree_le, cm.id`, args...)
}

func collect(ctx context.Context, q Querier, sql string, args ...any) ([]Comment, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, fmt.Errorf("lecture des commentaires : %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Comment, error) {
		c, err := scan(r)
		if err != nil {
			return Comment{}, err
		}
		return *c, nil
	})
}

// Summary is the récapitulatif block of open comments.
type Summary struct {
	Count    int
	Comments []Comment // OUVERT ones, oldest first
}

// Title is "N Commentaire(s) Ouvert(s) (Non-résolu(s))".
func (s Summary) Title() string {
	return fmt.Sprintf("%d Commentaire(s) Ouvert(s) (Non-résolu(s))", s.Count)
}

// OpenSummary lists the OUVERT comments of a convention.
func OpenSummary(ctx context.Context, q Querier, conventionID int64) (Summary, error) {
	list, err := collect(ctx, q, selectComment+`WHERE cm.convention_id = $1 AND cm.statut = 'OUVERT' ORDER BY cm.cree_le, cm.id`, conventionID)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Count: len(list), Comments: list}, nil
}

// OpenCommentFields returns the keys of the fields that have at least one
// OUVERT comment (the reference counted closed ones too), for
// access.FieldEditable: in correction a bailleur may edit exactly these
// fields. A comment without target row has the key "nom__champ__".
func OpenCommentFields(ctx context.Context, q Querier, conventionID int64) (access.OpenComments, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT nom_objet, champ_objet, uuid_objet FROM comments_comment
		WHERE convention_id = $1 AND statut = 'OUVERT'`, conventionID)
	if err != nil {
		return nil, fmt.Errorf("lecture des commentaires ouverts : %w", err)
	}
	defer rows.Close()
	out := access.OpenComments{}
	for rows.Next() {
		var k Key
		if err := rows.Scan(&k.NomObjet, &k.ChampObjet, &k.UUIDObjet); err != nil {
			return nil, err
		}
		out[k.String()] = true
	}
	return out, rows.Err()
}
