package web

import (
	"net/http"
	"strings"

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
	k, err := c.capability(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	conv := k.Convention
	id := conv.UUID.String()
	v := postActionView{Page: c.s.page(r, "Vue d'ensemble"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub)}
	if err := c.withOperationLink(ctx, conv, sub, &v.H); err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v.Title = v.H.Title + " — vue d'ensemble"
	if conv.NomFichierSigne != "" {
		v.SignedURL, v.SignedName = "/conventions/display_pdf/"+id, conv.NomFichierSigne
	}
	v.SignedDate = fmtDateLong(conv.TeleversementSigneeLe)
	v.SignatureDateValue = isoDate(conv.TeleversementSigneeLe, c.today())
	v.CanEditSignature = k.Can(convention.ActionSetSignatureDate)
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
	v.BackToInstruction = k.Can(convention.ActionBackToInstruction)
	v.SendToPublication = k.Can(convention.ActionSendToPublication)
	v.CancelPublication = k.Can(convention.ActionCancelPublication)
	v.BackToPublication = k.Can(convention.ActionBackToPublicationEnCours)

	v.RootUUID = conv.RootUUID().String()
	if k.Ongoing != nil {
		v.OngoingURL = recapURL(k.Ongoing.UUID.String())
	}
	v.CanCreateAvenant = k.Can(convention.ActionCreateAvenant)
	v.CanEnd = v.CanCreateAvenant
	if v.CanCreateAvenant {
		types, err := convention.ListAvenantTypes(ctx, q)
		if err != nil {
			c.s.serverError(w, r, err)
			return
		}
		for _, t := range types {
			v.AvenantTypes = append(v.AvenantTypes, option{Value: t.Nom, Label: label(programme.AvenantTypes, t.Nom)})
		}
	}

	avenants, err := convention.Avenants(ctx, q, conv.RootID())
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	for _, a := range avenants {
		var labels []string
		for _, t := range a.Types {
			labels = append(labels, label(programme.AvenantTypes, t))
		}
		row := avenantRow{URL: conventionURL(a.Statut, a.UUID.String()), Numero: numeroOr(a.Numero, "en cours"),
			Statut: a.Statut.Label(v.H.Audience, convention.Accord(a.Kind())), BadgeClass: a.Statut.BadgeClass(), Types: strings.Join(labels, ", "), SigneeLe: fmtDate(a.SigneeLe)}
		switch {
		case a.IsDenonciation():
			v.Denonciations = append(v.Denonciations, row)
		case a.IsResiliation():
			v.Resiliations = append(v.Resiliations, row)
		default:
			v.Avenants = append(v.Avenants, row)
		}
	}
	c.s.render(w, r, http.StatusOK, "convention_post_action", v)
}

// postActionPost changes the signature date of a signed convention.
func (c *conventions) postActionPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := postActionURL(cr.UUID)
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
		v.History = append(v.History, historyRow{Date: fr.DateTime(h.CreeLe), From: v.H.statutLabel(h.StatutPrecedent),
			To: v.H.statutLabel(h.Statut), User: orDash(h.UserName), Comment: h.Commentaire})
	}
	c.s.render(w, r, http.StatusOK, "convention_journal", v)
}
