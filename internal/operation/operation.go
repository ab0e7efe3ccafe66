// Package operation is the opération (SIAP's word for a programme) as
// SIAP sees it through the API (spec access-api-ops §2.4, §3.5–§3.7):
// the operation with its conventions, the closing summary, the
// cancellation, and the import of a SIAP operation payload into a
// programme with one convention per financement.
//
// Unlike the reference, every function checks the subject's scope: an
// operation none of whose programmes or conventions the subject sees does
// not exist for it (ErrNotFound), and only what the subject sees is
// listed.
package operation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// Querier is what the read functions need (a pool or a transaction).
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Refusals, in French (the API answers them with their status).
var (
	// ErrNotFound: no programme or convention of that number is visible.
	ErrNotFound = errors.New("Aucune opération de ce numéro n'est visible avec cette habilitation.")
	// ErrForbidden: the habilitation may not change conventions.
	ErrForbidden = errors.New("Votre habilitation ne permet pas de modifier les conventions de cette opération.")
)

// MaxNumeroLen is the size of programmes_programme.numero_operation.
const MaxNumeroLen = 255

// Version is one programme of the operation (the operation_version of a
// convention, and the top-level fields of an Operation).
type Version struct {
	Nom                      string  `json:"nom"`
	CodePostal               string  `json:"code_postal"`
	Ville                    string  `json:"ville"`
	Adresse                  string  `json:"adresse"`
	NumeroOperation          string  `json:"numero_operation"`
	Zone123                  *string `json:"zone_123"`
	ZoneABC                  *string `json:"zone_abc"`
	TypeOperation            string  `json:"type_operation"`
	ANRU                     bool    `json:"anru"`
	DateAchevementPrevisible *string `json:"date_achevement_previsible"`
	DateAchat                *string `json:"date_achat"`
	DateAchevement           *string `json:"date_achevement"`
}

// Bailleur is the operation's bailleur.
type Bailleur struct {
	Nom                string   `json:"nom"`
	Siren              string   `json:"siren"`
	Siret              string   `json:"siret"`
	Adresse            *string  `json:"adresse"`
	CodePostal         *string  `json:"code_postal"`
	Ville              *string  `json:"ville"`
	CapitalSocial      *float64 `json:"capital_social"`
	SousNatureBailleur string   `json:"sous_nature_bailleur"`
}

// Administration is the operation's instructing administration.
type Administration struct {
	Nom            string  `json:"nom"`
	Code           string  `json:"code"`
	VilleSignature *string `json:"ville_signature"`
}

// Convention is one convention of the operation. Decimals are strings
// with the column's scale ("50.00"), as the reference serialises them.
type Convention struct {
	DateFinConventionnement *string  `json:"date_fin_conventionnement"`
	FondPropre              *float64 `json:"fond_propre"`
	Lots                    []Lot    `json:"lots"`
	OperationVersion        Version  `json:"operation_version"`
	Numero                  *string  `json:"numero"`
	Statut                  string   `json:"statut"`
	// financement of the first lot and creation order, for Closing.
	financement string
}

// Lot is a lot with its loans, dwellings and parkings.
type Lot struct {
	NbLogements        *int64              `json:"nb_logements"`
	Financement        string              `json:"financement"`
	TypeHabitat        string              `json:"type_habitat"`
	Prets              []Pret              `json:"prets"`
	Logements          []Logement          `json:"logements"`
	TypeStationnements []TypeStationnement `json:"type_stationnements"`
}

// Pret is a loan of a lot.
type Pret struct {
	Preteur    string  `json:"preteur"`
	Autre      *string `json:"autre"`
	DateOctroi *string `json:"date_octroi"`
	Numero     *string `json:"numero"`
	Duree      *int64  `json:"duree"`
	Montant    string  `json:"montant"`
}

// Logement is a dwelling of a lot (field names as the model, coeficient
// included).
type Logement struct {
	Designation           string   `json:"designation"`
	Typologie             string   `json:"typologie"`
	SurfaceHabitable      *string  `json:"surface_habitable"`
	SurfaceAnnexes        *string  `json:"surface_annexes"`
	SurfaceAnnexesRetenue *string  `json:"surface_annexes_retenue"`
	SurfaceUtile          *string  `json:"surface_utile"`
	LoyerParMetreCarre    *string  `json:"loyer_par_metre_carre"`
	Coeficient            *string  `json:"coeficient"`
	Loyer                 *string  `json:"loyer"`
	Annexes               []Annexe `json:"annexes"`
}

// Annexe is an annex of a dwelling.
type Annexe struct {
	Typologie                 string  `json:"typologie"`
	SurfaceHorsSurfaceRetenue *string `json:"surface_hors_surface_retenue"`
	LoyerParMetreCarre        *string `json:"loyer_par_metre_carre"`
	Loyer                     *string `json:"loyer"`
}

// TypeStationnement is a kind of parking of a lot.
type TypeStationnement struct {
	Typologie        string `json:"typologie"`
	NbStationnements int64  `json:"nb_stationnements"`
	Loyer            string `json:"loyer"`
}

// Operation is the answer of operation/<numero>/ (§3.5): the top-level
// fields of the most recently created programme of that number, and the
// visible conventions of every programme sharing it.
type Operation struct {
	Version
	Bailleur       *Bailleur       `json:"bailleur"`
	Administration *Administration `json:"administration"`
	Conventions    []Convention    `json:"conventions"`
}

// Closing is the answer of close_operation/<numero>/ (§3.6).
type Closing struct {
	Operation
	AllConventionsAreSigned bool         `json:"all_conventions_are_signed"`
	LastConventionsState    []Convention `json:"last_conventions_state"`
}

// versionJSON is the SQL of a Version over alias p.
const versionJSON = `json_build_object('nom', p.nom, 'code_postal', p.code_postal, 'ville', p.ville, 'adresse', p.adresse,
	'numero_operation', p.numero_operation, 'zone_123', p.zone_123, 'zone_abc', p.zone_abc, 'type_operation', p.type_operation,
	'anru', p.anru, 'date_achevement_previsible', p.date_achevement_previsible, 'date_achat', p.date_achat,
	'date_achevement', p.date_achevement)`

// conventionJSON is the SQL of a Convention over aliases c and p (its
// programme). Numeric columns are sent as text, which keeps their scale.
const conventionJSON = `json_build_object(
	'date_fin_conventionnement', c.date_fin_conventionnement, 'fond_propre', c.fond_propre,
	'numero', c.numero, 'statut', c.statut, 'operation_version', ` + versionJSON + `,
	'lots', ` + lotsJSON + `)`

// lotsJSON is the SQL of the lots of convention c, with their loans,
// dwellings (and annexes) and parkings.
const lotsJSON = `COALESCE((SELECT json_agg(json_build_object(
		'nb_logements', l.nb_logements, 'financement', l.financement, 'type_habitat', l.type_habitat,
		'prets', COALESCE((SELECT json_agg(json_build_object('preteur', pr.preteur, 'autre', pr.autre,
			'date_octroi', pr.date_octroi, 'numero', pr.numero, 'duree', pr.duree, 'montant', pr.montant::text) ORDER BY pr.id)
			FROM conventions_pret pr WHERE pr.lot_id = l.id), '[]'),
		'logements', COALESCE((SELECT json_agg(json_build_object('designation', lg.designation, 'typologie', lg.typologie,
			'surface_habitable', lg.surface_habitable::text, 'surface_annexes', lg.surface_annexes::text,
			'surface_annexes_retenue', lg.surface_annexes_retenue::text, 'surface_utile', lg.surface_utile::text,
			'loyer_par_metre_carre', lg.loyer_par_metre_carre::text, 'coeficient', lg.coeficient::text, 'loyer', lg.loyer::text,
			'annexes', COALESCE((SELECT json_agg(json_build_object('typologie', a.typologie,
				'surface_hors_surface_retenue', a.surface_hors_surface_retenue::text,
				'loyer_par_metre_carre', a.loyer_par_metre_carre::text, 'loyer', a.loyer::text) ORDER BY a.id)
				FROM programmes_annexe a WHERE a.logement_id = lg.id), '[]')) ORDER BY lg.import_order, lg.id)
			FROM programmes_logement lg WHERE lg.lot_id = l.id), '[]'),
		'type_stationnements', COALESCE((SELECT json_agg(json_build_object('typologie', ts.typologie,
			'nb_stationnements', ts.nb_stationnements, 'loyer', ts.loyer::text) ORDER BY ts.id)
			FROM programmes_typestationnement ts WHERE ts.lot_id = l.id), '[]')) ORDER BY l.id)
		FROM programmes_lot l WHERE l.convention_id = c.id), '[]')`

// Get returns the operation numero as subject s sees it, or ErrNotFound.
func Get(ctx context.Context, q Querier, s *access.Subject, numero string) (*Operation, error) {
	if numero == "" || len([]rune(numero)) > MaxNumeroLen {
		return nil, ErrNotFound
	}
	var a access.Args
	num := a.Add(numero)
	progScope := access.ProgrammeScope(s, &a)
	convScope := access.ConventionScope(s, &a)
	var (
		head  *Version
		b     *Bailleur
		adm   *Administration
		convs []Convention
		found bool
	)
	// One query: the newest programme of the number (root or avenant
	// copy), its bailleur and administration, and the visible
	// conventions of every programme of the number, oldest first.
	err := q.QueryRow(ctx, `
		WITH visible AS (
			SELECT c.id, c.cree_le FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
			WHERE p.numero_operation = `+num+` AND `+convScope+`
		), head AS (
			SELECT p.* FROM programmes_programme p WHERE p.numero_operation = `+num+`
			ORDER BY p.cree_le DESC, p.id DESC LIMIT 1
		)
		SELECT EXISTS (SELECT 1 FROM visible) OR EXISTS (SELECT 1 FROM programmes_programme p WHERE p.numero_operation = `+num+` AND `+progScope+`),
			(SELECT `+versionJSON+` FROM head p),
			(SELECT json_build_object('nom', b.nom, 'siren', b.siren, 'siret', b.siret, 'adresse', b.adresse,
				'code_postal', b.code_postal, 'ville', b.ville, 'capital_social', b.capital_social,
				'sous_nature_bailleur', b.sous_nature_bailleur) FROM head p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id),
			(SELECT json_build_object('nom', ad.nom, 'code', ad.code, 'ville_signature', ad.ville_signature)
				FROM head p JOIN instructeurs_administration ad ON ad.id = p.administration_id),
			COALESCE((SELECT json_agg((`+conventionJSON+`)::jsonb || jsonb_build_object('_financement',
					(SELECT l.financement FROM programmes_lot l WHERE l.convention_id = c.id ORDER BY l.id LIMIT 1))
				ORDER BY v.cree_le, v.id)
				FROM visible v JOIN conventions_convention c ON c.id = v.id JOIN programmes_programme p ON p.id = c.programme_id), '[]')`,
		a.Values()...).Scan(&found, &head, &b, &adm, (*conventionsWithFinancement)(&convs))
	if err != nil {
		return nil, fmt.Errorf("lecture de l'opération %s : %w", numero, err)
	}
	if !found || head == nil {
		return nil, ErrNotFound
	}
	return &Operation{Version: *head, Bailleur: b, Administration: adm, Conventions: convs}, nil
}

// conventionsWithFinancement decodes the conventions with the
// "_financement" key of their first lot.
type conventionsWithFinancement []Convention

func (cs *conventionsWithFinancement) UnmarshalJSON(b []byte) error {
	var raw []struct {
		Convention
		Financement *string `json:"_financement"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	out := make([]Convention, len(raw))
	for i, r := range raw {
		out[i] = r.Convention
		if r.Financement != nil {
			out[i].financement = *r.Financement
		}
	}
	*cs = out
	return nil
}

// GetClosing returns the closing summary of the operation (§3.6): the
// operation, whether every visible convention is past signature, and
// for each financement (of the first lot) the most recent of those.
func GetClosing(ctx context.Context, q Querier, s *access.Subject, numero string) (*Closing, error) {
	op, err := Get(ctx, q, s, numero)
	if err != nil {
		return nil, err
	}
	out := &Closing{Operation: *op, AllConventionsAreSigned: true, LastConventionsState: []Convention{}}
	last := map[string]int{}
	for _, c := range op.Conventions { // oldest first: the last one wins
		if convention.Statut(c.Statut).In(convention.ActiveStatuts...) {
			out.AllConventionsAreSigned = false
			continue
		}
		if i, ok := last[c.financement]; ok {
			out.LastConventionsState[i] = c
			continue
		}
		last[c.financement] = len(out.LastConventionsState)
		out.LastConventionsState = append(out.LastConventionsState, c)
	}
	return out, nil
}
