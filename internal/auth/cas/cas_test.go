package cas_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/cas"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas/castest"
)

func TestURLs(t *testing.T) {
	const service = "https://apilos.example/accounts/cerbere-login?next=%2Fconventions%2F"
	for _, base := range []string{"https://cas.example/cas/576/", "https://cas.example/cas/576"} {
		c, err := cas.New(base, cas.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.LoginURL(service), "https://cas.example/cas/576/login?service="+url.QueryEscape(service); got != want {
			t.Errorf("base %q: LoginURL = %q, want %q", base, got, want)
		}
		if got, want := c.LogoutURL("https://apilos.example/"), "https://cas.example/cas/576/logout?service=https%3A%2F%2Fapilos.example%2F"; got != want {
			t.Errorf("base %q: LogoutURL = %q, want %q", base, got, want)
		}
	}
	for _, bad := range []string{"", "cas.example/cas", "/cas/576/"} {
		if _, err := cas.New(bad, cas.Options{}); err == nil || !strings.Contains(err.Error(), "CERBERE_AUTH") {
			t.Errorf("New(%q) err = %v", bad, err)
		}
	}
}

// noRedirect lets the test follow the browser's steps one by one.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func TestRoundTripAgainstFakeCAS(t *testing.T) {
	ctx := context.Background()
	srv := castest.NewServer(t, "nicolas.oudard@cerbere",
		castest.CerbereAttrs("1234", "nicolas.oudard", "OUDARD", "Nicolas", "my.name@beta.gouv.fr")...)
	c, err := cas.New(srv.Base(), cas.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const service = "https://apilos.example/accounts/cerbere-login?next=%2F"
	// The browser follows the login URL; CAS sends it back with a ticket.
	resp, err := noRedirect.Get(c.LoginURL(service))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("login: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	ticket := back.Query().Get("ticket")
	if ticket == "" || back.Query().Get("next") != "/" {
		t.Fatalf("back to %q", back)
	}

	r, err := c.Validate(ctx, ticket, service)
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.Identity()
	if err != nil {
		t.Fatal(err)
	}
	want := cas.Identity{Username: "1234", CerbereLogin: "nicolas.oudard", LastName: "OUDARD", FirstName: "Nicolas", Email: "my.name@beta.gouv.fr"}
	if id != want || r.User != "nicolas.oudard@cerbere" {
		t.Errorf("identity = %+v (user %q), want %+v", id, r.User, want)
	}

	// A ticket is used once.
	_, err = c.Validate(ctx, ticket, service)
	var f *cas.Failure
	if !errors.As(err, &f) || f.Code != "INVALID_TICKET" {
		t.Errorf("second validation: %v", err)
	}
	// A ticket issued for another service is refused.
	other := srv.IssueTicket("https://ailleurs.example/")
	if _, err := c.Validate(ctx, other, service); !errors.As(err, &f) || f.Code != "INVALID_SERVICE" {
		t.Errorf("other service: %v", err)
	}
	if _, err := c.Validate(ctx, "", service); err == nil {
		t.Error("empty ticket accepted")
	}

	// CAS 2 endpoint, same answer shape.
	c2, _ := cas.New(srv.Base(), cas.Options{Endpoint: cas.EndpointCAS2})
	if r, err := c2.Validate(ctx, srv.IssueTicket(service), service); err != nil || r.Attr(cas.AttrLogin) != "nicolas.oudard" {
		t.Errorf("CAS 2: %+v, %v", r, err)
	}

	// Logout goes to CAS, which sends the browser back to the service.
	resp, err = noRedirect.Get(c.LogoutURL("https://apilos.example/"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "https://apilos.example/" {
		t.Errorf("logout: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if l := srv.Logouts(); len(l) != 1 || l[0] != "https://apilos.example/" {
		t.Errorf("logouts = %v", l)
	}
}

func TestIdentityFallbacks(t *testing.T) {
	ctx := context.Background()
	const service = "https://apilos.example/accounts/cerbere-login"
	srv := castest.NewServer(t, "jdupont", [2]string{"UTILISATEUR.LOGIN", "jean.dupont"})
	c, _ := cas.New(srv.Base(), cas.Options{})
	r, err := c.Validate(ctx, srv.IssueTicket(service), service)
	if err != nil {
		t.Fatal(err)
	}
	id, err := r.Identity()
	if err != nil || id.Username != "jdupont" || id.CerbereLogin != "jean.dupont" || id.Email != "" {
		t.Errorf("identity = %+v, %v", id, err)
	}

	srv.SetUser("sanslogin", [2]string{"UTILISATEUR.ID", "99"})
	r, err = c.Validate(ctx, srv.IssueTicket(service), service)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Identity(); err == nil || !strings.Contains(err.Error(), "UTILISATEUR.LOGIN") {
		t.Errorf("without login: %v", err)
	}
}

func TestParseVariants(t *testing.T) {
	// Servers that send <cas:attribute name= value=/> instead of one element per attribute.
	body := `<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess>
<cas:user>u</cas:user><cas:attributes>
<cas:attribute name="UTILISATEUR.LOGIN" value="u.login"/>
<cas:attribute name="UTILISATEUR.MEL" value="u@example.fr"/>
</cas:attributes></cas:authenticationSuccess></cas:serviceResponse>`
	srv := newStatic(t, body, http.StatusOK)
	c, _ := cas.New(srv+"/cas/", cas.Options{})
	r, err := c.Validate(context.Background(), "ST-1", "https://s/")
	if err != nil {
		t.Fatal(err)
	}
	if r.Attr(cas.AttrLogin) != "u.login" || r.Attr(cas.AttrMel) != "u@example.fr" {
		t.Errorf("attributes = %v", r.Attributes)
	}

	for _, tt := range []struct {
		body   string
		status int
		want   string
	}{
		{"pas du XML", 200, "illisible"},
		{`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"></cas:serviceResponse>`, 200, "ni échec"},
		{`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user> </cas:user></cas:authenticationSuccess></cas:serviceResponse>`, 200, "sans utilisateur"},
		{"", 500, "500"},
	} {
		srv := newStatic(t, tt.body, tt.status)
		c, _ := cas.New(srv+"/cas/", cas.Options{})
		if _, err := c.Validate(context.Background(), "ST-1", "https://s/"); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: err = %v, want %q", tt.body, err, tt.want)
		}
	}
}

// newStatic serves one fixed answer at /cas/p3/serviceValidate.
func newStatic(t *testing.T, body string, status int) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/cas/p3/serviceValidate" || r.URL.Query().Get("ticket") != "ST-1" || r.URL.Query().Get("service") != "https://s/" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}
