package web

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

func init() {
	renderFixtures["refused"] = func(p Page) (any, []string) {
		return inputErrorView{Page: p, Status: 413, Reason: msgTooLargeForm, Hint: hintTooLargeForm},
			[]string{"Demande refusée", "Erreur 413", "trop volumineux", "Raccourcissez"}
	}
}

// send posts body with content type ct as actor a (nil: anonymous) and
// returns the status and the body.
func send(t *testing.T, w *cworld, a *actor, method, path, ct string, body io.Reader) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if a != nil {
		c = a.c
	}
	req, err := http.NewRequest(method, w.srv.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s : %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

const formCT = "application/x-www-form-urlencoded"

// Defect 2 and 3 of issue 11: values PostgreSQL refuses, and malformed
// forms, answer the French 400 before any handler.
func TestInputLayerRefusesBadValues(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0011"})
	trunc := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 tronqu"
	for _, tt := range []struct {
		name             string
		a                *actor
		method, path, ct string
		body             string
		want             int
		wantText         string
	}{
		{"login invalid UTF-8", nil, "POST", "/accounts/login/", formCT, "username=%FF&password=x", 400, "UTF-8"},
		{"login NUL", nil, "POST", "/accounts/login/", formCT, "username=a%00b&password=x", 400, "octet nul"},
		{"search lieu", w.instr, "GET", "/conventions/recherche?search_lieu=%FF%FE", "", "", 400, "UTF-8"},
		{"search numero NUL", w.instr, "GET", "/conventions/recherche?search_numero=a%00b", "", "", 400, "UTF-8"},
		{"search bailleur NUL", w.instr, "GET", "/conventions/recherche?bailleur=a%00b", "", "", 400, "UTF-8"},
		{"query badly escaped", w.instr, "GET", "/conventions/recherche?search_lieu=%zz", "", "", 400, "mal encodés"},
		{"operation path NUL", w.instr, "GET", "/operations/a%00b", "", "", 400, "UTF-8"},
		{"validate numero", w.instr, "POST", "/conventions/validate/" + c.UUID, formCT, "convention_numero=%C3%28", 400, "UTF-8"},
		{"publication date reference", w.instr, "POST", "/conventions/publication/" + c.UUID + "/date", formCT, "reference_spf=r%00", 400, "UTF-8"},
		{"new avenant type", w.instr, "POST", "/conventions/new_avenant/" + c.UUID, formCT, "avenant_type=%FF", 400, "UTF-8"},
		{"comment JSON NUL", w.instr, "POST", "/comments/", "application/json", `{"comment":"a\u0000b","convention_uuid":"` + c.UUID + `"}`, 400, "octet nul"},
		{"comment JSON key NUL", w.instr, "POST", "/comments/", "application/json", `{"a\u0000":"x"}`, 400, "octet nul"},
		{"multipart without boundary", w.bailleur, "POST", "/conventions/sent/" + c.UUID, "multipart/form-data", trunc, 400, "illisible"},
		{"multipart truncated", w.bailleur, "POST", "/conventions/sent/" + c.UUID, "multipart/form-data; boundary=b", trunc, 400, "illisible"},
		{"multipart truncated, publication", w.instr, "POST", "/conventions/publication/" + c.UUID, "multipart/form-data; boundary=b", trunc, 400, "illisible"},
		{"multipart file name", w.bailleur, "POST", "/conventions/sent/" + c.UUID, "multipart/form-data; boundary=b",
			"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\xffb.pdf\"\r\n\r\n%PDF-1.4\r\n--b--\r\n", 400, "UTF-8"},
		{"file on a form route", nil, "POST", "/accounts/login/", "multipart/form-data; boundary=b",
			"--b\r\nContent-Disposition: form-data; name=\"blob\"; filename=\"x.bin\"\r\n\r\nxxx\r\n--b--\r\n", 400, "pas de fichier"},
		{"malformed content type", nil, "POST", "/accounts/login/", "multipart/form-data; boundary=", "x", 400, "illisible"},
		{"form over the limit", nil, "POST", "/accounts/login/", formCT, "username=" + strings.Repeat("a", maxFormBytes), 413, "trop volumineux"},
		{"API path NUL", nil, "GET", "/api-siap/v0/operation/a%00b/", "", "", 400, `"detail"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := w.snapshot(c.ID)
			status, h, body := send(t, w, tt.a, tt.method, tt.path, tt.ct, strings.NewReader(tt.body))
			if status != tt.want || !strings.Contains(body, tt.wantText) {
				t.Fatalf("%d %q, want %d with %q", status, body, tt.want, tt.wantText)
			}
			if !strings.Contains(tt.path, "api-siap") && !strings.HasPrefix(tt.ct, "application/json") && !strings.Contains(h.Get("Content-Type"), "text/html") {
				t.Errorf("Content-Type %q: want the French page", h.Get("Content-Type"))
			}
			if w.snapshot(c.ID) != before {
				t.Error("la convention a changé")
			}
		})
	}
	// Valid accents still pass.
	if status, _, body := send(t, w, w.instr, "GET", "/conventions/recherche?search_lieu="+url.QueryEscape("Besançon"), "", nil); status != 200 {
		t.Errorf("valid UTF-8: %d %s", status, body)
	}
}

// bigMultipart is a multipart body with a file of size bytes and the
// login fields.
func bigMultipart(size int) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("username", "x")
	mw.WriteField("password", "x")
	fw, _ := mw.CreateFormFile("file", "gros.pdf")
	fw.Write([]byte("%PDF-1.4\n"))
	fw.Write(bytes.Repeat([]byte{'x'}, size))
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// Defect 1 of issue 11: a 40 MB multipart body is refused with 413 on a
// form route (login), on a PDF route and on an anonymous route, and no
// temporary file remains; an accepted upload's temporary file is removed
// too (the handler works on a copy of the request, which the server
// never cleans).
func TestUploadLimitsLeaveNoTemporaryFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0012"})
	left := func() []string {
		entries, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	body, ct := bigMultipart(40 << 20)
	for _, tt := range []struct {
		name string
		a    *actor
		path string
	}{
		{"login", nil, "/accounts/login/"},
		{"signed PDF", w.bailleur, "/conventions/sent/" + c.UUID},
		{"publication PDF", w.instr, "/conventions/publication/" + c.UUID},
		{"anonymous password reset", nil, "/accounts/password_reset/"},
	} {
		status, _, page := send(t, w, tt.a, "POST", tt.path, ct, bytes.NewReader(body))
		if status != http.StatusRequestEntityTooLarge || !strings.Contains(page, "trop volumineux") {
			t.Errorf("%s: %d, want 413 with the French page", tt.name, status)
		}
		if l := left(); len(l) > 0 {
			t.Errorf("%s: temporary files left: %v", tt.name, l)
		}
	}
	if w.str(`SELECT nom_fichier_signe FROM conventions_convention WHERE id = $1`, c.ID) != "" {
		t.Error("a refused upload was recorded")
	}

	// A 3 MB PDF is over the in-memory part: it goes through a temporary
	// file, which is gone once the answer is sent.
	body, ct = bigMultipart(3 << 20)
	status, h, _ := send(t, w, w.bailleur, "POST", "/conventions/sent/"+c.UUID, ct, bytes.NewReader(body))
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/conventions/upload_signed/date/") {
		t.Fatalf("3 MB PDF: %d %s", status, h.Get("Location"))
	}
	if l := left(); len(l) > 0 {
		t.Errorf("accepted upload: temporary files left: %v", l)
	}
}

// Logged-in pages and documents are not kept by caches; anonymous pages
// and static files may be.
func TestLoggedInAnswersAreNotStored(t *testing.T) {
	w := newCWorld(t)
	c := w.add(cconv{statut: string(convention.ASigner), signed: true})
	for _, path := range []string{"/conventions/recherche", "/conventions/recapitulatif/" + c.UUID, "/conventions/display_pdf/" + c.UUID} {
		_, h, _ := send(t, w, w.instr, "GET", path, "", nil)
		if got := h.Get("Cache-Control"); got != "private, no-store" {
			t.Errorf("%s: Cache-Control %q", path, got)
		}
	}
	if _, h, _ := send(t, w, nil, "GET", "/accounts/login/", "", nil); h.Get("Cache-Control") == "private, no-store" {
		t.Error("anonymous login page marked private")
	}
}

func init() {
	renderFixtures["api_docs"] = func(p Page) (any, []string) {
		return apiDocsView{Page: p, SchemaURL: apiSchemaURL, Swagger: true},
			[]string{`data-url="/api-siap/v0/schema/?format=json"`, "swagger-ui-bundle.js", "swagger-init.js", "Documentation de l'API APiLos"}
	}
	matrixRows = append(matrixRows, matrixRow{Pattern: apiDocsPattern, Want: map[string]string{"*": "200"}})
}
