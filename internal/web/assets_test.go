package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/convention"
)

var (
	// assetRef finds the site's files in a page: href, src, and the
	// url(...) of inline styles.
	assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	// cssURL finds the url(...) of a stylesheet, data: URIs excluded.
	cssURL = regexp.MustCompile(`url\(\s*['"]?([^'")]+)['"]?\s*\)`)
)

// TestEveryReferencedAssetAnswers fetches the pages of a convention's
// life (login, search, récapitulatif with an « À signer » badge, overview
// after signature, journal, operation, error page), then every file they
// reference, then every file those stylesheets and the web manifest
// reference (icons, fonts): each must answer 200. The DSFR files exist
// once scripts/assets.sh has run (make test runs it); without them only
// the site's own files are checked.
func TestEveryReferencedAssetAnswers(t *testing.T) {
	w := newCWorld(t)
	sign := w.add(cconv{statut: string(convention.ASigner), numero: "75.D.26.0001"})
	signed := w.add(cconv{statut: string(convention.Signee), signed: true})
	progNum := w.str(`SELECT numero_operation FROM programmes_programme WHERE id = $1`, signed.Prog)
	var pages []string
	anon := newClient(t, w.srv)
	_, b := anon.get("/accounts/login/")
	pages = append(pages, b)
	for _, p := range []string{"/conventions/recherche", recap(sign.UUID), postActionURL(signed.UUID),
		"/conventions/journal/" + signed.UUID, "/operations/" + progNum, "/page-qui-n-existe-pas"} {
		code, page := w.instr.get(p)
		if code != http.StatusOK && code != http.StatusNotFound {
			t.Fatalf("%s : %d", p, code)
		}
		pages = append(pages, page)
	}
	if !strings.Contains(strings.Join(pages, ""), "fr-badge--new") {
		t.Fatal("le badge « À signer » n'est sur aucune page visitée")
	}
	seen := map[string]bool{}
	var queue []string
	add := func(base, ref string) {
		if strings.HasPrefix(ref, "data:") || strings.HasPrefix(ref, "#") {
			return
		}
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		r, err := u.Parse(ref)
		if err != nil {
			t.Errorf("référence %q de %s : %v", ref, base, err)
			return
		}
		if r.Host != "" && r.Host != u.Host {
			t.Errorf("%s référence un fichier d'un autre site : %s", base, ref)
			return
		}
		p := path.Clean(r.Path)
		if !seen[p] {
			seen[p] = true
			queue = append(queue, p)
		}
	}
	for _, page := range pages {
		for _, m := range assetRef.FindAllStringSubmatch(page, -1) {
			add("http://site/", m[1])
		}
	}
	// Is the DSFR built? Its stylesheet is the first file of every page.
	vendor := false
	for _, p := range queue {
		if strings.HasSuffix(p, "/vendor/dsfr/dsfr.min.css") {
			res, err := http.Get(w.srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			vendor = res.StatusCode == http.StatusOK
		}
	}
	if !vendor {
		t.Log("scripts/assets.sh non lancé : seuls les fichiers propres au site sont vérifiés")
	}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if strings.Contains(p, "/vendor/") && !vendor {
			continue
		}
		res, err := http.Get(w.srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s : %d", p, res.StatusCode)
			continue
		}
		switch {
		case strings.HasSuffix(p, ".css"):
			for _, m := range cssURL.FindAllStringSubmatch(string(body), -1) {
				add("http://site"+p, m[1])
			}
		case strings.HasSuffix(p, ".webmanifest"):
			var man struct {
				Icons []struct{ Src string } `json:"icons"`
			}
			if err := json.Unmarshal(body, &man); err != nil {
				t.Errorf("%s : %v", p, err)
			}
			for _, ic := range man.Icons {
				add("http://site"+p, ic.Src)
			}
		}
	}
	if len(seen) < 3 {
		t.Errorf("%d fichiers référencés seulement", len(seen))
	}
	t.Logf("%d fichiers vérifiés (DSFR compris : %v)", len(seen), vendor)
}
