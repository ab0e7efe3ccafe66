package web

// Benchmarks of the convention pages on a generated volume. They need a
// database filled by `apilos generate` and are skipped otherwise, so
// `make test` never runs them:
//
//	createdb apilos_bench
//	DATABASE_URL=postgres://…/apilos_bench apilos migrate up
//	DATABASE_URL=postgres://…/apilos_bench apilos load-permissions
//	DATABASE_URL=postgres://…/apilos_bench apilos generate --conventions 200000
//	APILOS_BENCH_DB=postgres://…/apilos_bench go test ./internal/web/ \
//	    -run '^$' -bench 'Search|Recap' -benchtime 200x -count 5
//
// Each iteration is one request through the whole handler (session from
// PostgreSQL, Subject, rule, queries, template), in process: the time is
// the server time. The benchmarks add two accounts to that database
// (bench.instructeur, bench.superuser) on their first run.

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

type benchEnv struct {
	h           http.Handler
	instructeur *http.Cookie
	superuser   *http.Cookie
	big         string // uuid of the 300-logement convention
	nom         string // a word of a programme name (a broad term)
	nomComplet  string // a whole programme name (a precise term)
	numero      string // last digits of a convention number
}

var benchOnce struct {
	env *benchEnv
	err error
}

func benchSetup(b *testing.B) *benchEnv {
	b.Helper()
	url := os.Getenv("APILOS_BENCH_DB")
	if url == "" {
		b.Skip("APILOS_BENCH_DB absent : donnez l'URL d'une base remplie par « apilos generate --conventions 200000 »")
	}
	if benchOnce.env != nil || benchOnce.err != nil {
		if benchOnce.err != nil {
			b.Fatal(benchOnce.err)
		}
		return benchOnce.env
	}
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		b.Fatal(err)
	}
	env := &benchEnv{}
	var adm int64
	// The 300-logement convention is the first one `apilos generate`
	// writes: signed, 300 logements.
	err = pool.QueryRow(ctx, `SELECT c.uuid::text, p.administration_id FROM conventions_convention c
		JOIN programmes_programme p ON p.id = c.programme_id
		WHERE (SELECT sum(l.nb_logements) FROM programmes_lot l WHERE l.convention_id = c.id) = 300 AND c.parent_id IS NULL
		ORDER BY c.id LIMIT 1`).Scan(&env.big, &adm)
	if err != nil {
		b.Fatalf("convention de 300 logements introuvable (base générée par apilos generate ?) : %v", err)
	}
	if err := pool.QueryRow(ctx, `SELECT split_part(p.nom, ' ', 2), p.nom, right(c.numero_pour_recherche, 4)
		FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		WHERE c.numero IS NOT NULL AND c.parent_id IS NULL ORDER BY c.id DESC LIMIT 1`).Scan(&env.nom, &env.nomComplet, &env.numero); err != nil {
		b.Fatal(err)
	}
	user := func(login string, super bool) int64 {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, first_name, last_name, is_active, is_superuser,
				is_staff, preferences_email, date_joined)
			VALUES ('!', $1::text, $1::text || '@example.org', 'Bench', 'Test', true, $2, false, 'AUCUN', now())
			ON CONFLICT (username) DO UPDATE SET is_active = true RETURNING id`, login, super).Scan(&id); err != nil {
			b.Fatal(err)
		}
		return id
	}
	instr := user("bench.instructeur", false)
	super := user("bench.superuser", true)
	var role int64
	if err := pool.QueryRow(ctx, `SELECT id FROM users_role WHERE user_id = $1`, instr).Scan(&role); err != nil {
		if err := pool.QueryRow(ctx, `INSERT INTO users_role (typologie, administration_id, user_id, group_id)
			VALUES ($1, $2, $3, (SELECT id FROM auth_group WHERE name = $4)) RETURNING id`,
			access.TypologieInstructeur, adm, instr, access.GroupInstructeur).Scan(&role); err != nil {
			b.Fatal(err)
		}
	}
	s, err := newServer(Options{Environment: "development", DB: pool, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	cookie := func(uid, role int64) *http.Cookie {
		ctx, err := s.sessions.Load(context.Background(), "")
		if err != nil {
			b.Fatal(err)
		}
		s.sessions.Put(ctx, sessionUserID, uid)
		if role != 0 {
			s.sessions.Put(ctx, sessionRoleID, role)
		}
		token, _, err := s.sessions.Commit(ctx)
		if err != nil {
			b.Fatal(err)
		}
		return &http.Cookie{Name: sessionCookieName, Value: token}
	}
	env.instructeur, env.superuser = cookie(instr, role), cookie(super, 0)
	env.h = s.handler()
	benchOnce.env = env
	return env
}

func benchGet(b *testing.B, env *benchEnv, ck *http.Cookie, path string) {
	b.Helper()
	// One warm-up request, checked.
	do := func() *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", path, nil)
		req.AddCookie(ck)
		rec := httptest.NewRecorder()
		env.h.ServeHTTP(rec, req)
		return rec
	}
	if rec := do(); rec.Code != http.StatusOK {
		b.Fatalf("%s : %d", path, rec.Code)
	}
	b.ResetTimer()
	for b.Loop() {
		if rec := do(); rec.Code != http.StatusOK {
			b.Fatalf("%s : %d", path, rec.Code)
		}
	}
}

func BenchmarkSearchNoFilterSuperuser(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche")
}

func BenchmarkSearchNoFilterInstructeur(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.instructeur, "/conventions/recherche")
}

func BenchmarkSearchTextNom(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche?search_operation_nom="+env.nom)
}

func BenchmarkSearchTextNomComplet(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche?search_operation_nom="+url.QueryEscape(env.nomComplet))
}

func BenchmarkSearchTextNumero(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche?search_numero="+env.numero)
}

func BenchmarkSearchTextLieu(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche?search_lieu=Montpelier")
}

func BenchmarkSearchStatut(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.superuser, "/conventions/recherche?cstatut=2.+Instruction+requise")
}

func BenchmarkSearchStatutSigneeInstructeur(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.instructeur, "/conventions/recherche?cstatut=5.+Sign%C3%A9e&page=3")
}

func BenchmarkRecap300Logements(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.instructeur, "/conventions/recapitulatif/"+env.big)
}

func BenchmarkPostAction300Logements(b *testing.B) {
	env := benchSetup(b)
	benchGet(b, env, env.instructeur, "/conventions/post_action/"+env.big)
}
