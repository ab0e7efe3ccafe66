package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// postActionView is the overview after validation ("Vue d'ensemble",
// /conventions/post_action/<uuid>, spec §1.4): documents, dates, avenants,
// dénonciations and résiliations, and the actions after signature.
type postActionView struct {
	Page
	Flashes            []flash
	H                  conventionHeader
	SignedURL          string
	SignedName         string
	SignedDate         string
	SignatureDateValue string
	CanEditSignature   bool
	PublicationURL     string
	PublicationRef     string
	PublicationDate    string
	DateDenonciation   string
	DateResiliation    string
	Avenants           []avenantRow
	Denonciations      []avenantRow
	Resiliations       []avenantRow
	CanCreateAvenant   bool
	AvenantTypes       []option
	OngoingURL         string
	CanEnd             bool // Dénoncer / Résilier
	BackToInstruction  bool
	SendToPublication  bool
	CancelPublication  bool
	BackToPublication  bool
	RootUUID           string
}

type avenantRow struct {
	URL, Numero, Statut, BadgeClass, Types, SigneeLe string
}

func (c *conventions) postAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	q := c.s.opts.DB
	conv, err := c.conventionFor(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	id := conv.UUID.String()
	v := postActionView{Page: c.s.page(r, "Vue d'ensemble"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub)}
	v.Title = v.H.Title + " — vue d'ensemble"
	if conv.NomFichierSigne != "" {
		v.SignedURL, v.SignedName = "/conventions/display_pdf/"+id, conv.NomFichierSigne
	}
	v.SignedDate = fmtDateLong(conv.TeleversementSigneeLe)
	v.SignatureDateValue = isoDate(conv.TeleversementSigneeLe, c.today())
	canChange := access.Can(sub, access.ChangeConvention) && !sub.ReadOnly()
	v.CanEditSignature = canChange && conv.Statut.IsCompleted() && (sub.InstructeurSide() || sub.BailleurSide())
	if conv.NomFichierPublicationSPF != "" {
		v.PublicationURL = "/conventions/display_convention_publie/" + id
	}
	v.PublicationRef = conv.ReferenceSPF
	v.PublicationDate = fmtDateLong(conv.DatePublicationSPF)
	if conv.DateDenonciation != nil {
		v.DateDenonciation = fr.DateLong(*conv.DateDenonciation)
	}
	if conv.DateResiliation != nil {
		v.DateResiliation = fr.DateLong(*conv.DateResiliation)
	}

	allowed, err := convention.Allowed(ctx, q, sub, conv)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v.BackToInstruction = slices.Contains(allowed, convention.ActionBackToInstruction)
	v.SendToPublication = slices.Contains(allowed, convention.ActionSendToPublication)
	v.CancelPublication = slices.Contains(allowed, convention.ActionCancelPublication)
	v.BackToPublication = slices.Contains(allowed, convention.ActionBackToPublicationEnCours)

	root := conv
	if conv.IsAvenant() {
		if root, err = convention.LoadByID(ctx, q, conv.RootID()); err != nil {
			c.s.serverError(w, r, err)
			return
		}
	}
	v.RootUUID = root.UUID.String()
	ongoing, err := convention.OngoingAvenant(ctx, q, root.ID)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if ongoing != nil {
		v.OngoingURL = recapURL(ongoing.UUID.String())
	}
	canAdd := access.Can(sub, access.AddConvention) && !sub.ReadOnly()
	v.CanCreateAvenant = canAdd && ongoing == nil && root.Statut.IsCompleted()
	v.CanEnd = v.CanCreateAvenant
	if v.CanCreateAvenant {
		rows, err := q.Query(ctx, `SELECT nom FROM conventions_avenanttype WHERE nom NOT IN ('denonciation', 'resiliation') ORDER BY id`)
		if err != nil {
			c.s.serverError(w, r, err)
			return
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			c.s.serverError(w, r, err)
			return
		}
		for _, n := range names {
			v.AvenantTypes = append(v.AvenantTypes, option{Value: n, Label: label(programme.AvenantTypes, n)})
		}
	}

	rows, err := q.Query(ctx, `SELECT a.uuid, COALESCE(a.numero, ''), a.statut, a.televersement_convention_signee_le,
		COALESCE((SELECT array_agg(t.nom ORDER BY t.id) FROM conventions_convention_avenant_types cat
		          JOIN conventions_avenanttype t ON t.id = cat.avenanttype_id WHERE cat.convention_id = a.id), '{}')
		FROM conventions_convention a WHERE a.parent_id = $1
		ORDER BY a.televersement_convention_signee_le NULLS LAST, a.cree_le, a.id`, root.ID)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	defer rows.Close()
	for rows.Next() {
		var u uuid.UUID
		var numero, statut string
		var signee *time.Time
		var types []string
		if err := rows.Scan(&u, &numero, &statut, &signee, &types); err != nil {
			c.s.serverError(w, r, err)
			return
		}
		st := convention.Statut(statut)
		var labels []string
		for _, t := range types {
			labels = append(labels, label(programme.AvenantTypes, t))
		}
		row := avenantRow{URL: conventionURL(st, u.String()), Numero: numeroOr(numero, "en cours"), Statut: st.NeutralLabel(),
			BadgeClass: badgeClass(st), Types: strings.Join(labels, ", "), SigneeLe: fmtDate(signee)}
		switch {
		case slices.Contains(types, convention.TypeDenonciation):
			v.Denonciations = append(v.Denonciations, row)
		case slices.Contains(types, convention.TypeResiliation):
			v.Resiliations = append(v.Resiliations, row)
		default:
			v.Avenants = append(v.Avenants, row)
		}
	}
	if err := rows.Err(); err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.s.render(w, r, http.StatusOK, "convention_post_action", v)
}

// postActionPost changes the signature date of a signed convention.
func (c *conventions) postActionPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := postActionURL(cr.UUID)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "formulaire illisible", http.StatusBadRequest)
		return
	}
	date, ok := c.formDate(w, r, "televersement_convention_signee_le", convention.MsgSignatureDateMissing, back)
	if !ok {
		return
	}
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.SetSignatureDate(ctx, tx, sub, id, date); return })
	if c.outcome(w, r, err, back) {
		c.done(w, r, back, res.Flash)
	}
}

// journalView is the statut history of a convention.
type journalView struct {
	Page
	H       conventionHeader
	History []historyRow
}

func (c *conventions) journal(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	conv, err := c.conventionFor(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	hist, err := convention.History(ctx, c.s.opts.DB, conv.ID)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v := journalView{Page: c.s.page(r, "Historique"), H: header(conv, sub)}
	for _, h := range hist {
		v.History = append(v.History, historyRow{Date: fr.DateTime(h.CreeLe), From: h.StatutPrecedent.NeutralLabel(),
			To: h.Statut.NeutralLabel(), User: orDash(h.UserName), Comment: h.Commentaire})
	}
	c.s.render(w, r, http.StatusOK, "convention_journal", v)
}
