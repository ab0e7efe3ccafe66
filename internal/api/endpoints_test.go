package api

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

// The OpenAPI document describes exactly the routes of the table: a route
// added without its description (or a description without its route)
// fails here.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	var doc struct {
		OpenAPI string                    `yaml:"openapi"`
		Paths   map[string]map[string]any `yaml:"paths"`
	}
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", doc.OpenAPI)
	}
	described := map[string]bool{}
	for path, ops := range doc.Paths {
		for method, v := range ops {
			op, ok := v.(map[string]any)
			if method == "parameters" || !ok {
				continue
			}
			key := strings.ToUpper(method) + " " + strings.TrimPrefix(path, "/")
			described[key] = true
			resp, _ := op["responses"].(map[string]any)
			if op["summary"] == nil || len(resp) == 0 {
				t.Errorf("%s : résumé ou réponses manquants", key)
			}
		}
	}
	a := newServer(Options{JWTKey: key})
	routes := map[string]bool{}
	for _, r := range a.routes {
		k := r.Method + " " + r.Path
		routes[k] = true
		if !described[k] {
			t.Errorf("route %s absente de openapi.yaml : décrivez-la", k)
		}
	}
	for k := range described {
		if !routes[k] {
			t.Errorf("openapi.yaml décrit %s, qui n'est pas une route", k)
		}
	}
	if !json.Valid(openAPIJSON) {
		t.Error("openapi JSON invalide")
	}

	srv := httptest.NewServer(a.mux)
	t.Cleanup(srv.Close)
	for _, q := range []string{"", "?format=json"} {
		res, err := http.Get(srv.URL + Prefix + "schema/" + q)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), "convention_kpi") {
			t.Errorf("schema/%s : %d", q, res.StatusCode)
		}
	}
}

// habilitationsWith returns the mock habilitations plus test ones: each
// extra is a copy of the mock habilitation base with changes.
func habilitationsWith(t *testing.T, extra map[int64]func(h map[string]any)) []byte {
	t.Helper()
	b, err := siap.MockPayloads.ReadFile("mock/habilitations.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Habilitations []map[string]any `json:"habilitations"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	byID := map[int64]map[string]any{}
	for _, h := range doc.Habilitations {
		byID[int64(h["id"].(float64))] = h
	}
	ids := make([]int64, 0, len(extra))
	for id := range extra {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		var h map[string]any
		raw, _ := json.Marshal(byID[12]) // SER_GEST 13055 as a base
		json.Unmarshal(raw, &h)
		h["id"] = id
		extra[id](h)
		doc.Habilitations = append(doc.Habilitations, h)
	}
	out, _ := json.Marshal(doc)
	return out
}

// apiCall sends method url with the bearer token and decodes the JSON.
func apiCall(t *testing.T, method, url, tok string) (int, any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s %s : corps non JSON %q", method, url, b)
	}
	return res.StatusCode, v
}

func field(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, _ := strconv.Atoi(p)
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// Every endpoint with a token in scope, out of scope, read-only, and
// every kind of bad token; over HTTP, with a fake SIAP and PostgreSQL.
func TestAPIEndpoints(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	siapKey := []byte("clé APiLos → SIAP")
	fake := siaptest.NewServer(t, siapKey)
	const (
		habMO          = 5  // MO 13 HABITAT (siren 782855696), région 93
		habCentrale    = 3  // administration centrale
		habInstr       = 12 // SER_GEST 13055, the operation's gestionnaire
		habOtherInstr  = 40 // SER_GEST of another administration
		habReadOnly    = 41 // SER_GEST 13055, reader
		habOtherMO     = 42 // MO of another bailleur
		habOtherRegion = 43 // DIR_REG of another region
		habPartenaire  = 44
	)
	fake.SetHabilitations(habilitationsWith(t, map[int64]func(map[string]any){
		habOtherInstr: func(h map[string]any) {
			h["gestionnaire"] = map[string]any{"code": "69123", "libelle": "69123 - Métropole de Lyon"}
		},
		habReadOnly: func(h map[string]any) { h["groupe"].(map[string]any)["codeRole"] = "SERV_INSTR_LECTEUR" },
		habOtherMO: func(h map[string]any) {
			h["groupe"] = map[string]any{"profil": map[string]any{"code": "MO_PERS_MORALE"}, "codeRole": "MO_MORAL_NAT_ADMIN"}
			h["entiteMorale"] = map[string]any{"nom": "Autre HLM", "siren": "999999999", "codeFamilleMO": "HLM"}
			h["porteeTerritComp"] = map[string]any{"codePortee": "NAT"}
		},
		habOtherRegion: func(h map[string]any) {
			h["groupe"] = map[string]any{"profil": map[string]any{"code": "DIR_REG"}, "codeRole": "DIR_REG_ADMIN"}
			h["porteeTerritComp"] = map[string]any{"codePortee": "REG", "regComp": map[string]any{"code": 11}}
		},
		habPartenaire: func(h map[string]any) {
			h["groupe"] = map[string]any{"profil": map[string]any{"code": "PARTENAIRES"}, "codeRole": "PARTENAIRES"}
			h["porteeTerritComp"] = map[string]any{"codePortee": "NAT"}
		},
	}))
	svc := &habilitation.Service{Pool: pool, SIAP: fake.Client(t, siapKey, 0)}
	srv := httptest.NewServer(New(Options{JWTKey: key, Habilitations: svc, DB: pool, Logger: slogDiscard()}))
	t.Cleanup(srv.Close)
	tok := func(hab int64) string { return mustSign(t, "siap.user", hab, time.Now()) }
	const num = siap.MockOperation
	u := func(path string) string { return srv.URL + Prefix + strings.ReplaceAll(path, "{numero}", num) }
	count := func(sql string, args ...any) int {
		var n int
		if err := pool.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	convs := func() int {
		return count(`SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE p.numero_operation = $1`, num)
	}

	// Nothing yet: 404 for everyone, even in scope.
	if st, body := apiCall(t, "GET", u("operation/{numero}/"), tok(habInstr)); st != 404 || field(body, "detail") == nil {
		t.Fatalf("opération absente : %d %v", st, body)
	}
	// POST out of scope: SIAP gives the operation, but its programme is
	// not the caller's: 404 and nothing is written.
	for _, h := range []int64{habOtherInstr, habOtherMO, habOtherRegion} {
		if st, body := apiCall(t, "POST", u("operation/{numero}/"), tok(h)); st != 404 {
			t.Errorf("POST hors périmètre (habilitation %d) : %d %v", h, st, body)
		}
	}
	if st, _ := apiCall(t, "POST", u("operation/{numero}/"), tok(habReadOnly)); st != 403 {
		t.Errorf("POST en lecture seule : %d", st)
	}
	if st, _ := apiCall(t, "POST", u("operation/{numero}/"), tok(habPartenaire)); st != 403 {
		t.Errorf("POST partenaire : %d", st)
	}
	if n := count(`SELECT count(*) FROM programmes_programme`); n != 0 {
		t.Fatalf("%d programmes written by refused calls", n)
	}
	// Unknown in SIAP.
	if st, body := apiCall(t, "POST", srv.URL+Prefix+"operation/123/", tok(habInstr)); st != 404 {
		t.Errorf("opération inconnue du SIAP : %d %v", st, body)
	}

	// POST in scope: the programme and one PLUS convention.
	st, body := apiCall(t, "POST", u("operation/{numero}/"), tok(habInstr))
	if st != 200 {
		t.Fatalf("POST : %d %v", st, body)
	}
	for path, want := range map[string]any{
		"nom": "Programme 2", "numero_operation": num, "ville": "Marseille", "code_postal": "13010",
		"zone_abc": "02", "zone_123": "A", "type_operation": "NEUF",
		"bailleur/siren": "782855696", "administration/code": "13055",
		"conventions/0/statut": "1. Projet", "conventions/0/lots/0/financement": "PLUS",
		"conventions/0/lots/0/type_habitat": "COLLECTIF", "conventions/0/lots/0/nb_logements": float64(1),
		"conventions/0/operation_version/nom": "Programme 2",
		// The garages of the PLUS aid (none in number, no rent).
		"conventions/0/lots/0/type_stationnements/0/typologie":         "GARAGE_ENTERRE",
		"conventions/0/lots/0/type_stationnements/1/typologie":         "PARKING_SUPERSTRUCTURE",
		"conventions/0/lots/0/type_stationnements/1/nb_stationnements": float64(0),
		"conventions/0/lots/0/type_stationnements/1/loyer":             "0.00",
	} {
		if got := field(body, strings.Split(path, "/")...); got != want {
			t.Errorf("POST %s = %v, veut %v", path, got, want)
		}
	}
	if st, _ := apiCall(t, "POST", u("operation/{numero}"), tok(habInstr)); st != 200 || convs() != 1 {
		t.Errorf("second POST (sans barre finale) : %d, %d conventions", st, convs())
	}

	// GET: in scope for the instructeur, the bailleur, the central
	// administration; not for the others.
	for _, tt := range []struct {
		hab  int64
		want int
	}{{habInstr, 200}, {habMO, 200}, {habCentrale, 200}, {habReadOnly, 200}, {habPartenaire, 200},
		{habOtherInstr, 404}, {habOtherMO, 404}, {habOtherRegion, 404}} {
		for _, path := range []string{"operation/{numero}/", "operation/{numero}", "close_operation/{numero}/"} {
			for _, m := range []string{"GET", "POST"} {
				if m == "POST" && path != "close_operation/{numero}/" {
					continue
				}
				if st, body := apiCall(t, m, u(path), tok(tt.hab)); st != tt.want {
					t.Errorf("%s %s habilitation %d : %d %v, veut %d", m, path, tt.hab, st, body, tt.want)
				}
			}
		}
	}

	// KPI per habilitation.
	for _, tt := range []struct {
		hab  int64
		want string
	}{
		{habInstr, "en instruction=0 en correction=0 à signer=0"},
		{habMO, "en projet=1 en correction=0 à signer=0"},
		{habCentrale, "en cours=1"},
		{habOtherInstr, "en instruction=0 en correction=0 à signer=0"},
		{habOtherRegion, "en cours=0"},
		{habPartenaire, ""},
	} {
		st, body := apiCall(t, "GET", u("convention_kpi/"), tok(tt.hab))
		var got []string
		for _, ind := range body.([]any) {
			got = append(got, field(ind, "indicateur_label").(string)+"="+strconv.Itoa(int(field(ind, "indicateur_valeur").(float64))))
			if !strings.HasPrefix(field(ind, "indicateur_redirection_url").(string), "/conventions/recherche?cstatut=") {
				t.Errorf("url %v", field(ind, "indicateur_redirection_url"))
			}
		}
		if st != 200 || strings.Join(got, " ") != tt.want {
			t.Errorf("KPI habilitation %d : %d %q, veut %q", tt.hab, st, strings.Join(got, " "), tt.want)
		}
	}

	// Closing: not all signed while the convention is in progress; once
	// signed, it is the last state of its financement.
	if _, body := apiCall(t, "GET", u("close_operation/{numero}/"), tok(habInstr)); field(body, "all_conventions_are_signed") != false ||
		len(field(body, "last_conventions_state").([]any)) != 0 {
		t.Errorf("clôture en cours : %v", body)
	}
	pool.Exec(ctx, `UPDATE conventions_convention SET statut = '5. Signée'`)
	if _, body := apiCall(t, "GET", u("close_operation/{numero}/"), tok(habInstr)); field(body, "all_conventions_are_signed") != true ||
		field(body, "last_conventions_state", "0", "lots", "0", "financement") != "PLUS" {
		t.Errorf("clôture signée : %v", body)
	}

	// Cancel: refused while a convention is active, then out of scope,
	// read-only, and done.
	if st, body := apiCall(t, "POST", u("cancel_operation/{numero}/"), tok(habInstr)); st != 409 || field(body, "status") != "ERROR" ||
		!strings.Contains(field(body, "message").(string), "dénoncer ou résilier") {
		t.Errorf("annulation d'une opération signée : %d %v", st, body)
	}
	pool.Exec(ctx, `UPDATE conventions_convention SET statut = '2. Instruction requise'`)
	for h, want := range map[int64]int{habOtherInstr: 404, habOtherMO: 404, habReadOnly: 403, habPartenaire: 403} {
		if st, body := apiCall(t, "POST", u("cancel_operation/{numero}/"), tok(h)); st != want {
			t.Errorf("annulation habilitation %d : %d %v, veut %d", h, st, body, want)
		}
	}
	if n := count(`SELECT count(*) FROM conventions_convention WHERE statut = '2. Instruction requise'`); n != 1 {
		t.Fatal("a refused cancellation changed the convention")
	}
	if st, body := apiCall(t, "POST", u("cancel_operation/{numero}/"), tok(habInstr)); st != 200 || field(body, "status") != "SUCCESS" {
		t.Errorf("annulation : %d %v", st, body)
	}
	if n := count(`SELECT count(*) FROM conventions_convention WHERE statut = '8. Annulée en suivi'`); n != 1 {
		t.Error("convention not cancelled")
	}
	if n := count(`SELECT count(*) FROM conventions_conventionhistory WHERE statut_convention = '8. Annulée en suivi' AND statut_convention_precedent = '2. Instruction requise' AND user_id IS NULL`); n != 1 {
		t.Error("no history row for the cancellation")
	}

	// Every route refuses every bad token with 401.
	now := time.Now()
	hs := map[string]any{"alg": "HS256", "typ": "JWT"}
	bad := map[string]string{
		"no token":         "",
		"expired":          forge(hs, claims(now.Add(-10*time.Minute), nil), key),
		"wrong key":        forge(hs, claims(now, nil), []byte("autre clé")),
		"alg none":         forge(map[string]any{"alg": "none"}, claims(now, nil), nil),
		"iat in future":    forge(hs, claims(now.Add(time.Hour), nil), key),
		"exp in ten years": forge(hs, claims(now, func(p map[string]any) { p["exp"] = now.AddDate(10, 0, 0).Unix() }), key),
		"exp as a string":  forge(hs, claims(now, func(p map[string]any) { p["exp"] = strconv.FormatInt(now.Add(time.Minute).Unix(), 10) }), key),
		"no iat":           forge(hs, claims(now, func(p map[string]any) { delete(p, "iat") }), key),
		"no jti":           forge(hs, claims(now, func(p map[string]any) { delete(p, "jti") }), key),
	}
	a := newServer(Options{JWTKey: key})
	for _, r := range a.routes {
		for name, b := range bad {
			if st, body := apiCall(t, r.Method, u(r.Path), b); st != 401 {
				t.Errorf("%s %s, %s : %d %v", r.Method, r.Path, name, st, body)
			}
		}
		if r.Path == "config/" {
			continue
		}
		if st, body := apiCall(t, r.Method, u(r.Path), mustSign(t, "siap.user", 0, now)); st != 401 || field(body, "code") != "user_not_found" {
			t.Errorf("%s %s without habilitation-id: %d %v", r.Method, r.Path, st, body)
		}
	}
}

func TestHabilitationCache(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	c := newSubjectCache(time.Minute, clock)
	c.put("u", 12, &access.Subject{CerbereLogin: "u", Role: &access.Role{AdministrationID: 7}})
	got, ok := c.get("u", 12)
	if !ok || got.Role.AdministrationID != 7 {
		t.Fatalf("cache : %v %v", got, ok)
	}
	got.Role.AdministrationID = 8 // a request's copy does not change the cache
	if again, _ := c.get("u", 12); again.Role.AdministrationID != 7 {
		t.Error("cached subject shared between requests")
	}
	if _, ok := c.get("u", 13); ok {
		t.Error("other habilitation served from the cache")
	}
	now = now.Add(61 * time.Second)
	if _, ok := c.get("u", 12); ok {
		t.Error("expired entry served")
	}
	if _, ok := newSubjectCache(0, clock).get("u", 12); ok {
		t.Error("TTL 0 caches")
	}
}

func TestKPICache(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	c := newKPICache(KPITTL, func() time.Time { return now })
	calls := 0
	count := func(context.Context) ([]convention.Indicator, error) {
		calls++
		return []convention.Indicator{{Label: "en cours", Valeur: int64(calls)}}, nil
	}
	adm := func(id int64) *access.Subject {
		return &access.Subject{IsActive: true, Role: &access.Role{Typologie: access.TypologieInstructeur, Profile: access.ProfileSerGest, AdministrationID: id}}
	}
	ctx := context.Background()
	c.get(ctx, adm(1), count)
	if got, _ := c.get(ctx, adm(1), count); calls != 1 || got[0].Valeur != 1 {
		t.Errorf("same scope counted %d times", calls)
	}
	if c.get(ctx, adm(2), count); calls != 2 {
		t.Error("another administration served the first one's figures")
	}
	now = now.Add(KPITTL + time.Second)
	if got, _ := c.get(ctx, adm(1), count); calls != 3 || got[0].Valeur != 3 {
		t.Error("figures served after KPITTL")
	}
}
