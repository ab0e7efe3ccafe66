package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkStepLogements300 is the logements step of a 300-logement
// convention through the whole handler: session from PostgreSQL, scope
// and capability, content, comments, template; the POST also parses the
// 300 rows, validates them and saves the step in one transaction (the
// same values each time). It runs on a test database of its own:
//
//	go test ./internal/web -run '^$' -bench StepLogements300 -count 5
func BenchmarkStepLogements300(b *testing.B) {
	w := newCWorld(b)
	c := w.add(cconv{logements: 300})
	h := w.s.handler()
	ck := &http.Cookie{Name: sessionCookieName, Value: w.bailleur.newSession()}
	path := step("logements", c.UUID)
	serve := func(req *http.Request, want int) string {
		req.AddCookie(ck)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s : %d, attendu %d", req.Method, path, rec.Code, want)
		}
		return rec.Body.String()
	}
	page := serve(httptest.NewRequest("GET", path, nil), http.StatusOK)
	if n := strings.Count(page, `-designation" value="A`); n != 300 {
		b.Fatalf("%d logements sur la page, attendu 300", n)
	}
	form := formOf(b, page).Encode()
	b.Run("GET", func(b *testing.B) {
		for b.Loop() {
			serve(httptest.NewRequest("GET", path, nil), http.StatusOK)
		}
	})
	b.Run("POST", func(b *testing.B) {
		for b.Loop() {
			req := httptest.NewRequest("POST", path, strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			serve(req, http.StatusSeeOther)
		}
	})
	if got := w.str(`SELECT count(*)::text FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id WHERE l.convention_id = $1`, c.ID); got != "300" {
		b.Errorf("%s logements après les enregistrements", got)
	}
}
