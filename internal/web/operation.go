package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/operation"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

// operationView is /operations/<numero>: the programme of the operation,
// its lots and their conventions, as far as the user sees them. For a
// CERBERE user, an operation known only to SIAP is shown with the
// conventions its import would create (SIAP); the button then imports it
// (spec workflows §2.1). Local accounts create the missing conventions of
// a local operation (one per financement without an active convention).
type operationView struct {
	Page
	Flashes     []flash
	Numero      string
	Programmes  []operationProgramme
	Conventions []operationConvention
	SIAP        *operationPreview
	CanCreate   bool
	CreateURL   string
}

// operationPreview is a SIAP operation not yet in APiLos.
type operationPreview struct {
	Nom, Bailleur, Commune, Nature string
	Lots                           []operationPreviewLot
}

type operationPreviewLot struct {
	Financement, TypeHabitat, Logements string
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
		if v.SIAP = c.siapPreview(r, sub, numero); v.SIAP == nil {
			c.s.addFlash(ctx, flashError, convention.MsgOperationNotFound)
			http.Redirect(w, r, "/conventions/recherche?search_numero="+url.QueryEscape(numero), http.StatusFound)
			return
		}
	}
	v.CanCreate = convention.MayCreateConventions(sub)
	c.s.render(w, r, http.StatusOK, "operation", v)
}

// siapOf returns the SIAP client and the session's habilitation of a
// CERBERE user (nil for a local account, or without CERBERE).
func (c *conventions) siapOf(sub *access.Subject) (siap.Client, int64) {
	o := c.s.opts.Cerbere
	if o == nil || o.Habilitations == nil || o.Habilitations.SIAP == nil || sub.CerbereLogin == "" || sub.Role == nil || sub.Role.HabilitationID == 0 {
		return nil, 0
	}
	return o.Habilitations.SIAP, sub.Role.HabilitationID
}

// siapPreview is the SIAP operation numero as the user's import would
// create it, or nil (with the reason as a flash) when SIAP does not have
// it or the user may not import it.
func (c *conventions) siapPreview(r *http.Request, sub *access.Subject, numero string) *operationPreview {
	ctx := r.Context()
	client, hab := c.siapOf(sub)
	if client == nil {
		return nil
	}
	op, err := operation.Fetch(ctx, client, sub.CerbereLogin, hab, numero)
	var p *operation.Preview
	if err == nil {
		p, err = operation.PreviewImport(ctx, c.s.opts.DB, sub, op)
	}
	if err != nil {
		c.siapRefusal(r, err, numero)
		return nil
	}
	v := &operationPreview{Nom: p.Nom, Bailleur: p.Bailleur, Commune: strings.TrimSpace(p.CodePostal + " " + p.Commune),
		Nature: search.Label(search.NaturesLogement, p.NatureLogement)}
	for _, l := range p.Lots {
		v.Lots = append(v.Lots, operationPreviewLot{Financement: search.Label(search.Financements, l.Financement),
			TypeHabitat: label(programme.TypesHabitat, l.TypeHabitat), Logements: fmtInt(&l.NbLogements)})
	}
	return v
}

// siapRefusal flashes why a SIAP operation cannot be shown or imported:
// SIAP's own French message, the notice of an operation SIAP does not
// know, or nothing for an operation outside the user's scope (the page
// then says no programme was found, as for any invisible operation).
// Other errors are logged and flashed as a SIAP failure.
func (c *conventions) siapRefusal(r *http.Request, err error, numero string) {
	ctx := r.Context()
	if e, ok := siap.AsError(err); ok {
		LoggerFrom(ctx, c.s.log).Info("opération SIAP non importée", "numero", numero, "err", err)
		if e.Kind == siap.KindNotFound {
			c.s.addFlash(ctx, flashInfo, operation.MsgNotInSIAP(numero))
			return
		}
		c.s.addFlash(ctx, flashError, e.Message)
		return
	}
	if errors.Is(err, operation.ErrNotFound) || errors.Is(err, operation.ErrForbidden) {
		return
	}
	LoggerFrom(ctx, c.s.log).Error("opération SIAP non importée", "numero", numero, "err", err)
	c.s.addFlash(ctx, flashError, siap.MsgAPIError)
}

// operationCreate creates, in one transaction, the conventions missing
// from the operation: for a CERBERE user, those of the operation read
// from SIAP (imported with its programme, bailleur and administration);
// for a local account, or when SIAP does not know the number, one per
// local financement without an active convention.
func (c *conventions) operationCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	numero := strings.TrimSpace(r.PathValue("numero"))
	back := "/operations/" + numero
	notInSIAP := false
	if client, hab := c.siapOf(sub); client != nil {
		op, err := operation.Fetch(ctx, client, sub.CerbereLogin, hab, numero)
		if e, ok := siap.AsError(err); !ok || e.Kind != siap.KindNotFound {
			c.importOperation(w, r, numero, op, err)
			return
		}
		notInSIAP = true
	}
	var res *convention.MissingResult
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = convention.CreateMissingConventions(ctx, tx, sub, convention.NumeroPourRecherche(numero))
		return
	})
	if !c.outcome(w, r, err, back) {
		return
	}
	if notInSIAP {
		c.s.addFlash(ctx, flashInfo, operation.MsgNotInSIAP(numero))
	}
	for _, warn := range res.Warnings {
		c.s.addFlash(ctx, flashInfo, warn)
	}
	c.done(w, r, back, createdMessage(len(res.Created)))
}

// importOperation imports the SIAP operation op (fetched with error
// fetchErr) in one transaction. Out of the user's scope: 404, nothing
// created; refused by SIAP or unusable: back with the French reason.
func (c *conventions) importOperation(w http.ResponseWriter, r *http.Request, numero string, op siap.Operation, fetchErr error) {
	ctx := r.Context()
	back := "/operations/" + numero
	err := fetchErr
	var res operation.Imported
	if err == nil {
		err = c.tx(ctx, func(tx pgx.Tx) (err error) {
			res, err = operation.Import(ctx, tx, access.FromContext(ctx), op)
			return
		})
	}
	switch {
	case err == nil:
		c.done(w, r, back, createdMessage(len(res.Created)))
	case errors.Is(err, operation.ErrNotFound):
		c.s.notFound(w, r)
	case errors.Is(err, operation.ErrForbidden):
		c.s.addFlash(ctx, flashError, operation.ErrForbidden.Error())
		http.Redirect(w, r, back, http.StatusSeeOther)
	default:
		if _, ok := siap.AsError(err); !ok {
			c.s.serverError(w, r, err)
			return
		}
		c.siapRefusal(r, err, numero)
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// createdMessage is the outcome of a creation of n conventions.
func createdMessage(n int) string {
	switch n {
	case 0:
		return "Chaque financement de l'opération a déjà sa convention : rien n'a été créé."
	case 1:
		return "1 convention a été créée."
	}
	return fr.Int(int64(n)) + " conventions ont été créées."
}
