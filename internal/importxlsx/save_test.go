package importxlsx

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// world: an administration, an HLM bailleur and its user.
type world struct {
	t        testing.TB
	pool     *pgxpool.Pool
	adm, hlm int64
	bailleur *access.Subject
}

var seq atomic.Int64

var testEnv = programme.Env{Today: programme.NewDate(2026, time.March, 1)}

func newWorld(t testing.TB) *world {
	t.Helper()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, pool: pool}
	w.adm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id`)
	w.hlm = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', '344331234', 'HLM') RETURNING id`)
	u := w.id(`INSERT INTO users_user (password, username, email, is_superuser, preferences_email, first_name, last_name)
		VALUES ('!', 'camille', 'camille@example.org', false, 'AUCUN', 'Camille', 'Test') RETURNING id`)
	r := w.id(`INSERT INTO users_role (typologie, bailleur_id, user_id, group_id)
		VALUES ($1, $2, $3, (SELECT id FROM auth_group WHERE name = $4)) RETURNING id`, access.TypologieBailleur, w.hlm, u, access.GroupBailleur)
	w.bailleur = &access.Subject{UserID: u, Username: "camille", IsActive: true,
		Role: &access.Role{ID: r, Typologie: access.TypologieBailleur, Profile: access.ProfileBailleur,
			Group: access.GroupBailleur, BailleurID: w.hlm}, BailleurIDs: []int64{w.hlm}}
	return w
}

func (w *world) id(sql string, args ...any) int64 {
	w.t.Helper()
	return dbtest.ID(w.t, w.pool, sql, args...)
}

func (w *world) exec(sql string, args ...any) {
	w.t.Helper()
	dbtest.Exec(w.t, w.pool, sql, args...)
}

func (w *world) str(sql string, args ...any) string {
	w.t.Helper()
	var s string
	if err := w.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s : %v", sql, err)
	}
	return s
}

type made struct {
	ID   int64
	UUID uuid.UUID
	Prog int64
	Lot  int64
}

// convention creates a convention in PROJET with one PLUS lot of n
// logements A1…An (50 m² SU at 6 €/m², 300 €; foyer: 20 m², 400 €), A1
// with a terrasse, a CDC prêt, a parcel.
func (w *world) convention(nature, statut string, n int, parent int64) made {
	w.t.Helper()
	k := seq.Add(1)
	var m made
	var par any
	if parent != 0 {
		par = parent
	}
	m.Prog = w.id(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			adresse, code_postal, ville, code_insee_departement, code_insee_region, nature_logement, type_operation)
		VALUES ($1, $2::text, replace($2::text, '-', ''), $3, $4, '1 rue de la Roquette', '75011', 'Paris', '75', '11', $5, 'NEUF') RETURNING id`,
		fmt.Sprintf("Résidence %d", k), fmt.Sprintf("2026-75-%05d", k), w.hlm, w.adm, nature)
	fin := "2065-06-30"
	if programme.IsFoyerOrResidence(nature) {
		fin = "2065-12-31"
	}
	if err := w.pool.QueryRow(context.Background(), `INSERT INTO conventions_convention (programme_id, parent_id, statut, adresse, signataire_nom,
			date_fin_conventionnement, attribution_reservation_prefectorale, attribution_modalites_reservations,
			attribution_modalites_choix_personnes, attribution_agees_autonomie, foyer_residence_variante_2_travaux)
		VALUES ($1, $2, $3, '1 rue de la Roquette', 'Mme Martin', $4, 20, 'Commission', 'Dossier', true, 'Toiture') RETURNING id, uuid`,
		m.Prog, par, statut, fin).Scan(&m.ID, &m.UUID); err != nil {
		w.t.Fatal(err)
	}
	m.Lot = w.id(`INSERT INTO programmes_lot (convention_id, financement, nb_logements, type_habitat) VALUES ($1, 'PLUS', $2, 'COLLECTIF') RETURNING id`, m.ID, n)
	if programme.IsFoyerOrResidence(nature) {
		w.exec(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, loyer, import_order)
			SELECT 'A' || g, $1, 'T1', 20.00, 400.00, g - 1 FROM generate_series(1, $2::int) g`, m.Lot, n)
	} else {
		w.exec(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
				surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
			SELECT 'A' || g, $1, 'T2', 45.00, 10.00, 5.00, 50.00, 6.00, 1.0000, 300.00, g - 1 FROM generate_series(1, $2::int) g`, m.Lot, n)
		w.exec(`INSERT INTO programmes_annexe (logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer)
			SELECT id, 'TERRASSE', 10.00, 1.00, 10.00 FROM programmes_logement WHERE lot_id = $1 AND designation = 'A1'`, m.Lot)
	}
	w.exec(`INSERT INTO conventions_pret (lot_id, preteur, montant, numero, date_octroi, duree) VALUES ($1, 'CDCF', 100000.00, 'P1', '2024-01-15', 40)`, m.Lot)
	w.exec(`INSERT INTO programmes_referencecadastrale (programme_id, section, numero, lieudit, surface) VALUES ($1, 'AB', '12', 'Les Prés', '5 a')`, m.Prog)
	return m
}

func (w *world) read(kind Kind, rows [][]any) *Result {
	w.t.Helper()
	res, err := Read(bytes.NewReader(filled(w.t, kind, rows)), kind)
	if err != nil {
		w.t.Fatal(err)
	}
	return res
}

func (w *world) save(m made, res *Result, opt programme.Options) error {
	opt.Env = testEnv
	return db.InTx(context.Background(), w.pool, func(tx pgx.Tx) error {
		_, err := Save(context.Background(), tx, w.bailleur, m.UUID, res, opt)
		return err
	})
}

// rows lists a column of the convention's rows, sorted, as one string.
func (w *world) rows(sql string, id int64) string {
	return w.str(`SELECT coalesce(string_agg(v, ',' ORDER BY v), '') FROM (`+sql+`) t(v)`, id)
}

const (
	qLogements = `SELECT lg.designation || ':' || lg.loyer FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`
	qAnnexes   = `SELECT lg.designation || ':' || a.typologie || ':' || a.loyer FROM programmes_annexe a JOIN programmes_logement lg ON lg.id = a.logement_id JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`
)

// Each kind of table, from the project's template, saved through the
// step: the table's rows replaced, all of them.
func TestSaveEachKind(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		kind   Kind
		nature string
		rows   [][]any
		query  string
		want   string
	}{
		{Logements, "LOGEMENTSORDINAIRES", [][]any{{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}, {"B7", "T3", "PLUS", "60,5", 0, 0, "60,5", "6", "1", "363"}},
			qLogements, "A1:300.00,B7:363.00"},
		{Annexes, "LOGEMENTSORDINAIRES", [][]any{{"Jardin", "PLUS", "A2", "T2", 12, 1, 12}},
			qAnnexes, "A2:JARDIN:12.00"},
		{Stationnements, "LOGEMENTSORDINAIRES", [][]any{{"Garage enterré", "PLUS", 4, 35}, {"Carport", "PLUS", 2, "12,5"}},
			`SELECT s.typologie || ':' || s.nb_stationnements || ':' || s.loyer FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id WHERE l.convention_id = $1`,
			"CARPORT:2:12.50,GARAGE_ENTERRE:4:35.00"},
		{Cadastre, "LOGEMENTSORDINAIRES", [][]any{{"AC", 7, "Le Bourg", "3 a", ""}},
			`SELECT r.section || ':' || r.numero FROM programmes_referencecadastrale r JOIN conventions_convention c ON c.programme_id = r.programme_id WHERE c.id = $1`,
			"AC:7"},
		{Financement, "LOGEMENTSORDINAIRES", [][]any{{"P9", "PLUS", 45366, 40, "250 000,00", "CDC pour le foncier", ""}, {"", "PLUS", "", "", 5000, "Autre/Subventions", "Département"}},
			`SELECT p.preteur || ':' || p.montant || ':' || coalesce(p.date_octroi::text, '') FROM conventions_pret p JOIN programmes_lot l ON l.id = p.lot_id WHERE l.convention_id = $1`,
			"AUTRE:5000.00:,CDCF:250000.00:2024-03-15"},
		{FoyerResidenceLogements, "AUTRE", [][]any{{"101", "T1", "PLUS", 20, 400}, {"102", "T1", "PLUS", 20, 400}},
			qLogements, "101:400.00,102:400.00"},
		{LocauxCollectifs, "AUTRE", [][]any{{"Buanderie", 12, 1}},
			`SELECT lc.type_local || ':' || lc.nombre FROM programmes_locauxcollectifs lc JOIN programmes_lot l ON l.id = lc.lot_id WHERE l.convention_id = $1`,
			"Buanderie:1"},
		{EDD, "AUTRE", [][]any{{"A1", "PLUS", "1"}, {"A2", "PLUS", "2"}},
			`SELECT e.designation || ':' || e.numero_lot FROM programmes_logementedd e JOIN conventions_convention c ON c.programme_id = e.programme_id WHERE c.id = $1`,
			"A1:1,A2:2"},
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			m := w.convention(c.nature, "1. Projet", 2, 0)
			res := w.read(c.kind, c.rows)
			rep, err := Preview(context.Background(), w.pool, m.ID, res, testEnv)
			if err != nil || rep.Blocking() {
				t.Fatalf("aperçu : %v %+v", err, rep)
			}
			if err := w.save(m, res, programme.Options{}); err != nil {
				t.Fatal(err)
			}
			if got := w.rows(c.query, m.ID); got != c.want {
				t.Errorf("enregistré %q, attendu %q", got, c.want)
			}
		})
	}
}

// A logement of the spreadsheet that is already in the table keeps its
// identity, and so its annexe; a logement absent from the spreadsheet is
// removed.
func TestSaveKeepsMatchingRows(t *testing.T) {
	w := newWorld(t)
	m := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 2, 0)
	a1 := w.str(`SELECT uuid::text FROM programmes_logement WHERE lot_id = $1 AND designation = 'A1'`, m.Lot)
	res := w.read(Logements, [][]any{{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}, {"A3", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300}})
	if err := w.save(m, res, programme.Options{}); err != nil {
		t.Fatal(err)
	}
	if got := w.str(`SELECT uuid::text FROM programmes_logement WHERE lot_id = $1 AND designation = 'A1'`, m.Lot); got != a1 {
		t.Errorf("A1 a changé d'identité : %s → %s", a1, got)
	}
	if got := w.rows(qAnnexes, m.ID); got != "A1:TERRASSE:10.00" {
		t.Errorf("annexes %q", got)
	}
	if got := w.rows(qLogements, m.ID); got != "A1:300.00,A3:300.00" {
		t.Errorf("logements %q", got)
	}
}

// The step's rules run on the rows before anything is saved; each
// problem of a row is named by its line and column; a refused save
// writes nothing.
func TestRulesNameLineAndColumn(t *testing.T) {
	w := newWorld(t)
	m := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 3, 0)
	res := w.read(Logements, [][]any{
		{"A1", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 300},
		{"A2", "T2", "PLUS", 45, 10, 5, 50, 6, 1, 999},
		{"A3", "T2", "PLAI", 45, 10, 5, 50, 6, 1, 300},
	})
	rep, err := Preview(context.Background(), w.pool, m.ID, res, testEnv)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range rep.Cells {
		got = append(got, c.String())
	}
	joined := strings.Join(got, "\n")
	for _, want := range []string{
		"Feuille « Logements », ligne 4, colonne J (Loyer maximum du logement en €) : " + programme.MsgLoyer(false, mustDec("300")),
		"Feuille « Logements », ligne 5, colonne C (Financement) : " + programme.MsgLotInconnu("PLAI"),
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("problème attendu absent : %s\nreçus :\n%s", want, joined)
		}
	}
	before := w.rows(qLogements, m.ID)
	err = w.save(m, res, programme.Options{})
	if _, ok := programme.AsValidationError(err); !ok {
		t.Fatalf("enregistrement : %v, refus attendu", err)
	}
	if after := w.rows(qLogements, m.ID); after != before {
		t.Errorf("refus mais logements modifiés : %q → %q", before, after)
	}
}

// Optional problems (the count of logements) are confirmed, then saved.
func TestOptionalProblemsConfirmed(t *testing.T) {
	w := newWorld(t)
	m := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 2, 0)
	res := w.read(Logements, logementsRows(3))
	rep, err := Preview(context.Background(), w.pool, m.ID, res, testEnv)
	if err != nil || rep.Blocking() || len(rep.Optional) != 1 {
		t.Fatalf("aperçu %v %+v : un problème facultatif attendu", err, rep)
	}
	if err := w.save(m, res, programme.Options{}); err == nil {
		t.Fatal("enregistré sans confirmation")
	}
	if err := w.save(m, res, programme.Options{IgnoreOptional: true}); err != nil {
		t.Fatal(err)
	}
	if got := w.rows(qLogements, m.ID); got != "L0001:300.00,L0002:300.00,L0003:300.00" {
		t.Errorf("logements %q", got)
	}
}

// Refusals: a table of avenants on a convention, a table of another
// nature, a convention the bailleur may no longer edit.
func TestImportRefused(t *testing.T) {
	w := newWorld(t)
	lo := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 2, 0)
	c, err := programme.Load(context.Background(), w.pool, lo.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Input(c, w.read(LogementsCorrigee, [][]any{{"A1", "T2", "PLUS", 40, 55, 4.5, 1, 247.5}})); err == nil || !strings.Contains(err.Error(), MsgAvenantOnly) {
		t.Errorf("tableau d'avenant sur une convention : %v", err)
	}
	if _, err := Input(c, w.read(LocauxCollectifs, [][]any{{"Salle", 10, 1}})); err == nil || !strings.Contains(err.Error(), programme.MsgStepNotHere) {
		t.Errorf("tableau d'un foyer sur des logements ordinaires : %v", err)
	}
	sent := w.convention("LOGEMENTSORDINAIRES", "2. Instruction requise", 2, 0)
	before := w.rows(qLogements, sent.ID)
	err = w.save(sent, w.read(Logements, logementsRows(2)), programme.Options{})
	if r, ok := convention.AsRefusal(err); !ok || r.Reason == convention.ReasonScope {
		t.Fatalf("convention en instruction : %v, refus attendu", err)
	}
	if after := w.rows(qLogements, sent.ID); after != before {
		t.Errorf("refus mais logements modifiés")
	}
}

// An avenant imports the tables of the avenants (surface corrigée).
func TestAvenantImportsCorrigee(t *testing.T) {
	w := newWorld(t)
	parent := w.convention("LOGEMENTSORDINAIRES", "5. Signée", 2, 0)
	av := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 2, parent.ID)
	w.exec(`INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id) SELECT $1, id FROM conventions_avenanttype WHERE nom = 'logements'`, av.ID)
	res := w.read(LogementsCorrigee, [][]any{{"C1", "T2", "PLUS", 40, 55, 4.5, 1, 247.5}})
	if err := w.save(av, res, programme.Options{IgnoreOptional: true}); err != nil {
		t.Fatal(err)
	}
	if got := w.rows(`SELECT lg.designation || ':' || lg.surface_corrigee FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1 AND lg.surface_corrigee IS NOT NULL`, av.ID); got != "C1:55.00" {
		t.Errorf("logements en surface corrigée %q", got)
	}
	if got := w.rows(qLogements, av.ID); !strings.Contains(got, "A1:300.00") {
		t.Errorf("le tableau en surface utile ne doit pas changer : %q", got)
	}
}

// BenchmarkImport5000Logements: read, check and save 5 000 logements
// (the save rolled back after each round).
func BenchmarkImport5000Logements(b *testing.B) {
	w := newWorld(b)
	m := w.convention("LOGEMENTSORDINAIRES", "1. Projet", 5000, 0)
	file := filled(b, Logements, logementsRows(5000))
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := Read(bytes.NewReader(file), Logements)
		if err != nil {
			b.Fatal(err)
		}
		if rep, err := Preview(ctx, w.pool, m.ID, res, testEnv); err != nil || rep.Blocking() {
			b.Fatal(err, rep)
		}
		tx, err := w.pool.Begin(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Save(ctx, tx, w.bailleur, m.UUID, res, programme.Options{Env: testEnv}); err != nil {
			b.Fatal(err)
		}
		tx.Rollback(ctx)
	}
}

func mustDec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
