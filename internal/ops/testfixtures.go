package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/demo"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// The test administration and bailleur of load_test_fixtures, as in the
// reference command.
const (
	TestAdministrationCode = "00000"
	TestBailleurSiret      = "12345678900000"
)

// TestFixturesOptions are the parameters of LoadTestFixtures.
type TestFixturesOptions struct {
	// Seed drives the generator: the same seed gives the same programmes,
	// uuids included.
	Seed int64
	// Count is the number of root programmes generated (0: none).
	Count int
	// TruncateProgrammes removes every programme, convention and lot (and
	// what hangs from them) and the Ecoloweb references first.
	TruncateProgrammes bool
	// TruncateUsers removes first the users who are neither superuser nor
	// staff and whose e-mail does not contain "beta.gouv.fr" (the team).
	TruncateUsers bool
}

// TestFixturesResult says what LoadTestFixtures did.
type TestFixturesResult struct {
	Truncated []Count // rows removed by the truncations asked for
	// AdministrationCreated / BailleurCreated: false when the row existed
	// and was updated.
	AdministrationCreated, BailleurCreated bool
	// BailleurReused is the name of an existing bailleur holding the test
	// SIREN under another SIRET: it serves as the test bailleur, unchanged.
	BailleurReused string
	UsersCreated   []string // demo logins created
	RolesCreated   int
	Created        []Count // generated rows, by kind
	// AlreadyLoaded is true when the programmes of this seed were already
	// in the database: nothing was generated.
	AlreadyLoaded bool
}

// demoLogins are the demo accounts load_test_fixtures creates, with the
// role each gets on the test entities.
var demoLogins = []struct{ login, typologie, group string }{
	{"demo.bailleur", "BAILLEUR", "bailleur"},
	{"demo.instructeur", "INSTRUCTEUR", "instructeur"},
}

// LoadTestFixtures fills a test environment in one transaction: optional
// truncations, the test administration (code 00000) and bailleur (SIRET
// 12345678900000) created or updated, the demo users demo.bailleur and
// demo.instructeur with their roles on them when absent, and opt.Count
// programmes of the demo generator (internal/demo) with their
// conventions, lots, logements, annexes, stationnements, prêts and
// history, attached to the test administration and, for the generator's
// HLM office, to the test bailleur. env is checked with RefuseInProduction
// before anything is read or written.
func LoadTestFixtures(ctx context.Context, db TxBeginner, env string, opt TestFixturesOptions) (TestFixturesResult, error) {
	if err := RefuseInProduction(env); err != nil {
		return TestFixturesResult{}, err
	}
	if opt.Count < 0 {
		return TestFixturesResult{}, fmt.Errorf("nombre de programmes invalide (%d) : indiquez un entier positif ou nul", opt.Count)
	}
	var res TestFixturesResult
	err := inTx(ctx, db, func(tx pgx.Tx) error {
		var err error
		res, err = loadTestFixtures(ctx, tx, opt)
		return err
	})
	if err != nil {
		return TestFixturesResult{}, fmt.Errorf("%w ; rien n'a été modifié", err)
	}
	return res, nil
}

func loadTestFixtures(ctx context.Context, tx pgx.Tx, opt TestFixturesOptions) (TestFixturesResult, error) {
	var res TestFixturesResult
	// The generated rows take primary keys after the existing ones: keep
	// concurrent writers out until commit.
	if _, err := tx.Exec(ctx, `LOCK TABLE instructeurs_administration, bailleurs_bailleur, users_user, users_role,
programmes_programme, programmes_referencecadastrale, programmes_logementedd, conventions_convention,
programmes_lot, programmes_logement, programmes_annexe, programmes_typestationnement, conventions_pret,
conventions_conventionhistory IN SHARE ROW EXCLUSIVE MODE`); err != nil {
		return res, fmt.Errorf("verrouillage des tables : %w", err)
	}
	if opt.TruncateProgrammes {
		for _, s := range truncateProgrammeSteps {
			tag, err := tx.Exec(ctx, s.sql)
			if err != nil {
				return res, fmt.Errorf("suppression (%s) : %w", s.label, err)
			}
			if s.label != "" {
				res.Truncated = append(res.Truncated, Count{s.label, tag.RowsAffected()})
			}
		}
	}
	if opt.TruncateUsers {
		for _, s := range truncateUserSteps {
			tag, err := tx.Exec(ctx, s.sql)
			if err != nil {
				return res, fmt.Errorf("suppression (%s) : %w", s.label, err)
			}
			if s.label != "" {
				res.Truncated = append(res.Truncated, Count{s.label, tag.RowsAffected()})
			}
		}
	}

	var adminID, bailleurID int
	err := tx.QueryRow(ctx, `INSERT INTO instructeurs_administration (uuid, nom, code, ville_signature, nb_convention_exemplaires, cree_le, mis_a_jour_le)
VALUES (gen_random_uuid(), 'Administration DAP Test', $1, 'Ma ville sur Fleuve', 3, now(), now())
ON CONFLICT (code) DO UPDATE SET nom = EXCLUDED.nom, ville_signature = EXCLUDED.ville_signature, mis_a_jour_le = now()
RETURNING id, xmax = 0`, TestAdministrationCode).Scan(&adminID, &res.AdministrationCreated)
	if err != nil {
		return res, fmt.Errorf("administration de test : %w", err)
	}
	bailleurID, res.BailleurCreated, res.BailleurReused, err = upsertTestBailleur(ctx, tx)
	if err != nil {
		return res, err
	}

	// The generator's objects: the demo users are taken from them (same
	// password hashes as dataset_staging.json) when absent.
	var objs []demo.Object
	if opt.Count > 0 {
		objs = demo.Generate(demo.Options{Seed: opt.Seed, Programmes: opt.Count, Users: true})
	} else {
		objs = demo.Generate(demo.Options{Seed: opt.Seed, Programmes: 1, Users: true})
	}
	r := &remap{tx: tx, pk: map[string]map[int]int{}, offset: map[string]int{}}
	if err := r.catalog(ctx); err != nil {
		return res, err
	}
	// Every administration of the generator becomes the test one; its HLM
	// office becomes the test bailleur; its other bailleurs are matched by
	// SIRET, created when absent.
	var keep []demo.Object
	for _, o := range objs {
		switch o.Model {
		case "instructeurs.administration":
			r.set(o.Model, o.PK, adminID)
		case "bailleurs.bailleur":
			nature, _ := o.Fields.Get("nature_bailleur")
			siret, _ := o.Fields.Get("siret")
			if nature == "HLM" {
				r.set(o.Model, o.PK, bailleurID)
				continue
			}
			siren, _ := o.Fields.Get("siren")
			uuid, _ := o.Fields.Get("uuid")
			// Natural keys: SIRET, SIREN, uuid (each unique).
			var id int
			err := tx.QueryRow(ctx, `SELECT id FROM bailleurs_bailleur
WHERE siret = $1::text OR siren = $2::text OR uuid::text = $3::text
ORDER BY siret = $1::text DESC, siren = $2::text DESC, id LIMIT 1`, fmt.Sprint(siret), fmt.Sprint(siren), fmt.Sprint(uuid)).Scan(&id)
			switch {
			case err == nil:
				r.set(o.Model, o.PK, id)
			case errors.Is(err, pgx.ErrNoRows):
				keep = append(keep, o)
			default:
				return res, fmt.Errorf("recherche du bailleur %v : %w", siret, err)
			}
		case "users.user":
			login, _ := o.Fields.Get("username")
			wanted := false
			for _, d := range demoLogins {
				wanted = wanted || d.login == login
			}
			var id int
			err := tx.QueryRow(ctx, `SELECT id FROM users_user WHERE username = $1`, login).Scan(&id)
			switch {
			case err == nil:
				r.set(o.Model, o.PK, id)
			case !errors.Is(err, pgx.ErrNoRows):
				return res, fmt.Errorf("recherche de l'utilisateur %v : %w", login, err)
			case wanted:
				keep = append(keep, o)
				res.UsersCreated = append(res.UsersCreated, fmt.Sprint(login))
			default:
				r.set(o.Model, o.PK, 0) // not loaded: references become NULL
			}
		case "users.role":
			// Roles are given below, on the test entities.
		default:
			if opt.Count > 0 {
				keep = append(keep, o)
			}
		}
	}
	if opt.Count > 0 {
		loaded, err := seedLoaded(ctx, tx, keep)
		if err != nil {
			return res, err
		}
		if loaded {
			res.AlreadyLoaded = true
			keep = keepModels(keep, "users.user", "bailleurs.bailleur")
		}
	}
	if err := r.relocate(ctx, keep); err != nil {
		return res, err
	}
	if len(keep) > 0 {
		data, err := json.Marshal(keep)
		if err != nil {
			return res, err
		}
		src := fixture.Source{Name: fmt.Sprintf("jeu de test (graine %d)", opt.Seed), Data: data}
		if _, err := fixture.LoadTx(ctx, tx, []fixture.Source{src}); err != nil {
			return res, err
		}
	}
	res.Created = countModels(keep)

	n, err := ensureRoles(ctx, tx, adminID, bailleurID)
	if err != nil {
		return res, err
	}
	res.RolesCreated = n
	return res, nil
}

// TestBailleurSiren is the SIREN of the test bailleur.
const TestBailleurSiren = "123456789"

// upsertTestBailleur creates or updates the test bailleur, found by its
// natural keys: the row with its SIRET is updated; failing that, a row
// holding its SIREN (the shared test fixtures' first bailleur has it)
// becomes the test bailleur as it is, its name returned in reused.
func upsertTestBailleur(ctx context.Context, tx pgx.Tx) (id int, created bool, reused string, err error) {
	var bySiret bool
	err = tx.QueryRow(ctx, `SELECT id, siret = $1, nom FROM bailleurs_bailleur WHERE siret = $1 OR siren = $2
ORDER BY siret = $1 DESC, id LIMIT 1`, TestBailleurSiret, TestBailleurSiren).Scan(&id, &bySiret, &reused)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		err = tx.QueryRow(ctx, `INSERT INTO bailleurs_bailleur (uuid, nom, siret, siren, nature_bailleur, sous_nature_bailleur,
  adresse, code_postal, ville, signataire_nom, signataire_fonction, cree_le, mis_a_jour_le)
VALUES (gen_random_uuid(), 'Bailleur HLM de test', $1, $2, 'HLM', 'OFFICE_PUBLIC_HLM',
  '1 place de la république', '00100', 'Ma Ville', 'John Doe', 'Directeur', now(), now())
RETURNING id`, TestBailleurSiret, TestBailleurSiren).Scan(&id)
		if err != nil {
			return 0, false, "", fmt.Errorf("bailleur de test : %w", err)
		}
		return id, true, "", nil
	case err != nil:
		return 0, false, "", fmt.Errorf("bailleur de test : %w", err)
	case !bySiret:
		return id, false, reused, nil
	}
	_, err = tx.Exec(ctx, `UPDATE bailleurs_bailleur SET nom = 'Bailleur HLM de test', nature_bailleur = 'HLM',
  sous_nature_bailleur = 'OFFICE_PUBLIC_HLM', adresse = '1 place de la république', code_postal = '00100',
  ville = 'Ma Ville', signataire_nom = 'John Doe', signataire_fonction = 'Directeur', mis_a_jour_le = now()
WHERE id = $1`, id)
	if err != nil {
		return 0, false, "", fmt.Errorf("bailleur de test : %w", err)
	}
	return id, false, "", nil
}

// seedLoaded reports whether the generated programmes are already there
// (same seed loaded before): their uuids come from the seed.
func seedLoaded(ctx context.Context, tx pgx.Tx, objs []demo.Object) (bool, error) {
	var uuids []string
	for _, o := range objs {
		if o.Model == "programmes.programme" {
			u, _ := o.Fields.Get("uuid")
			uuids = append(uuids, fmt.Sprint(u))
		}
	}
	var n int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM programmes_programme WHERE uuid = ANY($1::uuid[])`, uuids).Scan(&n); err != nil {
		return false, fmt.Errorf("recherche des programmes déjà chargés : %w", err)
	}
	return n > 0, nil
}

func keepModels(objs []demo.Object, models ...string) []demo.Object {
	var out []demo.Object
	for _, o := range objs {
		for _, m := range models {
			if o.Model == m {
				out = append(out, o)
			}
		}
	}
	return out
}

// modelLabels names the generated kinds in the command's summary, in this
// order.
var modelLabels = []struct{ model, label string }{
	{"bailleurs.bailleur", "bailleurs"},
	{"users.user", "utilisateurs"},
	{"programmes.programme", "programmes (copies d'avenant comprises)"},
	{"programmes.referencecadastrale", "références cadastrales"},
	{"programmes.logementedd", "lignes d'EDD"},
	{"conventions.convention", "conventions et avenants"},
	{"programmes.lot", "lots"},
	{"programmes.logement", "logements"},
	{"programmes.annexe", "annexes"},
	{"programmes.typestationnement", "types de stationnement"},
	{"conventions.pret", "prêts"},
	{"conventions.conventionhistory", "historiques de statut des conventions"},
}

func countModels(objs []demo.Object) []Count {
	n := map[string]int64{}
	for _, o := range objs {
		n[o.Model]++
	}
	var out []Count
	for _, m := range modelLabels {
		out = append(out, Count{m.label, n[m.model]})
		delete(n, m.model)
	}
	for m, k := range n { // a kind the generator added later
		out = append(out, Count{m, k})
	}
	return out
}

// ensureRoles gives demo.bailleur a BAILLEUR role on the test bailleur and
// demo.instructeur an INSTRUCTEUR role on the test administration, when
// they do not have it. The groups come from auth.json, loaded here when
// the database does not have them yet (load-permissions not run).
func ensureRoles(ctx context.Context, tx pgx.Tx, adminID, bailleurID int) (int, error) {
	var groups int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM auth_group WHERE name IN ('bailleur', 'instructeur')`).Scan(&groups); err != nil {
		return 0, err
	}
	if groups < 2 {
		if _, err := fixture.LoadTx(ctx, tx, []fixture.Source{fixture.AuthFixture()}); err != nil {
			return 0, fmt.Errorf("groupes et permissions : %w", err)
		}
	}
	created := 0
	for _, d := range demoLogins {
		var bailleur, admin any
		if d.typologie == "BAILLEUR" {
			bailleur = bailleurID
		} else {
			admin = adminID
		}
		tag, err := tx.Exec(ctx, `INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
SELECT $1::varchar, $2::int, $3::int, u.id, g.id FROM users_user u, auth_group g
WHERE u.username = $4 AND g.name = $5
  AND NOT EXISTS (SELECT 1 FROM users_role r WHERE r.user_id = u.id AND r.typologie = $1::varchar
                  AND r.bailleur_id IS NOT DISTINCT FROM $2::int AND r.administration_id IS NOT DISTINCT FROM $3::int)`,
			d.typologie, bailleur, admin, d.login, d.group)
		if err != nil {
			return 0, fmt.Errorf("rôle de %s : %w", d.login, err)
		}
		created += int(tag.RowsAffected())
	}
	return created, nil
}

// remap moves generated objects to primary keys after the existing rows
// and rewrites their references, using the live catalog to know which
// fields are foreign keys.
type remap struct {
	tx     pgx.Tx
	cat    *fixture.Catalog
	pk     map[string]map[int]int // model -> generated pk -> database pk (0: NULL)
	offset map[string]int         // model -> added to generated pks
}

func (r *remap) catalog(ctx context.Context) error {
	cat, err := fixture.LoadCatalog(ctx, r.tx)
	if err != nil {
		return fmt.Errorf("lecture du schéma : %w", err)
	}
	r.cat = cat
	return nil
}

func (r *remap) set(model string, from, to int) {
	if r.pk[model] == nil {
		r.pk[model] = map[int]int{}
	}
	r.pk[model][from] = to
}

// target returns the database pk of generated pk v of model.
func (r *remap) target(ctx context.Context, model string, v int) (any, error) {
	if m, ok := r.pk[model]; ok {
		if to, ok := m[v]; ok {
			if to == 0 {
				return nil, nil
			}
			return to, nil
		}
	}
	off, err := r.offsetOf(ctx, model)
	if err != nil {
		return nil, err
	}
	return v + off, nil
}

// offsetOf is the greatest id the table has used (rows or sequence).
func (r *remap) offsetOf(ctx context.Context, model string) (int, error) {
	if off, ok := r.offset[model]; ok {
		return off, nil
	}
	table := fixture.TableName(model)
	var seq *string
	if err := r.tx.QueryRow(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, table).Scan(&seq); err != nil {
		return 0, fmt.Errorf("séquence de %s : %w", table, err)
	}
	q := `SELECT COALESCE(max(id), 0) FROM ` + pgx.Identifier{table}.Sanitize()
	if seq != nil {
		q = `SELECT GREATEST((` + q + `), (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM ` + *seq + `))`
	}
	var off int
	if err := r.tx.QueryRow(ctx, q).Scan(&off); err != nil {
		return 0, fmt.Errorf("dernier identifiant de %s : %w", table, err)
	}
	r.offset[model] = off
	return off, nil
}

// relocate rewrites objs in place: new pks, references to the new pks or
// to the mapped rows.
func (r *remap) relocate(ctx context.Context, objs []demo.Object) error {
	for i := range objs {
		o := &objs[i]
		table := r.cat.Tables[fixture.TableName(o.Model)]
		if table == nil {
			return fmt.Errorf("modèle %s : table %s absente du schéma", o.Model, fixture.TableName(o.Model))
		}
		pk, err := r.target(ctx, o.Model, o.PK)
		if err != nil {
			return err
		}
		o.PK = pk.(int)
		fields := make(demo.Fields, len(o.Fields))
		copy(fields, o.Fields)
		for k, f := range fields {
			col := table.Column(f.Name + "_id")
			if col == nil {
				col = table.Column(f.Name)
			}
			switch v := f.Value.(type) {
			case int:
				if col == nil || col.FK == nil {
					continue
				}
				to, err := r.target(ctx, modelOf(r.cat, col.FK.Table), v)
				if err != nil {
					return err
				}
				fields[k].Value = to
			case []int:
				var m2m *fixture.M2M
				for _, m := range table.M2M {
					if m.Field == f.Name {
						m2m = m
					}
				}
				if m2m == nil || !r.generated(m2m.Target) {
					continue
				}
				ids := make([]int, 0, len(v))
				for _, id := range v {
					to, err := r.target(ctx, modelOf(r.cat, m2m.Target), id)
					if err != nil {
						return err
					}
					if to != nil {
						ids = append(ids, to.(int))
					}
				}
				fields[k].Value = ids
			}
		}
		o.Fields = fields
	}
	return nil
}

// generated reports whether rows of table come from the generator (their
// pks move); other tables (avenant types, groups) are reference data.
func (r *remap) generated(table string) bool {
	for _, m := range modelLabels {
		if fixture.TableName(m.model) == table {
			return true
		}
	}
	return table == "instructeurs_administration"
}

func modelOf(cat *fixture.Catalog, table string) string {
	if t := cat.Tables[table]; t != nil && t.Model != "" {
		return t.Model
	}
	return strings.Replace(table, "_", ".", 1)
}

// Truncations of load_test_fixtures, children first (see clearSteps).
var truncateProgrammeSteps = []clearStep{
	{"commentaires", `DELETE FROM comments_comment`},
	{"historiques de statut des conventions", `DELETE FROM conventions_conventionhistory`},
	{"", `DELETE FROM conventions_evenement`},
	{"", `DELETE FROM conventions_piecejointe`},
	{"", `DELETE FROM conventions_alertesiaplog`},
	{"", `DELETE FROM conventions_convention_avenant_types`},
	{"", `DELETE FROM conventions_convention_parents_2nd_vie`},
	{"annexes", `DELETE FROM programmes_annexe`},
	{"logements", `DELETE FROM programmes_logement`},
	{"types de stationnement", `DELETE FROM programmes_typestationnement`},
	{"", `DELETE FROM programmes_locauxcollectifs`},
	{"prêts", `DELETE FROM conventions_pret`},
	{"", `DELETE FROM programmes_repartitionsurface`},
	{"lots", `DELETE FROM programmes_lot`},
	{"conventions et avenants", `DELETE FROM conventions_convention`},
	{"", `DELETE FROM programmes_logementedd`},
	{"", `DELETE FROM programmes_referencecadastrale`},
	{"programmes (copies d'avenant comprises)", `DELETE FROM programmes_programme`},
	{"références Ecoloweb", `DELETE FROM ecoloweb_ecoloreference`},
}

// keptByTruncate: staff, superusers and the team (beta.gouv.fr e-mails,
// as the reference kept).
const keptByTruncate = `(is_superuser OR is_staff OR email ILIKE '%beta.gouv.fr%')`

var truncateUserSteps = []clearStep{
	{"", `DELETE FROM comments_comment WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `UPDATE conventions_conventionhistory SET user_id = NULL WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `UPDATE conventions_convention SET cree_par_id = NULL WHERE cree_par_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `UPDATE users_user SET creator_id = NULL WHERE creator_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `UPDATE users_historicaluser SET history_user_id = NULL WHERE history_user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `UPDATE users_historicalrole SET history_user_id = NULL WHERE history_user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `DELETE FROM users_user_groups WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `DELETE FROM users_user_user_permissions WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `DELETE FROM users_user_filtre_departements WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"", `DELETE FROM waffle_flag_users WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"rôles", `DELETE FROM users_role WHERE user_id IN (SELECT id FROM users_user WHERE NOT ` + keptByTruncate + `)`},
	{"utilisateurs (ni superuser, ni staff, ni beta.gouv.fr)", `DELETE FROM users_user WHERE NOT ` + keptByTruncate},
}
