// Package comment holds the comments instructeurs and bailleurs write on
// the fields of a convention (spec workflows §5): open, reply, resolve,
// reopen, close, and the summary of open comments. Whether a comment may
// be written is decided by convention.Capabilities (ActionComment).
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
	"github.com/MTES-MCT/apilos-go/internal/fr"
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
	ID             int64
	UUID           uuid.UUID
	ConventionID   int64
	ConventionUUID uuid.UUID
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
	MsgNotCommentable = convention.MsgNotCommentable
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
	c, err := convention.Load(ctx, q, conventionUUID)
	if errors.Is(err, convention.ErrNotFound) {
		return nil, refuse(convention.ReasonScope, convention.MsgNotVisible)
	}
	if err != nil {
		return nil, err
	}
	capa, err := convention.Capabilities(ctx, q, s, c)
	if err != nil {
		return nil, err
	}
	if ref := capa.Refusal(convention.ActionComment); ref != nil {
		return nil, ref
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

const selectComment = `SELECT cm.id, cm.uuid, cm.convention_id, cv.uuid, cm.nom_objet, cm.champ_objet, cm.uuid_objet,
	cm.user_id, COALESCE(NULLIF(trim(u.first_name || ' ' || u.last_name), ''), u.username),
	COALESCE(cm.message, ''), cm.statut, cm.cree_le, cm.mis_a_jour_le
FROM comments_comment cm JOIN users_user u ON u.id = cm.user_id
JOIN conventions_convention cv ON cv.id = cm.convention_id `

func scan(r pgx.Row) (*Comment, error) {
	var c Comment
	var st string
	err := r.Scan(&c.ID, &c.UUID, &c.ConventionID, &c.ConventionUUID, &c.NomObjet, &c.ChampObjet, &c.UUIDObjet,
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

// VisibleConventionOf returns the uuid of the convention of the comment
// when the subject sees it (false otherwise, the comment's existence
// included).
func VisibleConventionOf(ctx context.Context, q Querier, s *access.Subject, commentUUID uuid.UUID) (uuid.UUID, bool, error) {
	var a access.Args
	sql := `SELECT c.uuid FROM comments_comment cm JOIN conventions_convention c ON c.id = cm.convention_id
		JOIN programmes_programme p ON p.id = c.programme_id WHERE cm.uuid = ` + a.Add(commentUUID) + ` AND ` + access.ConventionScope(s, &a)
	var u uuid.UUID
	err := q.QueryRow(ctx, sql, a.Values()...).Scan(&u)
	if errors.Is(err, pgx.ErrNoRows) {
		return uuid.Nil, false, nil
	}
	if err != nil {
		return uuid.Nil, false, fmt.Errorf("lecture de la convention du commentaire : %w", err)
	}
	return u, true, nil
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
	if err := cm.moveRefusal(s, to); err != nil {
		return nil, err
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

// CanMove reports whether s may move the comment to statut to now (the
// buttons of the comment widget; SetStatut also checks the scope).
func (c *Comment) CanMove(s *access.Subject, to Statut) bool {
	return access.Can(s, access.ChangeComment) && c.moveRefusal(s, to) == nil
}

func (c *Comment) moveRefusal(s *access.Subject, to Statut) error {
	switch {
	case c.Statut == Clos:
		return refuse(convention.ReasonStatut, MsgAlreadyClosed)
	case to == Clos && !s.InstructeurSide():
		return refuse(convention.ReasonRole, MsgCloseInstr)
	case to == Resolu && c.Statut != Ouvert, to == Ouvert && c.Statut != Resolu:
		return refuse(convention.ReasonStatut, MsgBadTransition)
	case to != Ouvert && to != Resolu && to != Clos:
		return refuse(convention.ReasonInput, MsgBadTransition)
	}
	return nil
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

// Title is "Aucun commentaire ouvert", "1 commentaire ouvert (non
// résolu)", "2 commentaires ouverts (non résolus)".
func (s Summary) Title() string {
	if s.Count == 0 {
		return "Aucun commentaire ouvert"
	}
	return fr.Count(s.Count, "commentaire", "commentaires") + " " + fr.Plural(s.Count, "ouvert (non résolu)", "ouverts (non résolus)")
}

// OpenSummary lists the OUVERT comments of a convention.
func OpenSummary(ctx context.Context, q Querier, conventionID int64) (Summary, error) {
	list, err := collect(ctx, q, selectComment+`WHERE cm.convention_id = $1 AND cm.statut = 'OUVERT' ORDER BY cm.cree_le, cm.id`, conventionID)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Count: len(list), Comments: list}, nil
}
