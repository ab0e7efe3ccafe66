package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// recapView is the récapitulatif (/conventions/recapitulatif/<uuid>):
// every section of the convention, the open comments, the history and
// the actions the user may take now.
type recapView struct {
	Page
	Flashes  []flash
	H        conventionHeader
	Banner   string // PROJET notice or signed line
	Sections []recapSection
	Lots     []lotView
	Cadastre []cadastreRow
	// CadastreComment is the widget of the cadastral table.
	CadastreComment commentField
	OpenComments    comment.Summary
	OpenRows        []openCommentRow
	ShowOpen        bool
	History         []historyRow
	Actions         recapActions
	AvenantTypes    []avenantTypeToggle
	// ConfirmUncheck is the avenant type awaiting confirmation of its
	// removal ("" when none).
	ConfirmUncheck      string
	ConfirmUncheckLabel string
}

type recapSection struct {
	ID     string
	Title  string
	Fields []recapField
	Step   programme.Step
	// EditURL is the step page of the section ("" when not editable now).
	EditURL string
}

type recapField struct {
	Label   string
	Value   string
	Comment commentField
}

type lotView struct {
	UUID          string
	Financement   string
	TypeHabitat   string
	NbLogements   string
	Fields        []recapField
	Logements     []logementRow
	Totals        logementRow
	Annexes       []annexeRow
	Stationnement []stationnementRow
	Locaux        []localRow
	Prets         []pretRow
	LogComment    commentField
	AnnexeComment commentField
	StatComment   commentField
	LocalComment  commentField
	PretComment   commentField
	// Edit links the steps that change the lot's tables, when editable.
	Edit []stepItem
}

type logementRow struct {
	Designation, Typologie, SH, SA, SAR, SU, LoyerM2, Coef, Loyer string
}

type annexeRow struct{ Logement, Typologie, Surface, LoyerM2, Loyer string }
type stationnementRow struct{ Typologie, Nombre, Loyer string }
type localRow struct{ Type, Surface, Nombre string }
type pretRow struct{ Preteur, DateOctroi, Numero, Duree, Montant string }
type cadastreRow struct{ Section, Numero, Lieudit, Surface string }

type openCommentRow struct{ Label, Message, Author, Date, Anchor string }

type historyRow struct{ Date, From, To, User, Comment string }

// recapActions are the action blocks of the récapitulatif; each one is
// shown only when the domain says the user may take it now.
type recapActions struct {
	Submit               bool
	SubmitDisabledReason string
	RequestCorrections   bool
	CorrectionsLabel     string
	Resubmit             bool
	ResubmitLabel        string
	Validate             bool
	ValidateError        string // a precondition refusal to show beside the form
	ProposedNumero       string
	NumeroHint           string
	ValidateDenonciation bool
	ValidateResiliation  bool
	ResiliationError     string
	BackToInstruction    bool
	Sign                 bool // link to the signed-document deposit
	Cancel               bool
	Reactivate           bool
	Delete               bool
	Type1and2            *type1and2Form
}

type type1and2Form struct {
	Value    string
	Editable bool
}

type avenantTypeToggle struct {
	Nom, Label, Desc string
	Checked          bool
	Editable         bool
}

// conventionFor loads the convention of the route.
func (c *conventions) conventionFor(r *http.Request) (*convention.Convention, error) {
	_, id := ref(r)
	return convention.Load(r.Context(), c.s.opts.DB, id)
}

// capability loads the convention of the route and what the user may do
// to it now: computed once per request, read by the whole page.
func (c *conventions) capability(r *http.Request) (*convention.Capability, error) {
	ctx := r.Context()
	_, id := ref(r)
	conv, err := convention.Load(ctx, c.s.opts.DB, id)
	if err != nil {
		return nil, err
	}
	return convention.Capabilities(ctx, c.s.opts.DB, access.FromContext(ctx), conv)
}

func (c *conventions) recap(w http.ResponseWriter, r *http.Request) {
	v, err := c.buildRecap(r, r.URL.Query().Get("confirmer_retrait"))
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.s.render(w, r, http.StatusOK, "convention_recap", v)
}

// buildRecap reads the convention and prepares the page.
func (c *conventions) buildRecap(r *http.Request, confirm string) (*recapView, error) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	k, err := c.capability(r)
	if err != nil {
		return nil, err
	}
	conv := k.Convention
	q := c.s.opts.DB
	id := conv.UUID.String()
	v := &recapView{Page: c.s.page(r, "Récapitulatif"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub)}
	if err := c.withOperationLink(ctx, conv, sub, &v.H); err != nil {
		return nil, err
	}
	v.Title = v.H.Title + " — récapitulatif"
	ix, err := newCommentIndex(ctx, q, k, recapURL(id))
	if err != nil {
		return nil, err
	}
	if err := c.loadSections(ctx, k, ix, v); err != nil {
		return nil, err
	}
	switch {
	case conv.Statut == convention.Projet:
		// Promise a change only to who may make it now.
		v.Banner = "Le document n'est pas encore soumis à l'instruction."
		if k.Editable() {
			v.Banner += " Vous pouvez encore le modifier."
		}
	case conv.Statut.IsCompleted() && conv.TeleversementSigneeLe != nil:
		v.Banner = fmt.Sprintf("%s %s signé%s le %s.", strings.ToUpper(conv.Kind()[:1])+conv.Kind()[1:],
			numeroOr(conv.Numero, ""), accordOf(conv), fr.DateLong(*conv.TeleversementSigneeLe))
	}
	if conv.Statut.InInstruction() {
		v.ShowOpen = true
		if v.OpenComments, err = comment.OpenSummary(ctx, q, conv.ID); err != nil {
			return nil, err
		}
		for _, cm := range v.OpenComments.Comments {
			v.OpenRows = append(v.OpenRows, openCommentRow{Label: cm.Label(), Message: cm.Message, Author: cm.UserName,
				Date: fr.DateTime(cm.CreeLe), Anchor: "#commentaire-" + cm.Key.String()})
		}
	}
	hist, err := convention.History(ctx, q, conv.ID)
	if err != nil {
		return nil, err
	}
	for _, h := range hist {
		v.History = append(v.History, historyRow{Date: fr.DateTime(h.CreeLe), From: v.H.statutLabel(h.StatutPrecedent),
			To: v.H.statutLabel(h.Statut), User: orDash(h.UserName), Comment: h.Commentaire})
	}
	if err := c.recapActions(ctx, k, v); err != nil {
		return nil, err
	}
	// A dénonciation or a résiliation has its one fixed type: no toggles.
	if conv.Kind() == "avenant" {
		if err := c.avenantToggles(ctx, k, v); err != nil {
			return nil, err
		}
		if confirm != "" && conv.HasType(confirm) {
			v.ConfirmUncheck, v.ConfirmUncheckLabel = confirm, label(programme.AvenantTypes, confirm)
		}
	}
	return v, nil
}

func accordOf(c *convention.Convention) string { return convention.Accord(c.Kind()) }

// recapActions shows the action blocks the capability allows, and why a
// shown but blocked action is not possible yet.
func (c *conventions) recapActions(ctx context.Context, k *convention.Capability, v *recapView) error {
	conv := k.Convention
	// precondition is the reason an action otherwise open to the user is
	// blocked ("" when allowed or refused for the statut or the role).
	precondition := func(act convention.Action) string {
		if ref := k.Refusal(act); ref != nil && ref.Reason == convention.ReasonPrecondition {
			return ref.Message
		}
		return ""
	}
	a := &v.Actions
	a.Submit = k.Can(convention.ActionSubmit)
	a.SubmitDisabledReason = precondition(convention.ActionSubmit)
	a.RequestCorrections = k.Can(convention.ActionRequestCorrections)
	a.CorrectionsLabel = "Demander des corrections au bailleur"
	if conv.Statut == convention.Correction {
		a.CorrectionsLabel = "Notifier le bailleur"
	}
	a.Resubmit = k.Can(convention.ActionResubmit)
	a.ResubmitLabel = "Renvoyer à l'instruction"
	if conv.Statut == convention.Instruction {
		a.ResubmitLabel = "Notifier l'instructeur"
	}
	a.Validate = k.Can(convention.ActionValidate)
	if !conv.IsDenonciation() && !conv.IsResiliation() {
		// A dénonciation or résiliation shows its own validation instead.
		a.ValidateError = precondition(convention.ActionValidate)
	}
	if a.Validate {
		var err error
		if a.ProposedNumero, err = convention.ProposeNumero(ctx, c.s.opts.DB, conv); err != nil {
			return err
		}
		if conv.IsAvenant() {
			a.NumeroHint = "Numéro proposé : le rang de cet avenant parmi les avenants validés de la convention."
		} else {
			a.NumeroHint = "Numéro proposé : département, administration, année et numéro d'ordre des conventions validées cette année."
		}
	}
	a.ValidateDenonciation = k.Can(convention.ActionValidateDenonciation)
	a.ValidateResiliation = k.Can(convention.ActionValidateResiliation)
	if conv.IsResiliation() {
		a.ResiliationError = precondition(convention.ActionValidateResiliation)
	}
	a.BackToInstruction = k.Can(convention.ActionBackToInstruction)
	a.Sign = k.Can(convention.ActionSign)
	a.Cancel = k.Can(convention.ActionCancel)
	a.Reactivate = k.Can(convention.ActionReactivate)
	a.Delete = k.Can(convention.ActionDelete)
	if conv.NeedsType1and2() {
		a.Type1and2 = &type1and2Form{Value: conv.Type1and2, Editable: k.Can(convention.ActionSetType1and2)}
	}
	return nil
}

// avenantToggles lists the avenant types with their state.
func (c *conventions) avenantToggles(ctx context.Context, k *convention.Capability, v *recapView) error {
	types, err := convention.ListAvenantTypes(ctx, c.s.opts.DB)
	if err != nil {
		return err
	}
	for _, t := range types {
		v.AvenantTypes = append(v.AvenantTypes, avenantTypeToggle{Nom: t.Nom, Desc: t.Desc, Label: label(programme.AvenantTypes, t.Nom),
			Checked: k.Convention.HasType(t.Nom), Editable: k.CanChangeAvenantType(t.Nom)})
	}
	return nil
}

// recapPost handles the récapitulatif's own forms: cancel (T11),
// reactivate (T12), the Type I/II choice, and the first step of removing
// an avenant type (confirmation).
func (c *conventions) recapPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID)
	switch {
	case r.PostForm.Has("cancel_convention"):
		var res *convention.Result
		err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.Cancel(ctx, tx, sub, id); return })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, capitalFirst(kindArticle(res.Convention))+" a été annulé"+accordOf(res.Convention)+".")
		}
	case r.PostForm.Has("reactive_convention"):
		var res *convention.Result
		err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.Reactivate(ctx, tx, sub, id); return })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, capitalFirst(kindArticle(res.Convention))+" a été réactivé"+accordOf(res.Convention)+" : statut « En projet ».")
		}
	case r.PostForm.Has("uncheck_avenant_type"):
		http.Redirect(w, r, back+"?confirmer_retrait="+url.QueryEscape(r.PostForm.Get("uncheck_avenant_type"))+"#types-avenant", http.StatusSeeOther)
	case r.PostForm.Has("type1and2"):
		err := c.tx(ctx, func(tx pgx.Tx) error { return convention.SetType1and2(ctx, tx, sub, id, type1and2Of(r)) })
		if c.outcome(w, r, err, back) {
			c.done(w, r, back, "Le type de convention a été enregistré.")
		}
	default:
		c.s.addFlash(ctx, flashError, "Action inconnue : rechargez la page et recommencez.")
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// type1and2Form reads the Type I / Type II form.
func type1and2Of(r *http.Request) convention.Type1and2 {
	t := convention.Type1and2{Value: r.PostForm.Get("type1and2")}
	for i := range t.Options {
		t.Options[i] = r.PostForm.Has(fmt.Sprintf("type2_lgts_concernes_option%d", i+1))
	}
	return t
}

// kindArticle is "la convention", "l'avenant"...
func kindArticle(c *convention.Convention) string {
	if c == nil {
		return "la convention"
	}
	switch c.Kind() {
	case "avenant":
		return "l'avenant"
	case "dénonciation":
		return "la dénonciation"
	case "résiliation":
		return "la résiliation"
	}
	return "la convention"
}

func capitalFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
