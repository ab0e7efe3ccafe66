package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

func init() {
	// Posted empty: no role_id is a 404 for every local account once
	// logged in; CERBERE users (bailleur_cerbere, partenaire: a SIAP-only
	// profile) are refused before, their role being SIAP's.
	matrixRows = append(matrixRows, matrixRow{Pattern: "POST /accounts/role/{$}",
		Want: map[string]string{"*": "404", "anonyme": "302", "bailleur_cerbere": "403", "partenaire": "403"}})
}

// roleEnv is the account environment (real login, JSON logs) with the
// permission groups and two bailleurs, each with one convention whose
// operation name tells them apart on the search page.
type roleEnv struct {
	*accountEnv
	w              *cworld // row helpers only (its server is not used)
	hlm, assoc     int64
	admA, admB     int64
	convHLM, convB string
}

func newRoleEnv(t *testing.T) *roleEnv {
	t.Helper()
	e := &roleEnv{accountEnv: newAccountEnv(t, nil)}
	if _, err := fixture.LoadPermissions(context.Background(), e.pool); err != nil {
		t.Fatal(err)
	}
	e.w = &cworld{t: t, pool: e.pool}
	e.admA = e.w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('DDT de Paris', 'DD75') RETURNING id`)
	e.admB = e.w.id(`INSERT INTO instructeurs_administration (nom, code) VALUES ('Métropole de Lyon', 'M69') RETURNING id`)
	e.hlm = e.w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Paris Habitat OPH', '34433123400011', '344331234', 'HLM') RETURNING id`)
	e.assoc = e.w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Association Toit', '40000000000019', '400000000', 'Autres bailleurs sociaux non HLM') RETURNING id`)
	e.w.hlm, e.w.adm = e.hlm, e.admA
	e.convHLM = "Résidence Roquette"
	e.convB = "Résidence du Toit"
	e.w.add(cconv{bailleur: e.hlm, adm: e.admA, nom: e.convHLM})
	e.w.add(cconv{bailleur: e.assoc, adm: e.admB, nom: e.convB})
	return e
}

// role gives the account a users_role row and returns its id.
func (e *roleEnv) role(a *testAccount, typologie, group string, bailleur, adm int64, dep string) int64 {
	var b, ad, d any
	if bailleur != 0 {
		b = bailleur
	}
	if adm != 0 {
		ad = adm
	}
	if dep != "" {
		d = dep
	}
	return e.w.id(`INSERT INTO users_role (typologie, bailleur_id, administration_id, user_id, group_id, perimetre_departement)
		VALUES ($1, $2, $3, $4, (SELECT id FROM auth_group WHERE name = $5), $6) RETURNING id`, typologie, b, ad, a.id, group, d)
}

// currentChoice is the role id of the menu entry marked current.
var currentChoice = regexp.MustCompile(`name="role_id" value="(\d+)">\s*<button type="submit" class="[^"]*" aria-current="true"`)

func markedRole(t *testing.T, page string) string {
	t.Helper()
	m := currentChoice.FindAllStringSubmatch(page, -1)
	if len(m) != 1 {
		t.Fatalf("%d rôles marqués comme actuels dans le menu, attendu 1", len(m))
	}
	return m[0][1]
}

// TestRoleSwitch: a bailleur of two bailleurs sees the conventions of
// both (the union of its roles' scopes), switches its acting role from
// the header menu and still sees both; the session keeps its token and
// logs the change.
func TestRoleSwitch(t *testing.T) {
	e := newRoleEnv(t)
	multi := &testAccount{username: "claude", first: "Claude", last: "Deux-Rôles"}
	createAccount(t, e.pool, multi)
	rHLM := e.role(multi, access.TypologieBailleur, access.GroupBailleur, e.hlm, 0, "")
	rAssoc := e.role(multi, access.TypologieBailleur, access.GroupBailleur, e.assoc, 0, "")

	solo := &testAccount{username: "sam"}
	createAccount(t, e.pool, solo)
	rSolo := e.role(solo, access.TypologieBailleur, access.GroupBailleur, e.assoc, 0, "")

	// One role: no menu.
	cs := newClient(t, e.srv)
	cs.login(solo, "/conventions/recherche")
	if res, b := cs.get("/conventions/recherche"); res.StatusCode != http.StatusOK || strings.Contains(b, `id="menu-role"`) || !strings.Contains(b, e.convB) {
		t.Fatalf("compte à un rôle : statut %d, menu des rôles affiché ou convention absente", res.StatusCode)
	}

	c := newClient(t, e.srv)
	c.login(multi, "/conventions/recherche")
	res, b := c.get("/conventions/recherche")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("recherche : %d", res.StatusCode)
	}
	checkCSPFriendly(t, "recherche avec menu des rôles", b)
	for _, want := range []string{`id="menu-role"`, `action="/accounts/role/"`, "Bailleur — Paris Habitat OPH", "Bailleur — Association Toit"} {
		if !strings.Contains(b, want) {
			t.Errorf("menu des rôles : %q absent", want)
		}
	}
	// Without a chosen role, the first by id.
	if got := markedRole(t, b); got != itoa(rHLM) {
		t.Errorf("rôle marqué %s, attendu %d", got, rHLM)
	}
	if !strings.Contains(b, e.convHLM) || !strings.Contains(b, e.convB) {
		t.Fatal("premier rôle : la recherche ne liste pas les conventions des deux bailleurs")
	}

	token := c.sessionToken()
	res, _ = c.post("/accounts/role/", url.Values{"role_id": {itoa(rAssoc)}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/conventions/recherche" {
		t.Fatalf("changement de rôle : %d vers %q", res.StatusCode, res.Header.Get("Location"))
	}
	if c.sessionToken() != token {
		t.Error("le changement de rôle a renouvelé le jeton de session")
	}
	_, b = c.get("/conventions/recherche")
	if !strings.Contains(b, "Vous agissez maintenant en tant que Bailleur — Association Toit.") {
		t.Error("message de confirmation absent")
	}
	if !strings.Contains(b, e.convB) || !strings.Contains(b, e.convHLM) {
		t.Error("second rôle : la recherche ne liste pas les conventions des deux bailleurs")
	}
	if got := markedRole(t, b); got != itoa(rAssoc) {
		t.Errorf("rôle marqué %s, attendu %d", got, rAssoc)
	}
	if _, b = c.get("/conventions/recherche"); strings.Contains(b, "Vous agissez maintenant") {
		t.Error("le message s'affiche deux fois")
	}
	logs := logRecords(e.logs, "changement de rôle")
	if len(logs) != 1 || logs[0]["user_id"] != float64(multi.id) || logs[0]["role_id"] != float64(rAssoc) ||
		logs[0]["previous_role_id"] != float64(rHLM) || logs[0]["role"] != "Bailleur — Association Toit" {
		t.Errorf("journal du changement de rôle : %v", logs)
	}

	// Another user's role, an unknown one, no id: 404, nothing changes.
	for _, id := range []string{itoa(rSolo), "999999", "abc", ""} {
		if res, b := c.post("/accounts/role/", url.Values{"role_id": {id}}); res.StatusCode != http.StatusNotFound || !strings.Contains(b, "Page non trouvée") {
			t.Errorf("role_id %q : %d, attendu 404", id, res.StatusCode)
		}
	}
	if c.sessionToken() != token {
		t.Error("un refus a changé le jeton de session")
	}
	_, b = c.get("/conventions/recherche")
	if got := markedRole(t, b); got != itoa(rAssoc) || !strings.Contains(b, e.convB) || !strings.Contains(b, e.convHLM) {
		t.Errorf("après les refus : rôle %s, attendu %d inchangé", got, rAssoc)
	}
	if len(logRecords(e.logs, "changement de rôle")) != 1 || len(logRecords(e.logs, "changement de rôle refusé : rôle d'un autre utilisateur ou inconnu")) != 2 {
		t.Error("journal des refus inattendu")
	}

	// Back to the first role.
	c.post("/accounts/role/", url.Values{"role_id": {itoa(rHLM)}})
	if _, b = c.get("/conventions/recherche"); !strings.Contains(b, e.convHLM) || !strings.Contains(b, e.convB) || markedRole(t, b) != itoa(rHLM) {
		t.Error("retour au premier rôle : recherche ou menu faux")
	}
	// The choice dies with the session: a new login starts on the first role.
	c2 := newClient(t, e.srv)
	c2.login(multi, "/")
	c.post("/accounts/role/", url.Values{"role_id": {itoa(rAssoc)}})
	if _, b = c2.get("/conventions/recherche"); markedRole(t, b) != itoa(rHLM) {
		t.Error("le choix d'une session a changé le rôle d'une autre session")
	}
}

// TestRoleMenuLabels: instructeur, administrateur (département) and
// read-only roles are named after their administration or perimeter.
func TestRoleMenuLabels(t *testing.T) {
	e := newRoleEnv(t)
	a := &testAccount{username: "alix"}
	createAccount(t, e.pool, a)
	rA := e.role(a, access.TypologieInstructeur, access.GroupInstructeur, 0, e.admA, "")
	rB := e.role(a, access.TypologieInstructeur, access.GroupReadonlyInstructeur, 0, e.admB, "")
	rDep := e.role(a, access.TypologieAdministrateur, access.GroupAdministrateur, 0, 0, "13")
	c := newClient(t, e.srv)
	c.login(a, "/")
	_, b := c.get("/conventions/recherche")
	for _, want := range []string{"Instructeur — DDT de Paris", "Instructeur — Métropole de Lyon (lecture seule)", "Administrateur — Bouches-du-Rhône"} {
		if !strings.Contains(b, want) {
			t.Errorf("libellé %q absent du menu", want)
		}
	}
	// Whatever the acting role, the account sees both administrations'
	// conventions (the union of its roles).
	if markedRole(t, b) != itoa(rA) || !strings.Contains(b, e.convHLM) || !strings.Contains(b, e.convB) {
		t.Error("instructeur DD75 : recherche ou menu faux")
	}
	c.post("/accounts/role/", url.Values{"role_id": {itoa(rB)}})
	if _, b = c.get("/conventions/recherche"); markedRole(t, b) != itoa(rB) || !strings.Contains(b, e.convB) || !strings.Contains(b, e.convHLM) ||
		!strings.Contains(b, "Vous agissez maintenant en tant que Instructeur — Métropole de Lyon (lecture seule).") {
		t.Error("instructeur de Lyon en lecture : recherche, menu ou message faux")
	}
	if roleChoiceLabel(access.TypologieAdministrateur, access.GroupAdministrateur, "", "", "93", "", "") != "Administrateur — Provence-Alpes-Côte d'Azur" ||
		roleChoiceLabel(access.TypologieAdministrateur, access.GroupAdministrateur, "", "", "", "", "") != "Administrateur — national" {
		t.Error("libellés d'administrateur régional ou national")
	}
	// Acting as administrateur of the Bouches-du-Rhône, the instructeur
	// roles still open both conventions.
	c.post("/accounts/role/", url.Values{"role_id": {itoa(rDep)}})
	if _, b = c.get("/conventions/recherche"); markedRole(t, b) != itoa(rDep) || !strings.Contains(b, e.convB) || !strings.Contains(b, e.convHLM) {
		t.Error("administrateur départemental 13 : recherche ou menu faux")
	}
}

// TestRoleSwitchCerbereAndImpersonation: a CERBERE user (seen through an
// impersonation: no local login) is refused and has no menu; a support
// agent acting as a local account switches that account's role for the
// session, and the log names the agent.
func TestRoleSwitchCerbereAndImpersonation(t *testing.T) {
	e := newRoleEnv(t)
	agent := &testAccount{username: "support", staff: true}
	createAccount(t, e.pool, agent)

	cerb := &testAccount{username: "cerb", cerbere: "cerb.login"}
	createAccount(t, e.pool, cerb)
	rc1 := e.role(cerb, access.TypologieBailleur, access.GroupBailleur, e.hlm, 0, "")
	e.role(cerb, access.TypologieBailleur, access.GroupBailleur, e.assoc, 0, "")

	c := newClient(t, e.srv)
	c.login(agent, "/")
	if res, _ := c.post("/hijack/acquire/", url.Values{"user_pk": {itoa(cerb.id)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("usurpation du compte CERBERE : %d", res.StatusCode)
	}
	if _, b := c.get("/apilos_settings/profile/"); strings.Contains(b, `id="menu-role"`) {
		t.Error("compte CERBERE : menu des rôles locaux affiché")
	}
	res, b := c.post("/accounts/role/", url.Values{"role_id": {itoa(rc1)}})
	if res.StatusCode != http.StatusForbidden || !strings.Contains(b, "habilitation SIAP") {
		t.Errorf("compte CERBERE : %d, attendu 403 qui renvoie aux habilitations", res.StatusCode)
	}
	if len(logRecords(e.logs, "changement de rôle")) != 0 {
		t.Error("un changement de rôle CERBERE a été journalisé comme accepté")
	}
	c.post("/hijack/release/", url.Values{})

	multi := &testAccount{username: "claude"}
	createAccount(t, e.pool, multi)
	rHLM := e.role(multi, access.TypologieBailleur, access.GroupBailleur, e.hlm, 0, "")
	rAssoc := e.role(multi, access.TypologieBailleur, access.GroupBailleur, e.assoc, 0, "")
	if res, _ := c.post("/hijack/acquire/", url.Values{"user_pk": {itoa(multi.id)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("usurpation : %d", res.StatusCode)
	}
	if _, b = c.get("/conventions/recherche"); markedRole(t, b) != itoa(rHLM) {
		t.Fatal("usurpation : premier rôle attendu")
	}
	if res, _ := c.post("/accounts/role/", url.Values{"role_id": {itoa(rAssoc)}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("changement de rôle en usurpation : %d", res.StatusCode)
	}
	if _, b = c.get("/conventions/recherche"); markedRole(t, b) != itoa(rAssoc) || !strings.Contains(b, e.convB) || !strings.Contains(b, e.convHLM) {
		t.Error("usurpation : rôle choisi ou recherche faux")
	}
	logs := logRecords(e.logs, "changement de rôle")
	if len(logs) != 1 || logs[0]["user_id"] != float64(multi.id) || logs[0]["impersonator_id"] != float64(agent.id) {
		t.Errorf("journal du changement de rôle en usurpation : %v", logs)
	}
	// The user's own session is not affected: it starts on the first role.
	own := newClient(t, e.srv)
	own.login(multi, "/")
	if _, b = own.get("/conventions/recherche"); markedRole(t, b) != itoa(rHLM) {
		t.Error("le choix de l'agent a changé le rôle de la session de l'utilisateur")
	}
}
