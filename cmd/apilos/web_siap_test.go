package main

import (
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/api"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/siap"
)

func TestSIAPWiring(t *testing.T) {
	// Local mode: no CERBERE, the API is mounted anyway.
	c, route, err := siapWiring(config.Config{}, nil, nil)
	if err != nil || c != nil || route.Pattern != api.Prefix || !route.Rule.Valid() || route.Handler == nil {
		t.Fatalf("local mode: %+v %+v %v", c, route, err)
	}
	// CERBERE with the mocked SIAP.
	c, _, err = siapWiring(config.Config{CerbereAuth: "https://cas.example/cas/576", UseMockedSIAPClient: true, SiteURL: "https://apilos.example"}, nil, nil)
	if err != nil || c == nil || c.CAS == nil || c.SiteURL != "https://apilos.example" {
		t.Fatalf("CERBERE + mock: %+v %v", c, err)
	}
	if _, ok := c.Habilitations.SIAP.(*siap.Mock); !ok {
		t.Errorf("SIAP client = %T, want the mock", c.Habilitations.SIAP)
	}
	if got := c.CAS.LoginURL("s"); got != "https://cas.example/cas/576/login?service=s" {
		t.Errorf("login URL %q", got)
	}
	// CERBERE with a real SIAP.
	c, _, err = siapWiring(config.Config{CerbereAuth: "https://cas.example/", SIAPClientHost: "https://siap.example", SIAPClientJWTSignKey: "k", NoSIAPMenu: true}, nil, nil)
	if err != nil || !c.Habilitations.NoMenu {
		t.Fatalf("CERBERE + SIAP: %+v %v", c, err)
	}
	if _, ok := c.Habilitations.SIAP.(*siap.Remote); !ok {
		t.Errorf("SIAP client = %T, want the HTTP client", c.Habilitations.SIAP)
	}
	// CERBERE without SIAP cannot give anybody a role: refused at start.
	if _, _, err = siapWiring(config.Config{CerbereAuth: "https://cas.example/"}, nil, nil); err == nil || !strings.Contains(err.Error(), "SIAP_CLIENT_HOST") {
		t.Errorf("CERBERE without SIAP: %v", err)
	}
	if _, _, err = siapWiring(config.Config{CerbereAuth: "pas une url", UseMockedSIAPClient: true}, nil, nil); err == nil || !strings.Contains(err.Error(), "CERBERE_AUTH") {
		t.Errorf("bad CERBERE_AUTH: %v", err)
	}
}
