package search

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

var today = time.Date(2026, 6, 15, 0, 0, 0, 0, time.UTC)

type world struct {
	t        *testing.T
	pool     *pgxpool.Pool
	adm      int64
	otherAdm int64
	bail     int64
	bailUUID string
	other    int64
	n        int
	created  time.Time
}

func newWorld(t *testing.T) *world {
	t.Helper()
	w := &world{t: t, pool: dbtest.Pool(t), created: time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)}
	w.adm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT des Bouches-du-Rhône', 'DD13') RETURNING id`)
	w.otherAdm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT du Rhône', 'DD69') RETURNING id`)
	w.bail = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Habitat Calanques', '1', 'HLM') RETURNING id`)
	w.other = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, nature_bailleur) VALUES ('Rhône Logement', '2', 'HLM') RETURNING id`)
	if err := w.pool.QueryRow(context.Background(), `SELECT uuid::text FROM bailleurs_bailleur WHERE id = $1`, w.bail).Scan(&w.bailUUID); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) id(sql string, args ...any) int64 {
	w.t.Helper()
	return dbtest.ID(w.t, w.pool, sql, args...)
}

type conv struct {
	nom, numOp, ville, cp, numero, statut, fin string
	parent                                     int64
	bail, adm                                  int64
	anru                                       bool
	signee, resiliee                           *time.Time
}

// add inserts a programme, a convention (each one a minute newer than
// the previous) and one lot; it returns the convention id.
func (w *world) add(c conv) int64 {
	w.t.Helper()
	w.n++
	w.created = w.created.Add(time.Minute)
	if c.nom == "" {
		c.nom = fmt.Sprintf("Programme %d", w.n)
	}
	if c.numOp == "" {
		c.numOp = fmt.Sprintf("13-2025-%04d", w.n)
	}
	if c.ville == "" {
		c.ville, c.cp = "Aubagne", "13400"
	}
	if c.statut == "" {
		c.statut = "5. Signée"
	}
	if c.fin == "" {
		c.fin = "PLUS"
	}
	if c.bail == 0 {
		c.bail = w.bail
	}
	if c.adm == 0 {
		c.adm = w.adm
	}
	prog := w.id(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id,
		administration_id, code_postal, ville, code_insee_departement, code_insee_region, anru)
		VALUES ($1, $2::text, replace($2::text, '-', ''), $3, $4, $5, $6, '13', '93', $7) RETURNING id`,
		c.nom, c.numOp, c.bail, c.adm, c.cp, c.ville, c.anru)
	var numero, parent any
	if c.numero != "" {
		numero = c.numero
	}
	if c.parent != 0 {
		parent = c.parent
	}
	id := w.id(`INSERT INTO conventions_convention (programme_id, parent_id, statut, numero, numero_pour_recherche, cree_le,
		televersement_convention_signee_le, date_resiliation)
		VALUES ($1, $2, $3, $4::text, replace(replace(replace($4::text, '.', ''), '/', ''), '-', ''), $5, $6, $7) RETURNING id`,
		prog, parent, c.statut, numero, w.created, c.signee, c.resiliee)
	w.id(`INSERT INTO programmes_lot (convention_id, financement, nb_logements) VALUES ($1, $2, 12) RETURNING id`, id, c.fin)
	return id
}

func superuser() *access.Subject {
	return &access.Subject{UserID: 1, IsActive: true, IsSuperuser: true}
}

func (w *world) instructeur(adm int64) *access.Subject {
	return &access.Subject{UserID: 2, IsActive: true, Role: &access.Role{ID: 1, Typologie: access.TypologieInstructeur,
		Group: access.GroupInstructeur, AdministrationID: adm}}
}

func (w *world) search(s *access.Subject, q string) *Result {
	w.t.Helper()
	v, err := url.ParseQuery(q)
	if err != nil {
		w.t.Fatal(err)
	}
	res, err := Search(context.Background(), w.pool, s, Parse(v), today)
	if err != nil {
		w.t.Fatalf("Search(%q) : %v", q, err)
	}
	return res
}

func (w *world) ids(res *Result) []int64 {
	w.t.Helper()
	var out []int64
	for _, r := range res.Rows {
		out = append(out, w.id(`SELECT id FROM conventions_convention WHERE uuid = $1::uuid`, r.UUID))
	}
	return out
}

// Scenario 25, with our ordering: without a term the list is newest
// first, avenants mixed with conventions (the reference put every
// convention first); with cstatut=Signée a convention whose résiliation
// is still to come is listed, an effective one is not.
func TestScenario25OrderAndFutureResiliation(t *testing.T) {
	w := newWorld(t)
	c1 := w.add(conv{numero: "13.D.25.0001"})
	c2 := w.add(conv{numero: "13.D.25.0002"})
	a1 := w.add(conv{parent: c1, numero: "1"})
	c3 := w.add(conv{numero: "13.D.25.0003", statut: "6. Résiliée", resiliee: ptr(today.AddDate(0, 1, 0))})
	a2 := w.add(conv{parent: c2, numero: "1"})
	past := w.add(conv{numero: "13.D.25.0004", statut: "6. Résiliée", resiliee: ptr(today.AddDate(0, -1, 0))})

	res := w.search(superuser(), "")
	if got, want := w.ids(res), []int64{past, a2, c3, a1, c2, c1}; !slices.Equal(got, want) {
		t.Errorf("sans terme : %v, veut le plus récent d'abord %v", got, want)
	}
	if res.Total != 6 || res.Capped || res.Pages != 1 || res.HasNext {
		t.Errorf("décompte : %+v", res)
	}

	res = w.search(superuser(), "cstatut=5.+Signée")
	got := w.ids(res)
	if !slices.Contains(got, c3) || slices.Contains(got, past) {
		t.Errorf("statut Signée : %v ; la résiliation future (%d) doit y être, la passée (%d) non", got, c3, past)
	}
	if !slices.Contains(got, c1) || len(got) != 5 {
		t.Errorf("statut Signée : %v, veut 4 signées + 1 résiliation future", got)
	}
	// Selecting Résiliée as well lists both résiliations, once each.
	res = w.search(superuser(), "cstatut=5.+Signée&cstatut=6.+Résiliée")
	if len(res.Rows) != 6 {
		t.Errorf("Signée + Résiliée : %d lignes, veut 6", len(res.Rows))
	}
	// The same, joined by a comma (links of SIAP's dashboard).
	if res = w.search(superuser(), "cstatut=5.+Sign%C3%A9e,6.+R%C3%A9sili%C3%A9e"); len(res.Rows) != 6 {
		t.Errorf("Signée,Résiliée : %d lignes, veut 6", len(res.Rows))
	}
}

func TestNumeroSuffixAndContains(t *testing.T) {
	w := newWorld(t)
	c13 := w.add(conv{numero: "13.D.25.0013", numOp: "13-2025-0777"})
	w.add(conv{numero: "13.D.25.0014"})
	av := w.add(conv{parent: c13, numero: "1"})
	other := w.add(conv{numero: "69.D.25.0113", numOp: "69-2025-0013"})

	// Suffix (≤ 4 characters): root conventions only.
	got := w.ids(w.search(superuser(), "search_numero=0013"))
	if !slices.Equal(got, []int64{c13}) {
		t.Errorf("suffixe 0013 : %v, veut [%d] (ni l'avenant, ni 0113)", got, c13)
	}
	// Avenants only: suffix of the parent's number.
	got = w.ids(w.search(superuser(), "search_numero=0013&avenant_seulement=on"))
	if !slices.Equal(got, []int64{av}) {
		t.Errorf("avenants, suffixe du parent : %v, veut [%d]", got, av)
	}
	// Contains (≥ 5 characters, separators ignored): operation number,
	// own number or parent's number; the convention ranks before its
	// avenant.
	got = w.ids(w.search(superuser(), "search_numero=D.25.0013"))
	if !slices.Equal(got, []int64{c13, av}) {
		t.Errorf("contient D25 0013 : %v, veut [%d %d] (convention puis avenant)", got, c13, av)
	}
	got = w.ids(w.search(superuser(), "search_numero=2025-0777"))
	if !slices.Equal(got, []int64{c13}) {
		t.Errorf("numéro d'opération : %v", got)
	}
	got = w.ids(w.search(superuser(), "search_numero=69-2025"))
	if !slices.Equal(got, []int64{other}) {
		t.Errorf("opération 69 : %v", got)
	}
	// LIKE wildcards typed by the user are plain characters, in the
	// contains search (≥ 5 characters) and in the suffix search (≤ 4).
	for _, q := range []string{"%25%25%25%25%25", "%25", "_", "__", "%5C", "1%25", "_3"} {
		if got := w.search(superuser(), "search_numero="+q); len(got.Rows) != 0 {
			t.Errorf("search_numero=%s : %d lignes, veut 0", q, len(got.Rows))
		}
	}
}

func TestNameLieuAndRanking(t *testing.T) {
	w := newWorld(t)
	soleil := w.add(conv{nom: "Résidence du Soleil Levant", ville: "Marseille", cp: "13001"})
	w.add(conv{nom: "Les Terrasses", ville: "Marseille", cp: "13008"})
	w.add(conv{nom: "Le Clos", ville: "Lyon", cp: "69001", adm: w.otherAdm, bail: w.other})
	av := w.add(conv{nom: "Résidence du Soleil Levant", parent: soleil, ville: "Marseille", cp: "13001"})

	got := w.ids(w.search(superuser(), "search_operation_nom=soleil"))
	if !slices.Equal(got, []int64{soleil, av}) {
		t.Errorf("nom « soleil » : %v, veut [%d %d] (la convention avant son avenant)", got, soleil, av)
	}
	res := w.search(superuser(), "search_lieu=Marseile")
	if len(res.Rows) != 3 {
		t.Errorf("lieu « Marseile » : %d lignes, veut les 3 de Marseille", len(res.Rows))
	}
	for _, r := range res.Rows {
		if r.Ville != "Marseille" || r.Score <= 0 {
			t.Errorf("lieu : %+v", r)
		}
	}
	if res := w.search(superuser(), "search_lieu=Paris"); len(res.Rows) != 0 {
		t.Errorf("lieu Paris : %d lignes", len(res.Rows))
	}
	if res := w.search(superuser(), "search_lieu=69001"); len(res.Rows) != 1 {
		t.Errorf("code postal 69001 : %d lignes", len(res.Rows))
	}
}

func TestFiltersScopeAndPagination(t *testing.T) {
	w := newWorld(t)
	var mine []int64
	for i := 0; i < 45; i++ {
		mine = append(mine, w.add(conv{}))
	}
	pls := w.add(conv{fin: "PLS", anru: true, signee: ptr(time.Date(2019, 5, 2, 0, 0, 0, 0, time.UTC))})
	outside := w.add(conv{adm: w.otherAdm, bail: w.other, statut: "1. Projet"})

	instr := w.instructeur(w.adm)
	res := w.search(instr, "")
	if res.Total != 46 || res.Pages != 3 || len(res.Rows) != 20 || !res.HasNext {
		t.Errorf("page 1 : total %d, pages %d, %d lignes, suivante %v", res.Total, res.Pages, len(res.Rows), res.HasNext)
	}
	res = w.search(instr, "page=99")
	if res.Page != 3 || len(res.Rows) != 6 || res.HasNext {
		t.Errorf("page hors limite : page %d, %d lignes ; veut la dernière (3, 6 lignes)", res.Page, len(res.Rows))
	}
	// With a term (ranked path: exact count), out of range → last page.
	res = w.search(instr, "search_lieu=Aubagne&page=99")
	if res.Page != 3 || len(res.Rows) != 6 || res.Total != 46 || res.Capped || res.Pages != 3 || res.HasNext {
		t.Errorf("terme, page hors limite : page %d, %d lignes, total %d, pages %d", res.Page, len(res.Rows), res.Total, res.Pages)
	}
	res = w.search(instr, "search_lieu=Aubagne&page=2")
	if res.Page != 2 || len(res.Rows) != 20 || !res.HasNext || res.Total != 46 {
		t.Errorf("terme, page 2 : page %d, %d lignes, suivante %v, total %d", res.Page, len(res.Rows), res.HasNext, res.Total)
	}
	// Huge page numbers are clamped (the OFFSET would overflow): the
	// last page.
	for _, p := range []string{"922337203685477581", "99999999999999999999999"} {
		if res = w.search(instr, "page="+p); res.Page != 3 || len(res.Rows) != 6 {
			t.Errorf("page=%s : page %d, %d lignes ; veut la dernière", p, res.Page, len(res.Rows))
		}
	}
	res = w.search(instr, "page=abc")
	if res.Page != 1 {
		t.Errorf("page invalide : %d, veut 1", res.Page)
	}
	for _, r := range w.ids(w.search(instr, "page=3")) {
		if r == outside {
			t.Error("la convention d'une autre administration est visible")
		}
	}
	if res := w.search(w.instructeur(w.otherAdm), ""); res.Total != 1 {
		t.Errorf("autre administration : %d, veut 1", res.Total)
	}
	if res := w.search(&access.Subject{UserID: 3, IsActive: true}, ""); res.Total != 0 {
		t.Errorf("sans rôle : %d conventions visibles", res.Total)
	}
	for q, want := range map[string][]int64{
		"financement=PLS":                  {pls},
		"anru=on":                          {pls},
		"date_signature=2019":              {pls},
		"cstatut=1.+Projet":                {outside},
		"bailleur=" + w.bailUUID + "&anru": {pls},
	} {
		if got := w.ids(w.search(superuser(), q)); !slices.Equal(got, want) {
			t.Errorf("%s : %v, veut %v", q, got, want)
		}
	}
	// Ordering field first, then newest.
	res = w.search(superuser(), "order_by=-cree_le")
	if first := w.ids(res)[0]; first != outside {
		t.Errorf("order_by=-cree_le : %d en premier, veut %d", first, outside)
	}
	// Unknown filter values are ignored rather than failing.
	if res := w.search(superuser(), "financement=XXX&order_by=password&cstatut=9.+Inconnu"); res.Total != 47 {
		t.Errorf("valeurs inconnues : %d, veut 47", res.Total)
	}
	_ = mine
}

func TestCountCap(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	// CountCap+25 conventions in one statement.
	if _, err := w.pool.Exec(ctx, `WITH p AS (
		INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region)
		SELECT 'P' || g, 'OP' || g, 'OP' || g, $1, $2, '13400', 'Aubagne', '13', '93' FROM generate_series(1, $3::int) g
		RETURNING id)
		INSERT INTO conventions_convention (programme_id, statut, cree_le) SELECT id, '5. Signée', now() - id * interval '1 second' FROM p`,
		w.bail, w.adm, CountCap+25); err != nil {
		t.Fatal(err)
	}
	res := w.search(superuser(), "")
	if !res.Capped || res.Total != CountCap+1 || !res.HasNext {
		t.Errorf("décompte plafonné : %+v", res)
	}
	// Beyond the cap, the last page is found exactly.
	res = w.search(superuser(), "page=500")
	if res.Page != (CountCap+25+PerPage-1)/PerPage || len(res.Rows) != (CountCap+25)%PerPage || res.HasNext {
		t.Errorf("page 500 : page %d, %d lignes", res.Page, len(res.Rows))
	}
	res = w.search(superuser(), "page=51")
	if len(res.Rows) != PerPage || !res.HasNext || res.Pages < 52 {
		t.Errorf("page 51 : %d lignes, suivante %v, pages %d", len(res.Rows), res.HasNext, res.Pages)
	}
}

func TestSignatureYearsAndValues(t *testing.T) {
	w := newWorld(t)
	years, err := SignatureYears(context.Background(), w.pool, today)
	if err != nil || !slices.Equal(years, []int{2026}) {
		t.Errorf("années sans signature : %v %v", years, err)
	}
	w.add(conv{signee: ptr(time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC))})
	years, _ = SignatureYears(context.Background(), w.pool, today)
	if !slices.Equal(years, []int{2026, 2025, 2024, 2023}) {
		t.Errorf("années : %v", years)
	}
	v, _ := url.ParseQuery("search_numero=12&cstatut=5.+Signée&cstatut=1.+Projet&anru=on&page=3&order_by=-numero")
	back := Parse(v).Values()
	if back.Get("search_numero") != "12" || len(back["cstatut"]) != 2 || back.Get("anru") != "on" || back.Has("page") || back.Get("order_by") != "-numero" {
		t.Errorf("Values : %v", back)
	}
}

func ptr[T any](v T) *T { return &v }
