package web

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Avenants (spec §2.4–2.8): creation from a signed convention (one in
// progress at a time), avenant types ticked and unticked from the
// récapitulatif, dénonciation and résiliation.

// avenantStepURL is where the user goes after ticking a type: the first
// form step of that block (the nature decides which), or the
// récapitulatif at the block for a type without a step.
func (c *conventions) avenantStepURL(ctx context.Context, convID int64, id, typeNom string) (string, error) {
	if typeNom == "" {
		return recapURL(id), nil
	}
	content, err := programme.Load(ctx, c.s.opts.DB, convID)
	if err != nil {
		return "", err
	}
	if s, ok := programme.AvenantTypeStep(content, typeNom); ok {
		return stepURL(s, true, id), nil
	}
	return recapURL(id) + "#type-" + typeNom, nil
}

// newAvenant is POST /conventions/new_avenant/<uuid>: with uuid=<avenant>
// ticks avenant_type on that avenant; otherwise creates an avenant of the
// convention (or returns the one in progress).
func (c *conventions) newAvenant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	typ := strings.TrimSpace(r.PostForm.Get("avenant_type"))
	back := postActionURL(cr.UUID)
	if cr.ParentID != 0 {
		back = recapURL(cr.UUID)
	}
	if av := r.PostForm.Get("uuid"); av != "" {
		avID, err := formUUID(av)
		if err != nil || avID.String() != cr.UUID {
			// Only the avenant of the route may be changed this way.
			c.s.notFound(w, r)
			return
		}
		err = c.tx(ctx, func(tx pgx.Tx) error { return convention.AddAvenantType(ctx, tx, sub, id, typ) })
		if !c.outcome(w, r, err, recapURL(cr.UUID)) {
			return
		}
		to, err := c.avenantStepURL(ctx, cr.ID, cr.UUID, typ)
		if err != nil {
			c.s.serverError(w, r, err)
			return
		}
		c.done(w, r, to, "Le type d'avenant « "+label(programme.AvenantTypes, typ)+" » a été ajouté.")
		return
	}
	var res *convention.AvenantResult
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.CreateAvenant(ctx, tx, sub, id, typ); return })
	if !c.outcome(w, r, err, back) {
		return
	}
	avID := res.Avenant.UUID.String()
	if !res.Created {
		c.s.addFlash(ctx, flashInfo, convention.MsgAvenantOngoing+" Vous le retrouvez ci-dessous.")
		http.Redirect(w, r, recapURL(avID), http.StatusSeeOther)
		return
	}
	msg := "L'avenant a été créé à partir de la dernière version de la convention."
	if typ != "" {
		msg = "L'avenant « " + label(programme.AvenantTypes, typ) + " » a été créé à partir de la dernière version de la convention."
	}
	to, err := c.avenantStepURL(ctx, res.Avenant.ID, avID, typ)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.done(w, r, to, msg)
}

// removeFromAvenant unticks a type and restores its fields from the
// previous version (after the confirmation of the récapitulatif).
func (c *conventions) removeFromAvenant(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID)
	typ := r.PostForm.Get("avenant_type")
	err := c.tx(ctx, func(tx pgx.Tx) error { return convention.RemoveAvenantType(ctx, tx, sub, id, typ) })
	if c.outcome(w, r, err, back) {
		c.done(w, r, back+"#types-avenant", "Le type d'avenant « "+label(programme.AvenantTypes, typ)+
			" » a été retiré : ses champs ont repris les valeurs de la version précédente.")
	}
}

func (c *conventions) denonciationStart(w http.ResponseWriter, r *http.Request) {
	c.endStart(w, r, convention.TypeDenonciation, "/conventions/denonciation/")
}

func (c *conventions) resiliationStart(w http.ResponseWriter, r *http.Request) {
	c.endStart(w, r, convention.TypeResiliation, "/conventions/resiliation/")
}

// endStart creates the dénonciation or résiliation avenant and opens its
// form. While another avenant is in progress nothing is created (the
// reference crashed here).
func (c *conventions) endStart(w http.ResponseWriter, r *http.Request, typ, form string) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	var res *convention.AvenantResult
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.CreateAvenant(ctx, tx, sub, id, typ); return })
	if !c.outcome(w, r, err, postActionURL(cr.UUID)) {
		return
	}
	if !res.Created {
		c.s.addFlash(ctx, flashError, convention.MsgAvenantOngoing+" Terminez-le ou annulez-le avant de continuer.")
		http.Redirect(w, r, recapURL(res.Avenant.UUID.String()), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, form+res.Avenant.UUID.String(), http.StatusSeeOther)
}

// endFormView is the form of a dénonciation or résiliation avenant.
type endFormView struct {
	Page
	Flashes     []flash
	H           conventionHeader
	Resiliation bool
	Action      string
	Date        string
	Motif       string
	Acte        string
	Editable    bool
}

func (c *conventions) endForm(w http.ResponseWriter, r *http.Request, resiliation bool) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	k, err := c.capability(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	conv := k.Convention
	if (resiliation && !conv.IsResiliation()) || (!resiliation && !conv.IsDenonciation()) {
		c.s.notFound(w, r)
		return
	}
	e, err := convention.LoadEnding(ctx, c.s.opts.DB, conv)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v := endFormView{Page: c.s.page(r, "Dénonciation"), Flashes: c.s.popFlashes(ctx), H: header(conv, sub), Resiliation: resiliation,
		Motif: e.Motif, Acte: textOf(e.Acte), Editable: k.Can(convention.ActionEditAvenant)}
	if e.Date != nil {
		v.Date = e.Date.Format(time.DateOnly)
	}
	v.Action = "/conventions/denonciation/" + conv.UUID.String()
	if resiliation {
		v.Title = "Résiliation"
		v.Action = "/conventions/resiliation/" + conv.UUID.String()
	}
	c.s.render(w, r, http.StatusOK, "convention_end", v)
}

func (c *conventions) denonciation(w http.ResponseWriter, r *http.Request) { c.endForm(w, r, false) }
func (c *conventions) resiliation(w http.ResponseWriter, r *http.Request)  { c.endForm(w, r, true) }

// acteJSON stores a typed acte as the reference's text + files JSON.
func acteJSON(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	b, _ := json.Marshal(map[string]any{"text": text, "files": map[string]any{}})
	return string(b)
}

func (c *conventions) denonciationPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := "/conventions/denonciation/" + cr.UUID
	date, ok := c.formDate(w, r, "date_denonciation", convention.MsgDenonciationDateMissing, back)
	if !ok {
		return
	}
	err := c.tx(ctx, func(tx pgx.Tx) error {
		_, err := convention.SaveDenonciation(ctx, tx, sub, id, convention.Denonciation{Date: date,
			Motif: r.PostForm.Get("motif_denonciation"), Fichier: acteJSON(r.PostForm.Get("fichier_instruction_denonciation"))})
		return err
	})
	if c.outcome(w, r, err, back) {
		c.done(w, r, recapURL(cr.UUID), "La dénonciation a été enregistrée.")
	}
}

func (c *conventions) resiliationPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := "/conventions/resiliation/" + cr.UUID
	date, ok := c.formDate(w, r, "date_resiliation", convention.MsgResiliationDateMissing, back)
	if !ok {
		return
	}
	err := c.tx(ctx, func(tx pgx.Tx) error {
		_, err := convention.SaveResiliation(ctx, tx, sub, id, convention.Resiliation{Date: date,
			Motif: r.PostForm.Get("motif_resiliation"), Acte: acteJSON(r.PostForm.Get("fichier_instruction_resiliation"))})
		return err
	})
	if c.outcome(w, r, err, back) {
		c.done(w, r, recapURL(cr.UUID), "La résiliation a été enregistrée.")
	}
}
