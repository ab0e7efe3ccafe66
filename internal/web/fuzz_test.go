package web

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/api"
	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

// The HTTP fuzz suite of issue 11: every registered route (the router's
// own table, the SIAP API included) receives malformed values in its
// path, its query and its body, under wrong content types and malformed
// multipart bodies, as a superuser, a bailleur and an anonymous visitor.
// No answer may be a 5xx, and a refused request (4xx) must leave the
// database unchanged. Seeded and bounded: the same requests every run,
// in seconds.

// fuzzSeed fixes the requests; change it to explore other samples.
const fuzzSeed = 11

const fuzzAlways = 4

// fuzzValues are the malformed values; the first fuzzAlways are sent to
// every route in every shape, the others sampled.
var fuzzValues = []string{
	"\xff\xfe",                             // invalid UTF-8
	"a\x00b",                               // NUL
	strings.Repeat("x", 5001),              // over every varchar of the schema
	bigValue,                               // 1 MB
	"pas-un-uuid",                          // invalid UUID
	"00000000-0000-0000-0000-000000000000", // unknown UUID
	"99999999999999999999999",              // overflowing number
	"922337203685477581",                   // overflowing OFFSET
	"-1",
	"1e309",
	"%_\\",        // LIKE wildcards
	"2024-02-30",  // impossible date
	"' OR 1=1 --", // SQL-looking text
	"<script>x</script>",
	"",
}

// formFieldRE finds the form and query names the handlers read.
var formFieldRE = regexp.MustCompile(`(?:Get|Has|FormValue|PostFormValue|FormFile|formDate\(w, r)\(?,? ?"([A-Za-z0-9_]+)"`)

// fuzzFields lists every field name read by the handlers of this package
// and by the search filters, so a field added later is fuzzed too.
func fuzzFields(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob("*.go")
	files = append(files, filepath.Join("..", "search", "search.go"))
	seen := map[string]bool{"file": true, "habilitation_id": true}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range formFieldRE.FindAllSubmatch(b, -1) {
			seen[string(m[1])] = true
		}
	}
	var out []string
	for k := range seen {
		out = append(out, k)
	}
	slices.Sort(out)
	if len(out) < 30 {
		t.Fatalf("only %d form fields found: %v", len(out), out)
	}
	return out
}

// fuzzShape is one way of sending a value.
type fuzzShape struct {
	name string
	// build returns the path suffix (query), the content type and the body.
	build func(fields []string, v string, files bool) (query, ct string, body []byte)
}

// bigValue is the 1 MB value: sent in one field per request (every field
// at once would be a 60 MB body, refused for its size alone).
var bigValue = strings.Repeat("é", 1<<19)

// bigField rotates the field that receives bigValue (the requests are
// sent one after the other, in a fixed order).
var bigField int

func allFields(fields []string, v string) url.Values {
	q := url.Values{}
	if v == bigValue {
		bigField++
		q.Set(fields[bigField%len(fields)], v)
		return q
	}
	for _, f := range fields {
		q.Set(f, v)
	}
	return q
}

func multipartBody(fields []string, v string, withFile bool) (string, []byte) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for f, vs := range allFields(fields, v) {
		if f != "file" {
			mw.WriteField(f, vs[0])
		}
	}
	if withFile {
		fw, _ := mw.CreateFormFile("file", v+".pdf")
		fw.Write([]byte("%PDF-1.4\n" + v))
	}
	mw.Close()
	return mw.FormDataContentType(), buf.Bytes()
}

var fuzzShapes = []fuzzShape{
	{"query", func(f []string, v string, _ bool) (string, string, []byte) {
		return allFields(f, v).Encode(), "", nil
	}},
	{"form", func(f []string, v string, _ bool) (string, string, []byte) {
		return "", formCT, []byte(allFields(f, v).Encode())
	}},
	{"multipart", func(f []string, v string, files bool) (string, string, []byte) {
		ct, b := multipartBody(f, v, files)
		return "", ct, b
	}},
	{"json", func(f []string, v string, _ bool) (string, string, []byte) {
		var b strings.Builder
		b.WriteString("{")
		sep := ""
		for name := range allFields(f, v) {
			fmt.Fprintf(&b, "%s%q:%q", sep, name, v)
			sep = ","
		}
		b.WriteString("}")
		return "", "application/json", []byte(b.String())
	}},
}

// Bodies that are malformed whatever the value.
var fuzzMalformed = []struct {
	name, ct, body string
}{
	{"multipart without boundary", "multipart/form-data", "--b\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\ny\r\n--b--\r\n"},
	{"truncated multipart", "multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\n%PDF-1.4 tronq"},
	{"multipart, wrong boundary", "multipart/form-data; boundary=zzz", "--b\r\n\r\n"},
	{"bad content type", "text/html; charset=\"", "x=1"},
	{"plain text", "text/plain", "username=x&password=y"},
	{"xml", "application/xml", "<a>b</a>"},
	{"broken JSON", "application/json", `{"comment": "x", `},
	{"JSON array", "application/json", `[1, 2, {"a": "\u0000"}]`},
	{"form, bad escapes", formCT, "username=%zz&password=%"},
}

func TestHTTPFuzz(t *testing.T) {
	if testing.Short() {
		t.Skip("fuzz suite skipped with -short")
	}
	w := newFuzzWorld(t)
	rng := rand.New(rand.NewPCG(fuzzSeed, fuzzSeed))
	fields := fuzzFields(t)
	var routes []registeredRoute
	for _, rt := range w.s.routeTable() {
		if rt.Pattern != api.Prefix {
			routes = append(routes, rt)
			continue
		}
		// The API is mounted as one prefix: its own routes are fuzzed.
		for _, e := range api.Endpoints() {
			routes = append(routes, registeredRoute{Pattern: e, Rule: rt.Rule})
		}
	}
	if len(routes) < 40 {
		t.Fatalf("only %d routes", len(routes))
	}
	ctx := context.Background()
	changes := func() int64 {
		var n int64
		if err := w.pool.QueryRow(ctx, `SELECT n FROM fuzz_changes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// The first call of a habilitation creates its administration (as a
	// web login does): done before counting.
	warm, _ := http.NewRequest("GET", w.srv.URL+api.Prefix+"convention_kpi/", nil)
	w.authenticate(warm, "siap")
	if res, err := w.client.Do(warm); err != nil || res.StatusCode != 200 {
		t.Fatalf("API warm-up: %v %v", res, err)
	}
	var sent, refused int
	baseline := changes()
	do := func(rt registeredRoute, who, shape, value, method, path, ct string, body []byte) {
		t.Helper()
		req, err := http.NewRequest(method, w.srv.URL+path, bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s %s: %v", rt.Pattern, shape, err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		w.authenticate(req, who)
		res, err := w.client.Do(req)
		if err != nil {
			t.Errorf("%s [%s, %s, %.40q]: %v", rt.Pattern, who, shape, value, err)
			return
		}
		page, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
		res.Body.Close()
		sent++
		if res.StatusCode >= 500 {
			t.Errorf("%s %s [%s, %s, %.40q] → %d\n%.300s", method, rt.Pattern, who, shape, value, res.StatusCode, page)
		}
		n := changes()
		if res.StatusCode >= 400 {
			refused++
			if n != baseline {
				t.Errorf("%s %s [%s, %s, %.40q] → %d but the database changed", method, rt.Pattern, who, shape, value, res.StatusCode)
			}
		}
		baseline = n
	}
	for _, rt := range routes {
		method, pattern, _ := strings.Cut(rt.Pattern, " ")
		files := slices.Contains(fileRoutes, rt.Pattern)
		whos := []string{"superuser", "bailleur", "anonyme"}
		if strings.HasPrefix(pattern, api.Prefix) {
			whos = []string{"siap", "anonyme"}
		}
		// Malformed path values, where the pattern has some.
		if strings.Contains(strings.TrimSuffix(pattern, "{$}"), "{") {
			for _, v := range fuzzValues {
				if v == "" {
					continue
				}
				do(rt, whos[rng.IntN(len(whos))], "path", v, method, w.path(pattern, v), "", nil)
			}
		}
		// Malformed values in every field, by each shape: the values
		// PostgreSQL refuses every time, and a sample of the others
		// (the suite stays within seconds).
		for _, sh := range fuzzShapes {
			if method == "GET" && sh.name != "query" {
				continue
			}
			values := fuzzValues[:fuzzAlways]
			for _, i := range rng.Perm(len(fuzzValues) - fuzzAlways)[:2] {
				values = append(values[:len(values):len(values)], fuzzValues[fuzzAlways+i])
			}
			for _, v := range values {
				q, ct, body := sh.build(fields, v, files)
				p := w.path(pattern, "")
				if q != "" {
					p += "?" + q
				}
				do(rt, whos[rng.IntN(len(whos))], sh.name, v, method, p, ct, body)
			}
		}
		if method == "GET" {
			continue
		}
		for _, m := range fuzzMalformed {
			do(rt, whos[rng.IntN(len(whos))], m.name, "", method, w.path(pattern, ""), m.ct, []byte(m.body))
		}
	}
	t.Logf("%d requests over %d routes, %d refused (4xx)", sent, len(routes), refused)
}

// fileRoutes are the routes declared with acceptFiles (they get a file
// in their multipart bodies).
var fileRoutes = []string{"POST /conventions/sent/{uuid}", "POST /conventions/publication/{uuid}"}

type fuzzWorld struct {
	*cworld
	client    *http.Client
	convs     []created
	commentID string
	apiKey    []byte
}

// newFuzzWorld is a convention world with the SIAP API mounted (fake
// SIAP), conventions in several statuts, a comment, and a trigger that
// counts every row written outside the sessions table.
func newFuzzWorld(t *testing.T) *fuzzWorld {
	t.Helper()
	w := &fuzzWorld{cworld: newCWorld(t), apiKey: []byte("clé de l'API du SIAP")}
	siapKey := []byte("clé APiLos → SIAP")
	fake := siaptest.NewServer(t, siapKey)
	apiHandler := api.New(api.Options{JWTKey: w.apiKey, DB: w.pool, Logger: w.s.log,
		Habilitations: &habilitation.Service{Pool: w.pool, SIAP: fake.Client(t, siapKey, 0)}})
	w.s.handle(api.Prefix, access.Delegated("jeton JWT du SIAP (test)"), apiHandler)
	for _, st := range []convention.Statut{convention.Instruction, convention.ASigner, convention.Signee, convention.Projet} {
		w.convs = append(w.convs, w.add(cconv{statut: string(st), numero: "75.D.26." + strings.ReplaceAll(string(st)[:1], " ", "")}))
	}
	w.commentID = w.str(`INSERT INTO comments_comment (uuid, nom_objet, champ_objet, convention_id, user_id, message, statut, cree_le, mis_a_jour_le)
		VALUES (gen_random_uuid(), 'programme', 'nom', $1, $2, 'à revoir', 'OUVERT', now(), now()) RETURNING uuid::text`, w.convs[0].ID, w.instr.userID)
	w.client = &http.Client{Timeout: time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.exec(`CREATE TABLE fuzz_changes (n bigint NOT NULL)`)
	w.exec(`INSERT INTO fuzz_changes VALUES (0)`)
	w.exec(`CREATE FUNCTION fuzz_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE fuzz_changes SET n = n + 1; RETURN NULL; END $$`)
	w.exec(`DO $$ DECLARE t text; BEGIN
		FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public'
			-- sessions: every request touches its own; login_lockout: a
			-- refused login is counted on purpose (5 failures lock).
			AND tablename NOT IN ('sessions', 'login_lockout', 'fuzz_changes') LOOP
			EXECUTE format('CREATE TRIGGER fuzz_count AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW EXECUTE FUNCTION fuzz_count()', t);
		END LOOP; END $$`)
	return w
}

// path fills the pattern's wildcards: with v when given, else with
// valid values (a convention, a comment, the mock operation...).
func (w *fuzzWorld) path(pattern, v string) string {
	c := w.convs[len(pattern)%len(w.convs)]
	repl := map[string]string{
		"{uuid}": c.UUID, "{comment}": w.commentID, "{numero...}": "2026-75-00001", "{numero}": "20220600006",
		"{uidb64}": "MQ", "{token}": "jeton", "{step}": "financement", "{table}": "prets", "{version}": "v", "{path...}": "app.css", "{file}": "00000000-0000-0000-0000-000000000000",
	}
	p := strings.TrimSuffix(pattern, "{$}")
	for k, def := range repl {
		if v != "" {
			def = url.PathEscape(v)
		}
		p = strings.ReplaceAll(p, k, def)
	}
	if strings.Contains(p, "{") {
		panic("wildcard non remplacé dans " + pattern)
	}
	return p
}

// authenticate gives the request a fresh session (logout and
// impersonation end theirs) or a SIAP token.
func (w *fuzzWorld) authenticate(req *http.Request, who string) {
	var a *actor
	switch who {
	case "anonyme":
		return
	case "siap":
		tok, err := jwt.Sign(w.apiKey, "siap.user", 12, time.Now())
		if err != nil {
			w.t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		return
	case "superuser":
		a = w.superuser
	default:
		a = w.bailleur
	}
	req.AddCookie(&http.Cookie{Name: sessionCookieName, Value: a.newSession()})
}
