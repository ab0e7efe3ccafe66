package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/redistest"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// cworld is a small real world for the convention pages over HTTP: one
// administration (DD75) and another one, an HLM bailleur and a non-HLM
// one, accounts with roles, the real router with sessions in PostgreSQL,
// a local storage directory and a real Redis queue.
type cworld struct {
	t         testing.TB
	pool      *pgxpool.Pool
	s         *server
	srv       *httptest.Server
	store     *storage.Local
	redisURL  string
	adm       int64
	otherAdm  int64
	hlm       int64
	assoc     int64
	bailleur  *actor
	instr     *actor
	lecteur   *actor
	autre     *actor // instructeur of the other administration
	superuser *actor
}

type actor struct {
	w      *cworld
	name   string
	userID int64
	roleID int64
	c      *http.Client
}

var cseq atomic.Int64

func newCWorld(t testing.TB) *cworld {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	w := &cworld{t: t, pool: pool, redisURL: redistest.URL(t)}
	var err error
	if w.store, err = storage.NewLocal(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	client, err := jobs.NewClient(w.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	w.s = newTestServer(t, Options{Environment: "development", DB: pool,
		Conventions: ConventionOptions{Storage: w.store, Jobs: client}})
	w.srv = httptest.NewServer(w.s.handler())
	t.Cleanup(w.srv.Close)

	w.adm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id`)
	w.otherAdm = w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING id`)
	w.hlm = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', '344331234', 'HLM') RETURNING id`)
	w.assoc = w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Association Toit', '40000000000019', '400000000', 'Autres bailleurs sociaux non HLM') RETURNING id`)
	w.bailleur = w.newActor("camille", access.TypologieBailleur, access.GroupBailleur, w.hlm, 0)
	w.instr = w.newActor("dominique", access.TypologieInstructeur, access.GroupInstructeur, 0, w.adm)
	w.lecteur = w.newActor("lecteur", access.TypologieInstructeur, access.GroupReadonlyInstructeur, 0, w.adm)
	w.autre = w.newActor("autre", access.TypologieInstructeur, access.GroupInstructeur, 0, w.otherAdm)
	w.superuser = w.newActor("admin", "", "", 0, 0)
	w.exec(`UPDATE users_user SET is_superuser = true WHERE id = $1`, w.superuser.userID)
	return w
}

func (w *cworld) id(sql string, args ...any) int64 {
	w.t.Helper()
	return dbtest.ID(w.t, w.pool, sql, args...)
}

func (w *cworld) exec(sql string, args ...any) {
	w.t.Helper()
	dbtest.Exec(w.t, w.pool, sql, args...)
}

func (w *cworld) str(sql string, args ...any) string {
	w.t.Helper()
	var s *string
	if err := w.pool.QueryRow(context.Background(), sql, args...).Scan(&s); err != nil {
		w.t.Fatalf("%s : %v", sql, err)
	}
	if s == nil {
		return ""
	}
	return *s
}

// newActor creates an account with one role and a logged-in session.
func (w *cworld) newActor(login, typologie, group string, bailleur, adm int64) *actor {
	w.t.Helper()
	a := &actor{w: w, name: login}
	a.userID = w.id(`INSERT INTO users_user (password, username, email, first_name, last_name, is_active, preferences_email, date_joined)
		VALUES ('!', $1::text, $1::text || '@example.org', initcap($1::text), 'Test', true, 'TOUS', now()) RETURNING id`, login)
	if typologie != "" {
		var b, ad any
		if bailleur != 0 {
			b = bailleur
		}
		if adm != 0 {
			ad = adm
		}
		a.roleID = w.id(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5)) RETURNING id`, typologie, b, ad, a.userID, group)
	}
	a.c = w.login(a.userID, a.roleID)
	return a
}

// newSession stores a new session of the actor and returns its token.
func (a *actor) newSession() string { return a.w.session(a.userID, a.roleID) }

// login returns a client with a logged-in session of the account (and
// role, when not 0) that does not follow redirects.
func (w *cworld) login(userID, roleID int64) *http.Client {
	token := w.session(userID, roleID)
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(w.srv.URL)
	jar.SetCookies(u, []*http.Cookie{{Name: sessionCookieName, Value: token, Path: "/"}})
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// session stores a new session of the account (and role, when not 0) and
// returns its token.
func (w *cworld) session(userID, roleID int64) string {
	w.t.Helper()
	ctx, err := w.s.sessions.Load(context.Background(), "")
	if err != nil {
		w.t.Fatal(err)
	}
	w.s.sessions.Put(ctx, sessionUserID, userID)
	if roleID != 0 {
		w.s.sessions.Put(ctx, sessionRoleID, roleID)
	}
	token, _, err := w.s.sessions.Commit(ctx)
	if err != nil {
		w.t.Fatal(err)
	}
	return token
}

// conv describes a convention to create.
type cconv struct {
	statut, nature, numero, numOp, nom, dept    string
	bailleur, adm, creePar, parent              int64
	signed                                      bool
	types                                       []string
	valideLe, dateDenonciation, dateResiliation *time.Time
	premiereSoumission                          *time.Time
	acte                                        string
	creeLe                                      *time.Time
	logements                                   int
}

type created struct {
	ID   int64
	UUID string
	Prog int64
}

// add inserts a programme, a convention and one PLUS lot with logements
// (one with an annexe), a prêt, a stationnement, a local collectif and a
// cadastral reference.
func (w *cworld) add(c cconv) created {
	w.t.Helper()
	n := cseq.Add(1)
	if c.statut == "" {
		c.statut = "1. Projet"
	}
	if c.nature == "" {
		c.nature = "LOGEMENTSORDINAIRES"
	}
	if c.bailleur == 0 {
		c.bailleur = w.hlm
	}
	var adm any = w.adm
	if c.adm == -1 {
		adm = nil
	} else if c.adm != 0 {
		adm = c.adm
	}
	if c.numOp == "" {
		c.numOp = fmt.Sprintf("2026-75-%05d", n)
	}
	if c.nom == "" {
		c.nom = fmt.Sprintf("Résidence %d", n)
	}
	if c.dept == "" {
		c.dept = "75"
	}
	if c.logements == 0 {
		c.logements = 2
	}
	var progParent any
	if c.parent != 0 {
		progParent = w.id(`SELECT COALESCE(p.parent_id, p.id) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE c.id = $1`, c.parent)
	}
	prog := w.id(`INSERT INTO programmes_programme (nom, numero_operation, numero_operation_pour_recherche, bailleur_id, administration_id,
			code_postal, ville, code_insee_departement, code_insee_region, nature_logement, parent_id, adresse)
		VALUES ($1, $2::text, replace($2::text, '-', ''), $3, $4, $5 || '011', 'Paris', $5, '11', $6, $7, '1 rue de la Roquette') RETURNING id`,
		c.nom, c.numOp, c.bailleur, adm, c.dept, c.nature, progParent)
	var parent, numero, creePar, signe, acte any
	if c.parent != 0 {
		parent = c.parent
	}
	if c.numero != "" {
		numero = c.numero
	}
	if c.creePar != 0 {
		creePar = c.creePar
	}
	if c.signed {
		signe = "convention_signee.pdf"
	}
	if c.acte != "" {
		acte = c.acte
	}
	creeLe := time.Now()
	if c.creeLe != nil {
		creeLe = *c.creeLe
	}
	var out created
	out.Prog = prog
	err := w.pool.QueryRow(context.Background(), `INSERT INTO conventions_convention (programme_id, parent_id, statut, numero, numero_pour_recherche,
			cree_par_id, nom_fichier_signe, valide_le, date_denonciation, date_resiliation, fichier_instruction_resiliation, cree_le,
			premiere_soumission_le, soumis_le, commentaires, adresse, signataire_nom, date_fin_conventionnement,
			attribution_reservation_prefectorale, attribution_modalites_reservations, attribution_modalites_choix_personnes,
			attribution_agees_autonomie, foyer_residence_variante_2_travaux)
		VALUES ($1, $2, $3, $4::text, replace(replace($4::text, '.', ''), '/', ''), $5, $6, $7, $8, $9, $10, $11, $12, $12, 'Merci',
			'1 rue de la Roquette', 'Mme Martin', '2065-06-30', 20, 'Commission', 'Dossier', true, 'Toiture')
		RETURNING id, uuid::text`,
		prog, parent, c.statut, numero, creePar, signe, c.valideLe, c.dateDenonciation, c.dateResiliation, acte, creeLe, c.premiereSoumission).Scan(&out.ID, &out.UUID)
	if err != nil {
		w.t.Fatal(err)
	}
	for _, typ := range c.types {
		w.exec(`INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id) SELECT $1, id FROM conventions_avenanttype WHERE nom = $2`, out.ID, typ)
	}
	lot := w.id(`INSERT INTO programmes_lot (convention_id, financement, nb_logements) VALUES ($1, 'PLUS', $2) RETURNING id`, out.ID, c.logements)
	w.exec(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_annexes, surface_annexes_retenue,
			surface_utile, loyer_par_metre_carre, coeficient, loyer, import_order)
		SELECT 'A' || g, $1, 'T2', 45.00, 10.00, 5.00, 50.00, 6.00, 1.0000, 300.00, g FROM generate_series(1, $2::int) g`, lot, c.logements)
	w.exec(`INSERT INTO programmes_annexe (logement_id, typologie, surface_hors_surface_retenue, loyer_par_metre_carre, loyer)
		SELECT id, 'TERRASSE', 10.00, 1.00, 10.00 FROM programmes_logement WHERE lot_id = $1 ORDER BY id LIMIT 1`, lot)
	w.exec(`INSERT INTO conventions_pret (lot_id, preteur, montant, numero, duree, date_octroi) VALUES ($1, 'CDCF', 1234567.89, 'P1', 40, '2024-01-15')`, lot)
	w.exec(`INSERT INTO programmes_typestationnement (lot_id, typologie, nb_stationnements, loyer) VALUES ($1, 'GARAGE_AERIEN', 3, 40.00)`, lot)
	w.exec(`INSERT INTO programmes_locauxcollectifs (lot_id, type_local, surface_habitable, nombre) VALUES ($1, 'Salle commune', 30.00, 1)`, lot)
	w.exec(`INSERT INTO programmes_referencecadastrale (programme_id, section, numero, lieudit, surface) VALUES ($1, 'AB', '12', 'Les Prés', '500')`, prog)
	return out
}

func (w *cworld) statut(id int64) string {
	return w.str(`SELECT statut FROM conventions_convention WHERE id = $1`, id)
}

// snapshot is the row and its history count (a refused action must leave
// both untouched).
func (w *cworld) snapshot(id int64) string {
	return w.str(`SELECT (SELECT row_to_json(c)::text FROM conventions_convention c WHERE c.id = $1) || '|' ||
		(SELECT count(*) FROM conventions_conventionhistory WHERE convention_id = $1)::text`, id)
}

func (w *cworld) historyCount(id int64) int {
	return int(w.id(`SELECT count(*) FROM conventions_conventionhistory WHERE convention_id = $1`, id))
}

// events lists the notifications waiting in the queue, by kind.
func (w *cworld) events() []notify.Event {
	w.t.Helper()
	opt, err := jobs.RedisOpt(w.redisURL)
	if err != nil {
		w.t.Fatal(err)
	}
	insp := asynq.NewInspector(opt)
	defer insp.Close()
	tasks, err := insp.ListPendingTasks(jobs.QueueDefault)
	if err != nil && !strings.Contains(err.Error(), "not found") {
		w.t.Fatal(err)
	}
	var out []notify.Event
	for _, tk := range tasks {
		var ev notify.Event
		if tk.Type == jobs.GenerateDocument.Type {
			// The validation e-mail waits for its document.
			var then struct{ Then *notify.Event }
			if err := json.Unmarshal(tk.Payload, &then); err != nil {
				w.t.Fatal(err)
			}
			if then.Then != nil {
				out = append(out, *then.Then)
			}
			continue
		}
		if err := json.Unmarshal(tk.Payload, &ev); err != nil {
			w.t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func kinds(evs []notify.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Kind))
	}
	return out
}

// post sends a form without following the redirect.
func (a *actor) post(path string, form url.Values) *http.Response {
	a.w.t.Helper()
	res, err := a.c.PostForm(a.w.srv.URL+path, form)
	if err != nil {
		a.w.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// upload posts a multipart form with one file.
func (a *actor) upload(path, field, name string, content []byte) *http.Response {
	a.w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	res, err := a.c.Post(a.w.srv.URL+path, mw.FormDataContentType(), &buf)
	if err != nil {
		a.w.t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// get returns the status and the unescaped page.
func (a *actor) get(path string) (int, string) {
	a.w.t.Helper()
	res, err := a.c.Get(a.w.srv.URL + path)
	if err != nil {
		a.w.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, html.UnescapeString(string(b))
}

// follow checks a 303 and returns the page it leads to.
func (a *actor) follow(res *http.Response) string {
	a.w.t.Helper()
	if res.StatusCode != http.StatusSeeOther {
		a.w.t.Fatalf("réponse %d, attendu 303 (POST-redirect-GET)", res.StatusCode)
	}
	_, body := a.get(res.Header.Get("Location"))
	return body
}

func recap(u string) string { return "/conventions/recapitulatif/" + u }
