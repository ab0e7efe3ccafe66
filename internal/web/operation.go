package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// operationView is /operations/<numero>: the programme of the operation,
// its lots and their conventions, as far as the user sees them. The
// SIAP-driven creation comes later; here the missing conventions of a
// local operation can be created (one per financement without an active
// convention).
type operationView struct {
	Page
	Flashes     []flash
	Numero      string
	Programmes  []operationProgramme
	Conventions []operationConvention
	CanCreate   bool
	CreateURL   string
}

type operationProgramme struct {
	Nom, Bailleur, Commune, Nature, Administration string
}

type operationConvention struct {
	URL, Numero, Statut, BadgeClass, Financement, Logements, TypeHabitat, CreeLe string
	IsAvenant                                                                    bool
}

func (c *conventions) operation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	numero := strings.TrimSpace(r.PathValue("numero"))
	key := convention.NumeroPourRecherche(numero)
	v := operationView{Page: c.s.page(r, "Opération "+numero), Flashes: c.s.popFlashes(ctx), Numero: numero,
		CreateURL: "/operations/" + numero}

	op, err := convention.ReadOperation(ctx, c.s.opts.DB, sub, key)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	for _, p := range op.Programmes {
		v.Programmes = append(v.Programmes, operationProgramme{Nom: p.Nom, Bailleur: p.Bailleur, Commune: p.Commune,
			Nature: search.Label(search.NaturesLogement, p.NatureLogement), Administration: p.Administration})
	}
	// One line per lot, newest first (the reference's list, spec §2.1
	// step 6).
	for _, l := range op.Lines {
		title := numeroOr(l.Numero, "sans numéro")
		if l.IsAvenant {
			title = "Avenant " + title
		}
		v.Conventions = append(v.Conventions, operationConvention{URL: conventionURL(l.Statut, l.UUID.String()), Numero: title,
			Statut: l.Statut.Label(convention.AudienceOf(sub), convention.Accord(rowKind(l.IsAvenant))), BadgeClass: l.Statut.BadgeClass(), Financement: search.Label(search.Financements, l.Financement),
			Logements: fmtInt(l.NbLogements), TypeHabitat: label(programme.TypesHabitat, l.TypeHabitat), CreeLe: fr.DateShort(l.CreeLe), IsAvenant: l.IsAvenant})
	}
	if len(v.Programmes) == 0 {
		c.s.addFlash(ctx, flashError, convention.MsgOperationNotFound)
		http.Redirect(w, r, "/conventions/recherche?search_numero="+url.QueryEscape(numero), http.StatusFound)
		return
	}
	v.CanCreate = convention.MayCreateConventions(sub)
	c.s.render(w, r, http.StatusOK, "operation", v)
}

// operationCreate creates, in one transaction, the conventions missing
// from the operation (one per financement without an active convention).
func (c *conventions) operationCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	numero := strings.TrimSpace(r.PathValue("numero"))
	back := "/operations/" + numero
	var res *convention.MissingResult
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = convention.CreateMissingConventions(ctx, tx, sub, convention.NumeroPourRecherche(numero))
		return
	})
	if !c.outcome(w, r, err, back) {
		return
	}
	for _, warn := range res.Warnings {
		c.s.addFlash(ctx, flashInfo, warn)
	}
	switch len(res.Created) {
	case 0:
		c.done(w, r, back, "Chaque financement de l'opération a déjà sa convention : rien n'a été créé.")
	case 1:
		c.done(w, r, back, "1 convention a été créée.")
	default:
		c.done(w, r, back, fr.Int(int64(len(res.Created)))+" conventions ont été créées.")
	}
}
