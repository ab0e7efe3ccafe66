package web

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The transitions of spec workflows §1 (T1–T15), at the reference's
// paths. Each handler only translates the form: the domain function
// locks the convention, checks statut, role and scope, writes the
// history row, all in one transaction; notifications are enqueued after
// the commit. A refusal changes nothing and comes back to the page as an
// error message (POST-redirect-GET); outside the scope it is a 404.

// save is POST /conventions/save/<uuid>: SubmitConvention (T1),
// BackToInstruction (T5), BackToSigned (T9), BackToPublicationEnCours
// (T10).
func (c *conventions) save(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID)
	var (
		op   func(pgx.Tx) (*convention.Result, error)
		to   string
		msg  string
		from = back
	)
	switch {
	case r.PostForm.Has("SubmitConvention"):
		op = func(tx pgx.Tx) (*convention.Result, error) {
			return convention.Submit(ctx, tx, sub, id, programme.Missing)
		}
		to, msg = back, "envoyée au service instructeur : son statut est maintenant « En instruction »."
	case r.PostForm.Has("BackToInstruction"):
		op = func(tx pgx.Tx) (*convention.Result, error) { return convention.BackToInstruction(ctx, tx, sub, id) }
		to, msg = back, "repassée en instruction."
		from = r.PostForm.Get("next")
	case r.PostForm.Has("BackToSigned"):
		op = func(tx pgx.Tx) (*convention.Result, error) { return convention.CancelPublication(ctx, tx, sub, id) }
		to, msg = postActionURL(cr.UUID), "retirée de la publication : son statut est de nouveau « Signée »."
		from = postActionURL(cr.UUID)
	case r.PostForm.Has("BackToPublicationEnCours"):
		op = func(tx pgx.Tx) (*convention.Result, error) {
			return convention.BackToPublicationEnCours(ctx, tx, sub, id)
		}
		to, msg = postActionURL(cr.UUID), "repassée en « Publication en cours »."
		from = postActionURL(cr.UUID)
	default:
		c.s.addFlash(ctx, flashError, "Action inconnue : rechargez la page et recommencez.")
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if from == "" || localNext(from) == "" {
		from = back
	}
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = op(tx); return })
	if !c.outcome(w, r, err, from) {
		return
	}
	c.enqueue(r, res.Events)
	c.done(w, r, to, capitalFirst(kindArticle(res.Convention))+" a été "+msg)
}

// feedback is POST /conventions/feedback/<uuid>: from an instructeur
// (from_instructeur=1) T2 "Demander des corrections" / "Notifier le
// bailleur"; from a bailleur T3 "Renvoyer à l'instruction" / "Notifier
// l'instructeur". The flag chooses the action, the domain checks the
// role (the reference trusted the flag).
func (c *conventions) feedback(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID)
	f := convention.Feedback{Comment: r.PostForm.Get("comment"), SendCopy: formBool(r.PostForm.Get("send_copy"))}
	fromInstructeur := formBool(r.PostForm.Get("from_instructeur"))
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		if fromInstructeur {
			res, err = convention.RequestCorrections(ctx, tx, sub, id, f)
		} else {
			res, err = convention.Resubmit(ctx, tx, sub, id, f)
		}
		return
	})
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueue(r, res.Events)
	msg := "Le bailleur a été notifié"
	if !fromInstructeur {
		msg = "Le service instructeur a été notifié"
	}
	if res.From != res.To && res.Convention != nil {
		msg += " : statut « " + res.Convention.StatutLabel(convention.AudienceOf(sub)) + " »"
	}
	c.done(w, r, back, msg+".")
}

// validate is POST /conventions/validate/<uuid> (T4) with the number
// (convention_numero).
func (c *conventions) validate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	back := recapURL(cr.UUID) + "#validation"
	in := convention.Validation{Numero: r.PostForm.Get("convention_numero"), ConfirmOpenComments: formBool(r.PostForm.Get("confirmer_commentaires_ouverts"))}
	var res *convention.Result
	var after document.AfterValidation
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		if res, err = convention.Validate(ctx, tx, sub, id, in); err != nil {
			return err
		}
		after, err = document.RequestAfterValidation(ctx, tx, res.Convention.ID, res.Events)
		return err
	})
	if ref, ok := convention.AsRefusal(err); ok && ref.Reason == convention.ReasonConfirm {
		c.confirmValidation(w, r, in.Numero, ref.Message)
		return
	}
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueue(r, after.Others)
	c.enqueueDocument(r, *after.Task, after.Then)
	c.done(w, r, sentURL(cr.UUID), capitalFirst(kindArticle(res.Convention))+" n° "+res.Convention.Numero+
		" a été validé"+accordOf(res.Convention)+" : le document va être envoyé au bailleur pour signature.")
}

// delete is POST /conventions/delete/<uuid> (T13).
func (c *conventions) delete(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = convention.Delete(ctx, tx, sub, id); return })
	if !c.outcome(w, r, err, recapURL(cr.UUID)) {
		return
	}
	c.done(w, r, "/conventions/recherche", res.Flash)
}

// denonciationValidate is T14, resiliationValidate T15.
func (c *conventions) denonciationValidate(w http.ResponseWriter, r *http.Request) {
	c.endFamily(w, r, convention.ValidateDenonciation, "La dénonciation a été validée : la convention et ses avenants sont dénoncés.")
}

func (c *conventions) resiliationValidate(w http.ResponseWriter, r *http.Request) {
	c.endFamily(w, r, convention.ValidateResiliation, "La résiliation a été validée : la convention et ses avenants sont résiliés.")
}

type endFn func(ctx context.Context, tx pgx.Tx, s *access.Subject, id uuid.UUID) (*convention.Result, error)

func (c *conventions) endFamily(w http.ResponseWriter, r *http.Request, fn endFn, msg string) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	cr, id := ref(r)
	var res *convention.Result
	err := c.tx(ctx, func(tx pgx.Tx) (err error) { res, err = fn(ctx, tx, sub, id); return })
	if !c.outcome(w, r, err, recapURL(cr.UUID)) {
		return
	}
	c.enqueue(r, res.Events)
	c.done(w, r, postActionURL(cr.UUID), msg)
}

// formBool reads a checkbox or flag: "1", "on", "true".
func formBool(v string) bool {
	switch v {
	case "1", "on", "true", "True", "oui":
		return true
	}
	return false
}
