// Package search is the convention search of the home page
// (/conventions/recherche, spec workflows §8): filters, ordering, ranking
// and pagination over the conventions and avenants the user may see
// (access.ConventionScope).
//
// Ranking, when a term is typed: the French full-text rank of the
// programme name, plus the trigram similarities of the normalised number
// with the operation number, the parent's number and the convention's
// own number, plus those of the place with the programme's town and
// postcode (each kept only above the threshold, each rounded to 2
// decimals), minus 0.3 for avenants so a convention comes before its
// avenants. Unlike the reference, the avenant penalty applies only when
// a term is typed: without a term the list is simply newest first, where
// the reference put every convention before every avenant
// (docs/COMPATIBILITY.md).
//
// Speed: without a term, the page follows the date index (LIMIT
// PerPage+1, which also tells whether a next page exists) and the count
// stops at CountCap rows, so a search over 200 000 conventions reads what
// it shows, not the table. With a term every match is ranked, so one
// query ranks, counts and cuts the page. Text filters are served by the
// indexes of migration 00008 (trigram GIN on numbers, town and postcode;
// reversed-number index for suffixes) and by the full-text index of the
// programme name; the search runs in a transaction whose planner settings
// favour those indexes (plannerSettings). Benchmarks: internal/web
// (convention_bench_test.go).
package search

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// PerPage is the page size (APILOS_PAGINATION_PER_PAGE of the reference).
const PerPage = 20

// CountCap: the count stops there; beyond, the page says "plus de …".
const CountCap = 1000

// Threshold is the trigram similarity a place or number must exceed
// (TRIGRAM_SIMILARITY_THRESHOLD of the reference).
const Threshold = 0.3

// AvenantPenalty is subtracted from the score of avenants when a term is
// typed.
const AvenantPenalty = 0.3

// Filters are the query parameters of the search page.
type Filters struct {
	OperationNom     string   // search_operation_nom: full text on the programme name
	Numero           string   // search_numero: convention or operation number
	BailleurUUID     string   // bailleur
	Lieu             string   // search_lieu: town or postcode
	Statuts          []string // cstatut (stored labels)
	Financement      string   // financement code
	DateSignature    int      // date_signature: year of the signature
	NatureLogement   string   // nature_logement code
	AvenantSeulement bool     // avenant_seulement
	ANRU, ANAH       bool     // anru, anah
	SecondeVie       bool     // seconde_vie
	OrderBy          string   // order_by (see OrderFields)
	Page             int      // page (1-based)
}

// OrderFields are the accepted order_by values (prefix "-" for
// descending) and their columns.
var OrderFields = map[string]string{
	"numero":                             "c.numero",
	"statut":                             "c.statut",
	"cree_le":                            "c.cree_le",
	"televersement_convention_signee_le": "c.televersement_convention_signee_le",
	"programme__nom":                     "p.nom",
	"programme__ville":                   "p.ville",
	"programme__numero_operation":        "p.numero_operation",
	"programme__bailleur__nom":           "(SELECT bo.nom FROM bailleurs_bailleur bo WHERE bo.id = p.bailleur_id)",
}

// Parse reads the filters from the query string; unknown or malformed
// values are dropped (empty values are ignored, as in the reference).
func Parse(v url.Values) Filters {
	f := Filters{
		OperationNom:     strings.TrimSpace(v.Get("search_operation_nom")),
		Numero:           strings.TrimSpace(v.Get("search_numero")),
		BailleurUUID:     strings.TrimSpace(v.Get("bailleur")),
		Lieu:             strings.TrimSpace(v.Get("search_lieu")),
		Financement:      strings.TrimSpace(v.Get("financement")),
		NatureLogement:   strings.TrimSpace(v.Get("nature_logement")),
		AvenantSeulement: v.Has("avenant_seulement"),
		ANRU:             v.Has("anru"),
		ANAH:             v.Has("anah"),
		SecondeVie:       v.Has("seconde_vie"),
	}
	// Repeated, or joined by commas as in the links the reference gave
	// SIAP's dashboard (no statut holds a comma).
	for _, joined := range v["cstatut"] {
		for _, s := range strings.Split(joined, ",") {
			if convention.Statut(s).Valid() && !slices.Contains(f.Statuts, s) {
				f.Statuts = append(f.Statuts, s)
			}
		}
	}
	if !known(Financements, f.Financement) {
		f.Financement = ""
	}
	if !known(NaturesLogement, f.NatureLogement) {
		f.NatureLogement = ""
	}
	if y, err := strconv.Atoi(strings.TrimSpace(v.Get("date_signature"))); err == nil && y >= 1900 && y <= 9999 {
		f.DateSignature = y
	}
	if o := v.Get("order_by"); OrderFields[strings.TrimPrefix(o, "-")] != "" {
		f.OrderBy = o
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 0 {
		f.Page = min(p, MaxPage)
	} else if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(strings.TrimSpace(v.Get("page")), "-") {
		f.Page = MaxPage
	} else {
		f.Page = 1
	}
	return f
}

// Values writes the filters back as query parameters (page excluded), for
// the links of the pagination and the ordering.
func (f Filters) Values() url.Values {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("search_operation_nom", f.OperationNom)
	set("search_numero", f.Numero)
	set("bailleur", f.BailleurUUID)
	set("search_lieu", f.Lieu)
	for _, s := range f.Statuts {
		v.Add("cstatut", s)
	}
	set("financement", f.Financement)
	if f.DateSignature != 0 {
		v.Set("date_signature", strconv.Itoa(f.DateSignature))
	}
	set("nature_logement", f.NatureLogement)
	for k, on := range map[string]bool{"avenant_seulement": f.AvenantSeulement, "anru": f.ANRU, "anah": f.ANAH, "seconde_vie": f.SecondeVie} {
		if on {
			v.Set(k, "on")
		}
	}
	set("order_by", f.OrderBy)
	return v
}

// HasTerm reports whether a ranked term is typed (name, number, place).
func (f Filters) HasTerm() bool {
	return f.OperationNom != "" || NormaliseNumero(f.Numero) != "" || f.Lieu != ""
}

// NormaliseNumero drops "-", "/", "." and spaces (numero_pour_recherche).
func NormaliseNumero(s string) string { return convention.NumeroPourRecherche(strings.TrimSpace(s)) }

// likeEscape is the SQL expression of text expr with the LIKE wildcards
// (% and _) and the escape character (\) escaped: what the user typed
// is searched as such.
func likeEscape(expr string) string {
	return "replace(replace(replace(" + expr + ", '\\', '\\\\'), '%', '\\%'), '_', '\\_')"
}

// MaxPage bounds the page number: beyond, the OFFSET would overflow (and
// no one pages that far; an out-of-range page gives the last one).
const MaxPage = 1_000_000

// Row is one line of the result list.
type Row struct {
	UUID            string
	Numero          string
	Statut          convention.Statut
	IsAvenant       bool
	ParentNumero    string
	ProgrammeNom    string
	NumeroOperation string
	BailleurNom     string
	Ville           string
	CodePostal      string
	Financements    []string // lot financement codes, sorted
	NbLogements     int64
	CreeLe          time.Time
	SigneeLe        *time.Time
	Score           float64
	// OperationVisible: the operation page shows this subject something
	// (convention.OperationVisibleSQL), so the row links to it.
	OperationVisible bool
}

// Result is one page.
type Result struct {
	Rows []Row
	// Total is the number of matches, exact unless Capped (then at least
	// CountCap+1).
	Total  int
	Capped bool
	Page   int
	// Pages is the number of pages when Total is exact; when Capped, the
	// pages known so far.
	Pages   int
	HasNext bool
}

// Querier is a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// built is the SQL of a search: FROM + WHERE (shared by the page and the
// count), the score expression, the ORDER BY.
type built struct {
	where string
	score string
	order string
	args  access.Args
	// opVisible is the page column telling whether the row's operation
	// page shows the subject something; pageArgs are args and its own.
	opVisible string
	pageArgs  access.Args
}

// fromSQL is shared by the count and the page. The bailleur is not
// joined here: its name is read for the rows of the page only, and its
// filter is a lookup of its id (a join to that small table misled the
// planner into per-bailleur loops on large scopes). The parent is only
// read by the number score; unused, the planner drops the join.
const fromSQL = `
FROM conventions_convention c
JOIN programmes_programme p ON p.id = c.programme_id
LEFT JOIN conventions_convention pc ON pc.id = c.parent_id`

// build writes the conditions of f for subject s; today decides whether a
// résiliation or dénonciation is already effective.
func build(s *access.Subject, f Filters, today time.Time) *built {
	b := &built{}
	a := &b.args
	conds := []string{access.ConventionScope(s, a)}
	add := func(c string) { conds = append(conds, c) }

	if len(f.Statuts) > 0 {
		st := "c.statut = ANY(" + a.Add(f.Statuts) + "::text[])"
		// A convention whose résiliation or dénonciation is still to
		// come is still in force: it shows among the signed ones.
		if slices.Contains(f.Statuts, string(convention.Signee)) {
			d := a.Add(today)
			if !slices.Contains(f.Statuts, string(convention.Resiliee)) {
				st += " OR (c.statut = '" + string(convention.Resiliee) + "' AND c.date_resiliation > " + d + "::date)"
			}
			if !slices.Contains(f.Statuts, string(convention.Denoncee)) {
				st += " OR (c.statut = '" + string(convention.Denoncee) + "' AND c.date_denonciation > " + d + "::date)"
			}
		}
		add(st)
	}
	if f.ANRU {
		add("p.anru")
	}
	if f.ANAH {
		add("p.anah")
	}
	if f.SecondeVie {
		add("p.seconde_vie")
	}
	if f.AvenantSeulement {
		add("c.parent_id IS NOT NULL")
	}
	if f.Financement != "" {
		add("EXISTS (SELECT 1 FROM programmes_lot l WHERE l.convention_id = c.id AND l.financement = " + a.Add(f.Financement) + ")")
	}
	if f.NatureLogement != "" {
		add("p.nature_logement = " + a.Add(f.NatureLogement))
	}
	if f.DateSignature != 0 {
		y := a.Add(f.DateSignature)
		add("c.televersement_convention_signee_le >= make_date(" + y + "::int, 1, 1) AND c.televersement_convention_signee_le < make_date(" + y + "::int + 1, 1, 1)")
	}
	if f.BailleurUUID != "" {
		add("p.bailleur_id = (SELECT bb.id FROM bailleurs_bailleur bb WHERE bb.uuid::text = " + a.Add(strings.ToLower(f.BailleurUUID)) + ")")
	}

	var score []string
	if f.OperationNom != "" {
		q := "plainto_tsquery('french', " + a.Add(f.OperationNom) + ")"
		add("p.search_vector @@ " + q)
		score = append(score, "round(ts_rank(p.search_vector, "+q+")::numeric, 2)")
	}
	if n := NormaliseNumero(f.Numero); n != "" {
		np := a.Add(n)
		if len([]rune(n)) <= 4 {
			// Suffix of the convention number (the parent's for the
			// avenants-only list), through the reversed-number index.
			suffix := likeEscape("reverse("+np+"::text)") + " || '%'"
			if f.AvenantSeulement {
				add("c.parent_id IN (SELECT r.id FROM conventions_convention r WHERE reverse(r.numero_pour_recherche) LIKE " + suffix + ")")
			} else {
				add("c.parent_id IS NULL AND reverse(c.numero_pour_recherche) LIKE " + suffix)
			}
		} else {
			// The LIKE pattern escapes the user's wildcards in SQL, so the
			// same parameter feeds the pattern and the similarity.
			like := "'%' || " + likeEscape(np+"::text") + " || '%'"
			// Each alternative is served by its own trigram index; the
			// union of ids keeps the outer query to the matches.
			alts := []string{
				"SELECT c2.id FROM conventions_convention c2 JOIN programmes_programme p2 ON p2.id = c2.programme_id WHERE p2.numero_operation_pour_recherche ILIKE " + like,
				"SELECT c3.id FROM conventions_convention c3 WHERE c3.parent_id IN (SELECT r.id FROM conventions_convention r WHERE r.numero_pour_recherche ILIKE " + like + ")",
			}
			if !f.AvenantSeulement {
				alts = append(alts, "SELECT c4.id FROM conventions_convention c4 WHERE c4.numero_pour_recherche ILIKE "+like)
			}
			add("c.id IN (" + strings.Join(alts, " UNION ") + ")")
		}
		th := strconv.FormatFloat(Threshold, 'f', -1, 64)
		sim := func(col string) string {
			return "COALESCE(round((CASE WHEN similarity(" + col + ", " + np + ") > " + th + " THEN similarity(" + col + ", " + np + ") ELSE 0 END)::numeric, 2), 0)"
		}
		score = append(score, sim("p.numero_operation_pour_recherche"), sim("pc.numero_pour_recherche"))
		if !f.AvenantSeulement {
			score = append(score, sim("c.numero_pour_recherche"))
		}
	}
	if f.Lieu != "" {
		lp := a.Add(f.Lieu)
		th := strconv.FormatFloat(Threshold, 'f', -1, 64)
		// % is served by the trigram indexes; Search sets its threshold
		// just above Threshold, so it is exactly "similarity > 0.3".
		// A term without digits shares no trigram with a postcode (its
		// similarity is 0): the postcode index is then not read.
		sim := func(col string) string {
			return "round((CASE WHEN similarity(" + col + ", " + lp + ") > " + th + " THEN similarity(" + col + ", " + lp + ") ELSE 0 END)::numeric, 2)"
		}
		if strings.ContainsAny(f.Lieu, "0123456789") {
			add("(p.ville % " + lp + " OR p.code_postal % " + lp + ")")
			score = append(score, sim("p.ville"), sim("p.code_postal"))
		} else {
			// Every row passed "ville % term", so its town similarity is
			// above the threshold, and its postcode scores 0: one
			// similarity per row instead of four (the same score).
			add("p.ville % " + lp)
			score = append(score, "round(similarity(p.ville, "+lp+")::numeric, 2)")
		}
	}
	if len(score) > 0 && !f.AvenantSeulement {
		score = append(score, "CASE WHEN c.parent_id IS NOT NULL THEN -"+strconv.FormatFloat(AvenantPenalty, 'f', 1, 64)+" ELSE 0 END")
	}
	if len(score) == 0 {
		b.score = "0::numeric"
	} else {
		b.score = "(" + strings.Join(score, " + ") + ")"
	}
	b.where = strings.Join(wrap(conds), " AND ")

	var order []string
	if f.OrderBy != "" {
		col := OrderFields[strings.TrimPrefix(f.OrderBy, "-")]
		if strings.HasPrefix(f.OrderBy, "-") {
			order = append(order, col+" DESC NULLS LAST")
		} else {
			order = append(order, col+" ASC NULLS LAST")
		}
	}
	if len(score) > 0 {
		order = append(order, "score DESC")
	}
	order = append(order, "c.cree_le DESC", "c.id DESC")
	b.order = strings.Join(order, ", ")
	b.pageArgs = b.args.Clone()
	b.opVisible = convention.OperationVisibleSQL(s, &b.pageArgs, "op.cle")
	return b
}

func wrap(conds []string) []string {
	out := make([]string, len(conds))
	for i, c := range conds {
		out[i] = "(" + c + ")"
	}
	return out
}

// Beginner opens a transaction: a pool, a connection or a transaction
// (a savepoint then).
type Beginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}

// plannerSettings are set for the search transaction only:
//   - random_page_cost 1.1: the convention tables are read from memory;
//     with the default 4 the planner preferred reading the whole tables
//     to the text indexes for terms matching a few thousand rows (a
//     search four times slower);
//   - the trigram threshold just above Threshold, so the indexed %
//     operator is exactly "similarity > 0.3" and no row needs a second
//     similarity computation;
//   - with a term, custom plans always: the driver prepares each
//     statement, and after a few runs PostgreSQL would switch to a
//     generic plan blind to the term (a name matching 9 000 rows planned
//     like one matching 10). Without a term the generic plan is kept (it
//     served the statut lists better in the benchmarks).
const plannerSettings = `SELECT set_config('random_page_cost', '1.1', true),
	set_config('pg_trgm.similarity_threshold', $1, true),
	set_config('plan_cache_mode', $2, true)`

// Search runs the search for subject s and returns the page f.Page
// (an out-of-range page gives the last page). Without a term, the page
// follows an index in date order and the count stops at CountCap; with a
// term, every match must be ranked anyway, so one query ranks, counts
// (exactly) and cuts the page.
func Search(ctx context.Context, db Beginner, s *access.Subject, f Filters, today time.Time) (*Result, error) {
	f.Page = min(max(f.Page, 1), MaxPage)
	tx, err := db.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("recherche de conventions : %w", err)
	}
	defer tx.Rollback(ctx)
	planMode := "auto"
	if f.HasTerm() {
		planMode = "force_custom_plan"
	}
	if _, err := tx.Exec(ctx, plannerSettings, strconv.FormatFloat(Threshold+1e-6, 'f', -1, 64), planMode); err != nil {
		return nil, fmt.Errorf("recherche de conventions : %w", err)
	}
	b := build(s, f, today)
	res := &Result{Page: f.Page}
	count := func(capped bool) (int, error) {
		sql := `SELECT count(*) ` + fromSQL + ` WHERE ` + b.where
		if capped {
			sql = `SELECT count(*) FROM (SELECT 1 ` + fromSQL + ` WHERE ` + b.where + ` LIMIT ` + strconv.Itoa(CountCap+1) + `) x`
		}
		var n int
		if err := tx.QueryRow(ctx, sql, b.args.Values()...).Scan(&n); err != nil {
			return 0, fmt.Errorf("recherche de conventions (décompte) : %w", err)
		}
		return n, nil
	}

	if f.HasTerm() {
		rows, total, err := pageRows(ctx, tx, b, res.Page, true)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 && res.Page > 1 {
			if total, err = count(false); err != nil {
				return nil, err
			}
			res.Page = max(1, (total+PerPage-1)/PerPage)
			if rows, _, err = pageRows(ctx, tx, b, res.Page, false); err != nil {
				return nil, err
			}
		}
		res.Total = total
		res.Pages = max(1, (total+PerPage-1)/PerPage)
		res.finish(rows)
		return res, nil
	}

	n, err := count(true)
	if err != nil {
		return nil, err
	}
	res.Total, res.Capped = n, n > CountCap
	if !res.Capped {
		res.Pages = max(1, (n+PerPage-1)/PerPage)
		if res.Page > res.Pages {
			res.Page = res.Pages
		}
	}
	rows, _, err := pageRows(ctx, tx, b, res.Page, false)
	if err != nil {
		return nil, err
	}
	if res.Capped && len(rows) == 0 && res.Page > 1 {
		// Far beyond the cap: count exactly once to find the last page.
		if n, err = count(false); err != nil {
			return nil, err
		}
		res.Total = n
		res.Page = max(1, (n+PerPage-1)/PerPage)
		if rows, _, err = pageRows(ctx, tx, b, res.Page, false); err != nil {
			return nil, err
		}
	}
	res.finish(rows)
	if res.Capped {
		res.Pages = max(res.Page, (CountCap+PerPage-1)/PerPage)
		if res.HasNext && res.Page >= res.Pages {
			res.Pages = res.Page + 1
		}
	}
	return res, nil
}

// finish keeps PerPage rows; the extra one tells a next page exists.
func (res *Result) finish(rows []Row) {
	if len(rows) > PerPage {
		res.HasNext = true
		rows = rows[:PerPage]
	}
	res.Rows = rows
}

// pageRows reads one page (PerPage+1 rows); with withTotal, the number
// of matches comes along (a window over the ranked set).
func pageRows(ctx context.Context, q Querier, b *built, page int, withTotal bool) ([]Row, int, error) {
	total := "0"
	if withTotal {
		total = "count(*) OVER ()"
	}
	// The inner query ranks and cuts the page; the outer one reads the
	// details (bailleur, lots) of those rows only, not of every match.
	sql := `SELECT c.uuid::text, COALESCE(c.numero, ''), c.statut, c.parent_id IS NOT NULL, COALESCE(pc.numero, ''),
       p.nom, p.numero_operation, (SELECT b.nom FROM bailleurs_bailleur b WHERE b.id = p.bailleur_id), p.ville, p.code_postal,
       COALESCE((SELECT array_agg(DISTINCT l.financement ORDER BY l.financement) FROM programmes_lot l WHERE l.convention_id = c.id), '{}'),
       COALESCE((SELECT sum(l.nb_logements) FROM programmes_lot l WHERE l.convention_id = c.id), 0)::int8,
       c.cree_le, c.televersement_convention_signee_le, x.score AS score, x.total, ` + b.opVisible + `
FROM (SELECT c.id, ` + b.score + `::float8 AS score, ` + total + `::int8 AS total
` + fromSQL + `
WHERE ` + b.where + `
ORDER BY ` + b.order + `
LIMIT ` + strconv.Itoa(PerPage+1) + ` OFFSET ` + strconv.Itoa((page-1)*PerPage) + `) x
JOIN conventions_convention c ON c.id = x.id
JOIN programmes_programme p ON p.id = c.programme_id
CROSS JOIN LATERAL (SELECT p.numero_operation_pour_recherche AS cle) op
LEFT JOIN conventions_convention pc ON pc.id = c.parent_id
ORDER BY ` + b.order
	rows, err := q.Query(ctx, sql, b.pageArgs.Values()...)
	if err != nil {
		return nil, 0, fmt.Errorf("recherche de conventions : %w", err)
	}
	var n int64
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		var st string
		err := r.Scan(&x.UUID, &x.Numero, &st, &x.IsAvenant, &x.ParentNumero, &x.ProgrammeNom, &x.NumeroOperation,
			&x.BailleurNom, &x.Ville, &x.CodePostal, &x.Financements, &x.NbLogements, &x.CreeLe, &x.SigneeLe, &x.Score, &n, &x.OperationVisible)
		x.Statut = convention.Statut(st)
		return x, err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("recherche de conventions : %w", err)
	}
	return out, int(n), nil
}

// SignatureYears lists the years of the date_signature filter: from this
// year down to the earliest signature year of the table (at least 1900).
func SignatureYears(ctx context.Context, q Querier, today time.Time) ([]int, error) {
	var first *int
	if err := q.QueryRow(ctx, `SELECT extract(year FROM min(televersement_convention_signee_le))::int FROM conventions_convention`).Scan(&first); err != nil {
		return nil, fmt.Errorf("années de signature : %w", err)
	}
	from := today.Year()
	to := from
	if first != nil {
		to = max(1900, min(*first, from))
	}
	out := make([]int, 0, from-to+1)
	for y := from; y >= to; y-- {
		out = append(out, y)
	}
	return out, nil
}
