package web

import (
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/comment"
	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// validateConfirmView is the page asking an instructeur to confirm a
// validation while comments are still open (nothing changed yet).
type validateConfirmView struct {
	Page
	H        conventionHeader
	Question string
	Numero   string
	Rows     []openCommentRow
}

// confirmValidation lists the open comments and offers to validate
// anyway (the same POST with confirmer_commentaires_ouverts) or to go
// back to the récapitulatif.
func (c *conventions) confirmValidation(w http.ResponseWriter, r *http.Request, numero, question string) {
	ctx := r.Context()
	k, err := c.capability(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	conv := k.Convention
	sum, err := comment.OpenSummary(ctx, c.s.opts.DB, conv.ID)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v := validateConfirmView{Page: c.s.page(r, "Confirmer la validation"), H: header(conv, access.FromContext(ctx)),
		Question: question, Numero: numero}
	for _, cm := range sum.Comments {
		v.Rows = append(v.Rows, openCommentRow{Label: cm.Label(), Message: cm.Message, Author: cm.UserName,
			Date: fr.DateTime(cm.CreeLe), Anchor: recapURL(v.H.UUID) + "#commentaire-" + cm.Key.String()})
	}
	c.s.render(w, r, http.StatusOK, "convention_validate_confirm", v)
}
