package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// conventionHeader is the top of every convention page: what it is, its
// statut badge and the links between its pages.
type conventionHeader struct {
	UUID        string
	Title       string // "Convention n° …", "Avenant n° … à la convention …"
	Kind        string // convention, avenant, dénonciation, résiliation
	Operation   string
	NumOp       string
	Bailleur    string
	Statut      string
	BadgeClass  string
	RecapURL    string
	PostAction  string // "" when the overview does not apply yet
	JournalURL  string
	ParentURL   string // the convention of an avenant
	IsAvenant   bool
	IsCompleted bool
	// OperationURL links the operation page when it shows the user
	// something (set by withOperationLink).
	OperationURL string
	// Audience is whose statut labels the page shows; accord the
	// agreement of this row's labels.
	Audience convention.Audience
	accord   string
}

// withOperationLink sets OperationURL when the operation page of the
// convention shows the user something.
func (c *conventions) withOperationLink(ctx context.Context, conv *convention.Convention, sub *access.Subject, h *conventionHeader) error {
	ok, err := convention.OperationVisible(ctx, c.s.opts.DB, sub, conv.NumeroOperation)
	if err != nil {
		return err
	}
	if ok {
		h.OperationURL = convention.OperationURL(conv.NumeroOperation)
	}
	return nil
}

// statutLabel names statut st of this convention for the page's reader.
func (h conventionHeader) statutLabel(st convention.Statut) string {
	return st.Label(h.Audience, h.accord)
}

// rowKind is the wording of a list row that only knows whether it is an
// avenant.
func rowKind(isAvenant bool) string {
	if isAvenant {
		return "avenant"
	}
	return "convention"
}

func header(c *convention.Convention, sub *access.Subject) conventionHeader {
	id := c.UUID.String()
	h := conventionHeader{
		UUID: id, Kind: c.Kind(), Operation: c.ProgrammeNom, NumOp: c.NumeroOperation, Bailleur: c.BailleurNom,
		BadgeClass: c.Statut.BadgeClass(), RecapURL: recapURL(id), JournalURL: "/conventions/journal/" + id,
		IsAvenant: c.IsAvenant(), IsCompleted: c.Statut.IsCompleted(),
	}
	h.Audience = convention.AudienceOf(sub)
	h.Statut = c.StatutLabel(h.Audience)
	h.accord = convention.Accord(c.Kind())
	switch c.Kind() {
	case "dénonciation":
		h.Title = "Dénonciation de la convention " + orDash(c.ParentNumero)
	case "résiliation":
		h.Title = "Résiliation de la convention " + orDash(c.ParentNumero)
	case "avenant":
		h.Title = "Avenant " + numeroOr(c.Numero, "en cours") + " à la convention " + orDash(c.ParentNumero)
	default:
		h.Title = "Convention " + numeroOr(c.Numero, "sans numéro")
	}
	if c.Statut.HasOverview() {
		h.PostAction = postActionURL(id)
	}
	return h
}

func numeroOr(n, missing string) string {
	if n == "" {
		return missing
	}
	return "n° " + n
}

// Formatting helpers of the view models: French formats, "—" for a
// missing value.

func fmtDate(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return fr.DateShort(*t)
}

func fmtDateLong(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return fr.DateLong(*t)
}

func fmtAmount(d decimal.NullDecimal) string {
	if !d.Valid {
		return "—"
	}
	return fr.Amount(d.Decimal)
}

func fmtSurface(d decimal.NullDecimal) string {
	if !d.Valid {
		return "—"
	}
	return fr.Surface(d.Decimal)
}

func fmtNumber(d decimal.NullDecimal, places int32) string {
	if !d.Valid {
		return "—"
	}
	return fr.Number(d.Decimal, places)
}

func fmtInt(n *int64) string {
	if n == nil {
		return "—"
	}
	return fr.Int(*n)
}

func fmtBool(b bool) string {
	if b {
		return "Oui"
	}
	return "Non"
}

// textOf reads the text of a "text + files" JSON column
// (`{"text": "…", "files": {…}}`), or the column itself when it is
// plain text.
func textOf(v string) string {
	v = strings.TrimSpace(v)
	if strings.HasPrefix(v, "{") {
		var tf struct {
			Text string `json:"text"`
		}
		if json.Unmarshal([]byte(v), &tf) == nil {
			return tf.Text
		}
	}
	return v
}

// commentField is one commentable value: its comments and the form to
// add one (template "comment-widget").
type commentField struct {
	Enabled        bool // the widget shows (comments exist or may be added)
	CanAdd         bool // the statut allows new comments
	Key            string
	Label          string
	NomObjet       string
	ChampObjet     string
	UUIDObjet      string
	ConventionUUID string
	Next           string
	Count          int
	Open           bool // an OUVERT comment exists
	Comments       []commentItem
}

type commentItem struct {
	UUID        string
	Author      string
	Date        string
	Message     string
	StatutLabel string
	BadgeClass  string
	CanResolve  bool
	CanReopen   bool
	CanClose    bool
}

// commentIndex groups the comments of a convention by field key.
type commentIndex struct {
	enabled bool
	conv    string
	next    string
	byKey   map[string][]comment.Comment
	subject *access.Subject
}

func newCommentIndex(ctx context.Context, q comment.Querier, k *convention.Capability, next string) (*commentIndex, error) {
	c := k.Convention
	list, err := comment.List(ctx, q, c.ID, nil)
	if err != nil {
		return nil, err
	}
	ix := &commentIndex{
		enabled: k.Can(convention.ActionComment),
		conv:    c.UUID.String(), next: next, byKey: map[string][]comment.Comment{}, subject: access.FromContext(ctx),
	}
	for _, cm := range list {
		ix.byKey[cm.Key.String()] = append(ix.byKey[cm.Key.String()], cm)
	}
	return ix, nil
}

// field returns the widget of field nom__champ__uuid.
func (ix *commentIndex) field(nom, champ string, obj *uuid.UUID) commentField {
	k := comment.Key{NomObjet: nom, ChampObjet: champ, UUIDObjet: obj}
	f := commentField{
		Enabled: ix.enabled, CanAdd: ix.enabled, Key: k.String(), Label: comment.FieldLabel(nom, champ), NomObjet: nom, ChampObjet: champ,
		ConventionUUID: ix.conv, Next: ix.next + "#commentaire-" + url.PathEscape(k.String()),
	}
	if obj != nil {
		f.UUIDObjet = obj.String()
	}
	for i := range ix.byKey[k.String()] {
		cm := &ix.byKey[k.String()][i]
		f.Count++
		if cm.Statut == comment.Ouvert {
			f.Open = true
		}
		f.Comments = append(f.Comments, commentItem{
			UUID: cm.UUID.String(), Author: cm.UserName, Date: fr.DateTime(cm.CreeLe), Message: cm.Message,
			StatutLabel: cm.Statut.Label(), BadgeClass: commentBadge(cm.Statut),
			CanResolve: cm.CanMove(ix.subject, comment.Resolu), CanReopen: cm.CanMove(ix.subject, comment.Ouvert),
			CanClose: cm.CanMove(ix.subject, comment.Clos),
		})
	}
	// Comments stay readable after the commentable statuts.
	if f.Count > 0 {
		f.Enabled = true
	}
	return f
}

func commentBadge(s comment.Statut) string {
	switch s {
	case comment.Ouvert:
		return "fr-badge--warning"
	case comment.Resolu:
		return "fr-badge--success"
	}
	return ""
}

// cloneValues copies query values.
func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
