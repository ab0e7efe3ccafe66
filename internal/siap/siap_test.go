package siap_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

var key = []byte("clé partagée APiLos → SIAP")

func kindOf(t *testing.T, err error) siap.Kind {
	t.Helper()
	e, ok := siap.AsError(err)
	if !ok {
		t.Fatalf("err = %v (%T), want a *siap.Error", err, err)
	}
	return e.Kind
}

func TestURL(t *testing.T) {
	c, err := siap.NewRemote(siap.Options{Host: "https://siap.example/", Path: "/api-int/v0", SignKey: key})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.URL("/services/habilitation", "/habilitations"), "https://siap.example/services/habilitation/api-int/v0/habilitations"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if got, want := c.URL("", "/menu"), "https://siap.example/api-int/v0/menu"; got != want {
		t.Errorf("URL = %q, want %q", got, want)
	}
	if _, err := siap.NewRemote(siap.Options{Host: "https://siap.example"}); err == nil || !strings.Contains(err.Error(), "SIAP_CLIENT_JWT_SIGN_KEY") {
		t.Errorf("no key: err = %v", err)
	}
	if _, err := siap.NewRemote(siap.Options{SignKey: key}); err == nil || !strings.Contains(err.Error(), "SIAP_CLIENT_HOST") {
		t.Errorf("no host: err = %v", err)
	}
}

func TestCallsOverHTTP(t *testing.T) {
	ctx := context.Background()
	srv := siaptest.NewServer(t, key)
	c := srv.Client(t, key, 0)

	cfg, err := c.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RacineURLAccesWeb != "https://minlog-siap.gateway.intapi.recette.sully-group.fr" || cfg.URLAccesWeb != "/tableau-bord" ||
		!strings.Contains(cfg.URLAccesWebOperation, "<NUM_OPE_SIAP>") {
		t.Errorf("config = %+v", cfg)
	}

	habs, err := c.Habilitations(ctx, "nicolas.oudard", 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(habs) != 4 {
		t.Fatalf("%d habilitations, want 4", len(habs))
	}
	h := habs[0]
	if h.ID != 5 || h.Groupe.Profil.Code != "MO_PERS_MORALE" || h.Groupe.CodeRole != "MO_MORAL_REG_ADMIN" ||
		h.EntiteMorale == nil || h.EntiteMorale.Siren != "782855696" || h.PorteeTerritComp.RegComp.Code != "93" {
		t.Errorf("first habilitation = %+v", h)
	}
	if g := habs[2].Gestionnaire; g == nil || g.Code != "13055" || habs[2].PorteeTerritComp.DepComp.Code.INSEE() != "13" {
		t.Errorf("SER_GEST habilitation = %+v", habs[2])
	}
	valid := siap.Valid(habs)
	if len(valid) != 3 || valid[2].ID != 12 {
		t.Errorf("valid = %v", valid)
	}

	menu, err := c.Menu(ctx, "nicolas.oudard", 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(menu) != 3 || menu[1].Libelle != "Habilitation" || len(menu[1].MenuItems) != 2 || menu[2].MenuItems[1].URL != "https://preprod.apilos.beta.gouv.fr/conventions" {
		t.Errorf("menu = %+v", menu)
	}

	op, err := c.Operation(ctx, "nicolas.oudard", 12, siap.MockOperation)
	if err != nil {
		t.Fatal(err)
	}
	var opv struct {
		DonneesOperation struct{ NumeroOperation string } `json:"donneesOperation"`
	}
	if err := json.Unmarshal(op, &opv); err != nil || opv.DonneesOperation.NumeroOperation != siap.MockOperation {
		t.Errorf("operation = %s (%v)", op, err)
	}
	if _, err := c.Operation(ctx, "nicolas.oudard", 12, "20221200002"); kindOf(t, err) != siap.KindNotFound {
		t.Errorf("unknown operation: %v", err)
	} else if e, _ := siap.AsError(err); e.Message != siap.MsgNotFound {
		t.Errorf("message = %q", e.Message)
	}

	fus, err := c.Fusions(ctx, "nicolas.oudard", 5, "426580114")
	if err != nil {
		t.Fatal(err)
	}
	if len(fus) != 1 || fus[0].SirenAbsorbant != "426580114" || fus[0].SirenAbsorbe != "271200024" {
		t.Errorf("fusions = %+v", fus)
	}

	// Every call carried its own token with the user's login and habilitation.
	want := []siaptest.Call{
		{Path: siaptest.ConfigPath, Login: "", HabID: 0},
		{Path: siaptest.HabilitationsPath, Login: "nicolas.oudard", HabID: 12},
		{Path: siaptest.MenuPath, Login: "nicolas.oudard", HabID: 5},
		{Path: siaptest.OperationPrefix + siap.MockOperation, Login: "nicolas.oudard", HabID: 12},
		{Path: siaptest.OperationPrefix + "20221200002", Login: "nicolas.oudard", HabID: 12},
		{Path: siaptest.FusionPath, Query: "siren=426580114", Login: "nicolas.oudard", HabID: 5},
	}
	got := srv.Calls()
	if len(got) != len(want) {
		t.Fatalf("calls = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestTransportErrors(t *testing.T) {
	ctx := context.Background()

	t.Run("wrong key: 401 three times", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		_, err := srv.Client(t, []byte("pas la bonne clé"), 0).Menu(ctx, "u", 5)
		if kindOf(t, err) != siap.KindUnauthorized {
			t.Fatalf("err = %v", err)
		}
		if e, _ := siap.AsError(err); e.Message != "La plateforme SIAP indique que vous n'êtes pas authorisé à accéder à cette ressource" || e.Status != 401 {
			t.Errorf("error = %+v", e)
		}
		// The server refused before recording: count the attempts through a script instead.
		srv.On(siaptest.MenuPath, siaptest.Answer{Status: 401, Body: `{"detail":"jeton expiré"}`})
		_, err = srv.Client(t, key, 0).Menu(ctx, "u", 5)
		if e, _ := siap.AsError(err); e == nil || e.Kind != siap.KindUnauthorized || !strings.Contains(e.Detail, "jeton expiré") {
			t.Errorf("err = %v", err)
		}
		if n := len(srv.CallsTo(siaptest.MenuPath)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})

	t.Run("503 then success", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		menu, _ := siap.MockPayloads.ReadFile("mock/menu.json")
		srv.On(siaptest.MenuPath, siaptest.Answer{Status: 503}, siaptest.Answer{Status: 503}, siaptest.Answer{Status: 200, Body: string(menu)})
		items, err := srv.Client(t, key, 0).Menu(ctx, "u", 5)
		if err != nil || len(items) != 3 {
			t.Fatalf("items = %v, err = %v", items, err)
		}
		if n := len(srv.CallsTo(siaptest.MenuPath)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})

	t.Run("503 every time", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		srv.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 503})
		_, err := srv.Client(t, key, 0).Habilitations(ctx, "u", 5)
		if kindOf(t, err) != siap.KindTimeout {
			t.Fatalf("err = %v", err)
		}
		if e, _ := siap.AsError(err); e.Message != "Le module conventionnement ne parvient pas à joindre la plateforme SIAP, merci de réessayer plus tard" {
			t.Errorf("message = %q", e.Message)
		}
		if n := len(srv.CallsTo(siaptest.HabilitationsPath)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		srv.On(siaptest.OperationPrefix+siap.MockOperation, siaptest.Answer{Block: true})
		_, err := srv.Client(t, key, 20*time.Millisecond).Operation(ctx, "u", 5, siap.MockOperation)
		if kindOf(t, err) != siap.KindTimeout {
			t.Fatalf("err = %v", err)
		}
		if n := len(srv.CallsTo(siaptest.OperationPrefix + siap.MockOperation)); n != 3 {
			t.Errorf("%d attempts, want 3", n)
		}
	})

	t.Run("unreachable", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		c := srv.Client(t, key, 0)
		srv.Close()
		if _, err := c.Menu(ctx, "u", 5); kindOf(t, err) != siap.KindTimeout {
			t.Fatalf("err = %v", err)
		}
	})

	t.Run("habilitations not JSON: asked again with id 0", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		habs, _ := siap.MockPayloads.ReadFile("mock/habilitations.json")
		srv.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 200, Body: "<html>habilitation inconnue</html>"}, siaptest.Answer{Status: 200, Body: string(habs)})
		got, err := srv.Client(t, key, 0).Habilitations(ctx, "u", 99)
		if err != nil || len(got) != 4 {
			t.Fatalf("got %d, err = %v", len(got), err)
		}
		calls := srv.CallsTo(siaptest.HabilitationsPath)
		if len(calls) != 2 || calls[0].HabID != 99 || calls[1].HabID != 0 {
			t.Errorf("calls = %+v", calls)
		}
	})

	t.Run("habilitations not JSON with id 0: refused", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		srv.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 200, Body: "pas du JSON"})
		_, err := srv.Client(t, key, 0).Habilitations(ctx, "u", 0)
		if kindOf(t, err) != siap.KindForbidden {
			t.Fatalf("err = %v", err)
		}
		if e, _ := siap.AsError(err); e.HTTPStatus() != 403 || e.Message != siap.MsgHabilitation {
			t.Errorf("error = %+v", e)
		}
		if n := len(srv.CallsTo(siaptest.HabilitationsPath)); n != 1 {
			t.Errorf("%d calls, want 1", n)
		}
	})

	t.Run("other refusals are not retried", func(t *testing.T) {
		srv := siaptest.NewServer(t, key)
		srv.On(siaptest.HabilitationsPath, siaptest.Answer{Status: 500, Body: "boom"})
		srv.On(siaptest.MenuPath, siaptest.Answer{Status: 403, Body: `{"detail":"non"}`})
		srv.On(siaptest.FusionPath, siaptest.Answer{Status: 500})
		srv.On(siaptest.OperationPrefix+"1", siaptest.Answer{Status: 403})
		c := srv.Client(t, key, 0)
		if _, err := c.Habilitations(ctx, "u", 5); kindOf(t, err) != siap.KindForbidden {
			t.Errorf("habilitations: %v", err)
		}
		if _, err := c.Menu(ctx, "u", 5); kindOf(t, err) != siap.KindHabilitation {
			t.Errorf("menu: %v", err)
		}
		_, err := c.Fusions(ctx, "u", 5, "1")
		if kindOf(t, err) != siap.KindFusion {
			t.Errorf("fusion: %v", err)
		} else if e, _ := siap.AsError(err); e.Message != "La plateforme SIAP a retourné une erreur lors de la récupération des bailleurs fusionnés" {
			t.Errorf("fusion message = %q", e.Message)
		}
		if _, err := c.Operation(ctx, "u", 5, "1"); kindOf(t, err) != siap.KindUnauthorized {
			t.Errorf("operation: %v", err)
		}
		if n := len(srv.Calls()); n != 4 {
			t.Errorf("%d calls, want 4 (no retry)", n)
		}
	})
}

func TestConfigCacheAndFormat(t *testing.T) {
	ctx := context.Background()
	srv := siaptest.NewServer(t, key)
	now := time.Now()
	srv.SetClock(func() time.Time { return now })
	c, err := siap.NewRemote(siap.Options{Host: srv.URL, Path: siaptest.Path, SignKey: key, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.Config(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.CallsTo(siaptest.ConfigPath)); n != 1 {
		t.Fatalf("%d config calls, want 1 (cached)", n)
	}
	now = now.Add(61 * time.Minute)
	srv.On(siaptest.ConfigPath, siaptest.Answer{Status: 200, Body: `{"racineUrlAccesWeb":"https://siap.example/","urlAccesWeb":"/accueil","urlAccesWebOperation":"/op/<NUM_OPE_SIAP>"}`})
	cfg, err := c.Config(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RacineURLAccesWeb != "https://siap.example" || cfg.URLAccesWeb != "/accueil" {
		t.Errorf("refreshed config = %+v", cfg)
	}
	// A failed refresh keeps the previous configuration.
	now = now.Add(61 * time.Minute)
	srv.On(siaptest.ConfigPath, siaptest.Answer{Status: 503})
	if cfg, err := c.Config(ctx); err != nil || cfg.URLAccesWeb != "/accueil" {
		t.Errorf("config after failed refresh = %+v, %v", cfg, err)
	}

	// A configuration lacking a URL is refused with the reference message.
	srv2 := siaptest.NewServer(t, key)
	srv2.On(siaptest.ConfigPath, siaptest.Answer{Status: 200, Body: `{"racineUrlAccesWeb":"https://siap.example","urlAccesWeb":"","urlAccesWebOperation":"/op"}`})
	_, err = srv2.Client(t, key, 0).Config(ctx)
	if kindOf(t, err) != siap.KindConfig {
		t.Fatalf("err = %v", err)
	}
	if want := "La configuration SIAP-APILOS n'est pas bien formatée, racineUrlAccesWeb: https://siap.example, urlAccesWeb: , urlAccesWebOperation: /op"; err.Error() != want {
		t.Errorf("err = %q, want %q", err, want)
	}
	srv2.On(siaptest.ConfigPath, siaptest.Answer{Status: 200, Body: `<html>`})
	if _, err := srv2.Client(t, key, 0).Config(ctx); kindOf(t, err) != siap.KindForbidden {
		t.Errorf("non-JSON config: %v", err)
	}
}

func TestMock(t *testing.T) {
	ctx := context.Background()
	m, err := siap.NewMock()
	if err != nil {
		t.Fatal(err)
	}
	var c siap.Client = m
	habs, err := c.Habilitations(ctx, "n'importe qui", 777)
	if err != nil || len(habs) != 4 {
		t.Fatalf("habilitations = %d, %v", len(habs), err)
	}
	ids := []int64{}
	for _, h := range siap.Valid(habs) {
		ids = append(ids, h.ID)
	}
	if len(ids) != 3 || ids[0] != 5 || ids[1] != 3 || ids[2] != 12 {
		t.Errorf("valid ids = %v, want [5 3 12] (38 is A_VALIDER)", ids)
	}
	habs[0].ID = 1000 // callers may change their copy
	again, _ := c.Habilitations(ctx, "x", 0)
	if again[0].ID != 5 {
		t.Error("mock payload changed by a caller")
	}
	if _, err := c.Operation(ctx, "x", 5, siap.MockOperation); err != nil {
		t.Errorf("mock operation: %v", err)
	}
	if _, err := c.Operation(ctx, "x", 5, "20221200002"); kindOf(t, err) != siap.KindNotFound {
		t.Errorf("second sample must not be served: %v", err)
	}
	cfg, err := c.Config(ctx)
	if err != nil || cfg.URLAccesWeb != "/tableau-bord" {
		t.Errorf("config = %+v, %v", cfg, err)
	}
	fus, err := c.Fusions(ctx, "x", 5, "426580114")
	if err != nil || len(fus) != 1 || fus[0].DateFinValidite != "2023-09-29" {
		t.Errorf("fusions = %+v, %v", fus, err)
	}
	menu, err := c.Menu(ctx, "x", 5)
	if err != nil || len(menu) != 3 || menu[0].URL != "/tableau-bord" {
		t.Errorf("menu = %+v, %v", menu, err)
	}
}

func TestCode(t *testing.T) {
	for _, tt := range []struct{ in, code, insee string }{
		{`93`, "93", "93"}, {`"93"`, "93", "93"}, {`6`, "6", "06"}, {`"2A"`, "2A", "2A"}, {`null`, "", ""}, {`971`, "971", "971"},
	} {
		var c siap.Code
		if err := json.Unmarshal([]byte(tt.in), &c); err != nil {
			t.Fatalf("%s: %v", tt.in, err)
		}
		if string(c) != tt.code || c.INSEE() != tt.insee {
			t.Errorf("%s: code %q insee %q, want %q %q", tt.in, c, c.INSEE(), tt.code, tt.insee)
		}
	}
	var c siap.Code
	if err := json.Unmarshal([]byte(`{"a":1}`), &c); err == nil {
		t.Error("an object was accepted as a code")
	}
}
