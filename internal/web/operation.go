package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
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
	q := c.s.opts.DB
	v := operationView{Page: c.s.page(r, "Opération "+numero), Flashes: c.s.popFlashes(ctx), Numero: numero,
		CreateURL: "/operations/" + numero}

	var a access.Args
	rows, err := q.Query(ctx, `SELECT p.nom, b.nom, p.code_postal || ' ' || p.ville, p.nature_logement, COALESCE(ad.nom, '')
		FROM programmes_programme p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		LEFT JOIN instructeurs_administration ad ON ad.id = p.administration_id
		WHERE p.parent_id IS NULL AND p.numero_operation_pour_recherche = `+a.Add(key)+` AND `+access.ProgrammeScope(sub, &a)+`
		ORDER BY p.id`, a.Values()...)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	for rows.Next() {
		var p operationProgramme
		if err := rows.Scan(&p.Nom, &p.Bailleur, &p.Commune, &p.Nature, &p.Administration); err != nil {
			rows.Close()
			c.s.serverError(w, r, err)
			return
		}
		p.Nature = search.Label(search.NaturesLogement, p.Nature)
		v.Programmes = append(v.Programmes, p)
	}
	if err := rows.Err(); err != nil {
		c.s.serverError(w, r, err)
		return
	}

	// Conventions of the operation the user sees, one line per lot,
	// newest first (the reference's list, spec §2.1 step 6).
	var b access.Args
	rows, err = q.Query(ctx, `SELECT c.uuid, COALESCE(c.numero, ''), c.statut, c.parent_id IS NOT NULL, c.cree_le,
			COALESCE(l.financement, ''), l.nb_logements::int8, COALESCE(l.type_habitat, '')
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		LEFT JOIN programmes_lot l ON l.convention_id = c.id
		WHERE p.numero_operation_pour_recherche = `+b.Add(key)+` AND `+access.ConventionScope(sub, &b)+`
		ORDER BY c.cree_le DESC, c.id DESC, l.id LIMIT 200`, b.Values()...)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	for rows.Next() {
		var (
			u                uuid.UUID
			num, st, fin, th string
			isAv             bool
			cree             time.Time
			nb               *int64
		)
		if err := rows.Scan(&u, &num, &st, &isAv, &cree, &fin, &nb, &th); err != nil {
			rows.Close()
			c.s.serverError(w, r, err)
			return
		}
		s := convention.Statut(st)
		title := numeroOr(num, "sans numéro")
		if isAv {
			title = "Avenant " + title
		}
		v.Conventions = append(v.Conventions, operationConvention{URL: conventionURL(s, u.String()), Numero: title,
			Statut: s.NeutralLabel(), BadgeClass: badgeClass(s), Financement: search.Label(search.Financements, fin),
			Logements: fmtInt(nb), TypeHabitat: label(programme.TypesHabitat, th), CreeLe: fr.DateShort(cree), IsAvenant: isAv})
	}
	if err := rows.Err(); err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if len(v.Programmes) == 0 {
		c.s.addFlash(ctx, flashError, convention.MsgOperationNotFound)
		http.Redirect(w, r, "/conventions/recherche?search_numero="+url.QueryEscape(numero), http.StatusFound)
		return
	}
	v.CanCreate = access.Can(sub, access.AddConvention) && !sub.ReadOnly()
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
