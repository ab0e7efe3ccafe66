package account

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

var ctx = context.Background()

type newUser struct {
	username, email, hash  string
	inactive, staff, super bool
	cerbere                string
	first, last            string
}

func insertUser(t *testing.T, pool *pgxpool.Pool, n newUser) User {
	t.Helper()
	var cerbere *string
	if n.cerbere != "" {
		cerbere = &n.cerbere
	}
	var id int64
	err := pool.QueryRow(ctx, `INSERT INTO users_user (password, is_superuser, username, first_name, last_name,
		email, is_staff, is_active, date_joined, preferences_email, secondary_email, cerbere_login)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now(), 'PARTIEL', '', $9) RETURNING id`,
		n.hash, n.super, n.username, n.first, n.last, n.email, n.staff, !n.inactive, cerbere).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	u, err := ByID(ctx, pool, id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// A cheap pbkdf2 hash (Django format) keeps the tests fast.
func pbkdf2(plain string) string { return password.PBKDF2SHA256(plain, "selDeTest", 1000) }

var now = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

func TestAuthenticate(t *testing.T) {
	pool := dbtest.Pool(t)
	const pw = "Mot de passe de Sabine 2026"
	sabine := insertUser(t, pool, newUser{username: "Sabine", email: "sabine@example.gouv.fr", hash: pbkdf2(pw), first: "Sabine", last: "Martin"})
	// Same e-mail on a later account: the lowest id wins.
	insertUser(t, pool, newUser{username: "sabine2", email: "SABINE@example.gouv.fr", hash: pbkdf2("autre mot de passe 2026")})
	insertUser(t, pool, newUser{username: "inactif", email: "inactif@example.gouv.fr", hash: pbkdf2(pw), inactive: true})
	insertUser(t, pool, newUser{username: "cerbere", email: "cerbere@example.gouv.fr", hash: "!unusable", cerbere: "cerbere.login"})
	insertUser(t, pool, newUser{username: "vide", email: "", hash: pbkdf2(pw)})

	for _, tc := range []struct{ name, id, pw string }{
		{"mauvais mot de passe", "sabine", "faux"},
		{"mot de passe vide", "sabine", ""},
		{"inconnu", "personne", pw},
		{"identifiant vide (comptes sans e-mail)", "", pw},
		{"compte inactif", "inactif", pw},
		{"compte CERBERE (mot de passe inutilisable)", "cerbere", "!unusable"},
		{"e-mail partagé : le plus ancien compte seul", "sabine@example.gouv.fr", "autre mot de passe 2026"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Authenticate(ctx, pool, tc.id, tc.pw, now); !errors.Is(err, ErrInvalidCredentials) {
				t.Fatalf("erreur %v, refus générique attendu", err)
			}
		})
	}
	if ErrInvalidCredentials.Error() != "Identifiant ou mot de passe incorrect." {
		t.Errorf("message %q", ErrInvalidCredentials)
	}
	var last *time.Time
	pool.QueryRow(ctx, `SELECT last_login FROM users_user WHERE id = $1`, sabine.ID).Scan(&last)
	if last != nil {
		t.Fatal("last_login écrit par un échec")
	}

	// By username in another case: success, hash upgraded to argon2id.
	u, err := Authenticate(ctx, pool, "  SABINE ", pw, now)
	if err != nil || u.ID != sabine.ID {
		t.Fatalf("connexion : %+v %v", u, err)
	}
	stored, err := ByID(ctx, pool, sabine.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored.PasswordHash, "argon2$argon2id$") || stored.PasswordHash != u.PasswordHash {
		t.Fatalf("empreinte non convertie en argon2id : %q", stored.PasswordHash)
	}
	if ok, upgrade, err := password.Check(pw, stored.PasswordHash); !ok || upgrade || err != nil {
		t.Errorf("nouvelle empreinte : ok=%v upgrade=%v err=%v", ok, upgrade, err)
	}
	if stored.LastLogin == nil || !stored.LastLogin.Equal(now) {
		t.Errorf("last_login = %v, attendu %v", stored.LastLogin, now)
	}

	// By e-mail, any case; an argon2id hash is kept as it is.
	later := now.Add(time.Hour)
	u, err = Authenticate(ctx, pool, "Sabine@Example.Gouv.Fr", pw, later)
	if err != nil || u.ID != sabine.ID {
		t.Fatalf("connexion par e-mail : %+v %v", u, err)
	}
	again, _ := ByID(ctx, pool, sabine.ID)
	if again.PasswordHash != stored.PasswordHash {
		t.Error("empreinte argon2id recalculée sans raison")
	}
	if !again.LastLogin.Equal(later) {
		t.Errorf("last_login = %v", again.LastLogin)
	}
	if u.DisplayName() != "Sabine Martin" {
		t.Errorf("nom affiché %q", u.DisplayName())
	}
}

// The reference fixture users carry Django pbkdf2_sha256 hashes (390000
// iterations) whose passwords we do not know: the format must be accepted
// (a wrong password is a plain refusal, not a format error, and the hash
// is flagged for upgrade).
func TestFixtureHashesAccepted(t *testing.T) {
	data, err := os.ReadFile("../fixture/testdata/users_for_tests.json")
	if err != nil {
		t.Fatal(err)
	}
	var objs []struct {
		Model  string `json:"model"`
		Fields struct {
			Username string `json:"username"`
			Password string `json:"password"`
		} `json:"fields"`
	}
	if err := json.Unmarshal(data, &objs); err != nil {
		t.Fatal(err)
	}
	pool := dbtest.Pool(t)
	n := 0
	for _, o := range objs {
		if o.Model != "users.user" {
			continue
		}
		n++
		if n > 2 {
			continue // 390000 iterations each: two are enough for the check below
		}
		ok, upgrade, err := password.Check("pas le bon mot de passe", o.Fields.Password)
		if err != nil || ok || !upgrade {
			t.Errorf("%s : ok=%v upgrade=%v err=%v", o.Fields.Username, ok, upgrade, err)
		}
		insertUser(t, pool, newUser{username: o.Fields.Username, email: o.Fields.Username + "@example.fr", hash: o.Fields.Password})
		if _, err := Authenticate(ctx, pool, o.Fields.Username, "pas le bon mot de passe", now); !errors.Is(err, ErrInvalidCredentials) {
			t.Errorf("%s : %v", o.Fields.Username, err)
		}
	}
	if n != 10 {
		t.Errorf("%d utilisateurs dans la fixture, 10 attendus", n)
	}
}

func TestResetTokens(t *testing.T) {
	pool := dbtest.Pool(t)
	u := insertUser(t, pool, newUser{username: "roger", email: "roger@example.gouv.fr", hash: pbkdf2("ancien mot de passe 1")})
	other := insertUser(t, pool, newUser{username: "raph", email: "raph@example.gouv.fr", hash: u.PasswordHash})
	tokens := NewResetTokens("secret de test")
	tok := tokens.Make(u, now)

	if !tokens.Check(u, tok, now) || !tokens.Check(u, tok, now.Add(ResetTimeout)) {
		t.Fatal("jeton valide refusé")
	}
	if tokens.Check(u, tok, now.Add(ResetTimeout+time.Second)) {
		t.Error("jeton expiré accepté")
	}
	if tokens.Check(u, tok, now.Add(-time.Minute)) {
		t.Error("jeton daté du futur accepté")
	}
	if tokens.Check(other, tok, now) {
		t.Error("jeton accepté pour un autre compte (même empreinte)")
	}
	if NewResetTokens("autre secret").Check(u, tok, now) || NewResetTokens("").Check(u, tok, now) {
		t.Error("jeton accepté avec une autre clé")
	}
	for _, bad := range []string{"", "abc", tok + "0", strings.Replace(tok, "-", "", 1), "zzzzzzzzzzzzzzzz-" + strings.SplitN(tok, "-", 2)[1]} {
		if tokens.Check(u, bad, now) {
			t.Errorf("jeton %q accepté", bad)
		}
	}
	// A login invalidates it.
	logged := u
	logged.LastLogin = &now
	if tokens.Check(logged, tok, now) {
		t.Error("jeton encore valide après une connexion")
	}
	// Single use: once the password is set, the token no longer matches.
	if err := SetPassword(ctx, pool, u, "Nouveau mot de passe 2026", "Nouveau mot de passe 2026", 0, now); err != nil {
		t.Fatal(err)
	}
	fresh, _ := ByID(ctx, pool, u.ID)
	if tokens.Check(fresh, tok, now) {
		t.Error("jeton réutilisable après le changement de mot de passe")
	}
	if ok, _, _ := password.Check("Nouveau mot de passe 2026", fresh.PasswordHash); !ok {
		t.Error("nouveau mot de passe non enregistré")
	}
	var hist int
	pool.QueryRow(ctx, `SELECT count(*) FROM users_historicaluser WHERE id = $1 AND history_type = '~' AND history_user_id IS NULL AND password = $2`, u.ID, fresh.PasswordHash).Scan(&hist)
	if hist != 1 {
		t.Errorf("%d lignes d'historique, 1 attendue", hist)
	}
}

func TestUID(t *testing.T) {
	for _, id := range []int64{1, 42, 1234567890123} {
		s := EncodeUID(id)
		if got, ok := DecodeUID(s); !ok || got != id {
			t.Errorf("%d → %q → %d %v", id, s, got, ok)
		}
	}
	if EncodeUID(1) != "MQ" { // Django's urlsafe_base64_encode(b"1")
		t.Errorf("EncodeUID(1) = %q", EncodeUID(1))
	}
	for _, bad := range []string{"", "!!", EncodeUID(0), "LTE" /* -1 */, "YWJj" /* abc */} {
		if _, ok := DecodeUID(bad); ok {
			t.Errorf("DecodeUID(%q) accepté", bad)
		}
	}
}

func TestResetCandidates(t *testing.T) {
	pool := dbtest.Pool(t)
	a := insertUser(t, pool, newUser{username: "a", email: "commun@example.fr", hash: pbkdf2("x")})
	b := insertUser(t, pool, newUser{username: "b", email: "COMMUN@example.fr", hash: password.Hash("y")})
	insertUser(t, pool, newUser{username: "c", email: "commun@example.fr", hash: pbkdf2("x"), inactive: true})
	insertUser(t, pool, newUser{username: "d", email: "commun@example.fr", hash: "!inutilisable"})
	insertUser(t, pool, newUser{username: "e", email: "commun@example.fr", hash: pbkdf2("x"), cerbere: "e.login"})
	got, err := ResetCandidates(ctx, pool, " Commun@Example.fr ")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != a.ID || got[1].ID != b.ID {
		t.Errorf("candidats %+v", got)
	}
	if got, _ := ResetCandidates(ctx, pool, ""); len(got) != 0 {
		t.Errorf("adresse vide : %+v", got)
	}
}

func TestValidateNewPassword(t *testing.T) {
	u := User{Username: "jean.bailleur", Email: "jean.dupont@example.fr"}
	for _, tc := range []struct {
		p1, p2, field, want string
	}{
		{"", "", FieldNewPassword1, "obligatoire"},
		{"court", "court", FieldNewPassword1, "au moins 12 caractères"},
		{"123456789012345", "123456789012345", FieldNewPassword1, "entièrement numérique"},
		{"xxJean.Bailleur2026", "xxJean.Bailleur2026", FieldNewPassword1, "trop proche"},
		{"jean.dupont-2026!", "jean.dupont-2026!", FieldNewPassword1, "trop proche"},
		{"Un bon mot de passe", "Un autre", FieldNewPassword2, "ne correspondent pas"},
		{"Un bon mot de passe", "", FieldNewPassword2, "Confirmez"},
	} {
		errs := ValidateNewPassword(u, tc.p1, tc.p2)
		if !strings.Contains(errs[tc.field], tc.want) {
			t.Errorf("%q/%q : erreurs %v, attendu %q sur %s", tc.p1, tc.p2, errs, tc.want, tc.field)
		}
	}
	if errs := ValidateNewPassword(u, "Un bon mot de passe", "Un bon mot de passe"); errs != nil {
		t.Errorf("mot de passe correct refusé : %v", errs)
	}
}

func TestChangePassword(t *testing.T) {
	pool := dbtest.Pool(t)
	u := insertUser(t, pool, newUser{username: "sylvie", email: "sylvie@example.fr", hash: pbkdf2("Ancien mot de passe")})
	err := ChangePassword(ctx, pool, u, "faux", "Nouveau mot de passe", "Nouveau mot de passe", now)
	var fe FieldErrors
	if !errors.As(err, &fe) || !strings.Contains(fe[FieldOldPassword], "ancien mot de passe est incorrect") {
		t.Fatalf("ancien mot de passe faux : %v", err)
	}
	err = ChangePassword(ctx, pool, u, "faux", "court", "court", now)
	if !errors.As(err, &fe) || fe[FieldOldPassword] == "" || fe[FieldNewPassword1] == "" {
		t.Errorf("toutes les erreurs attendues ensemble : %v", err)
	}
	if same, _ := ByID(ctx, pool, u.ID); same.PasswordHash != u.PasswordHash {
		t.Fatal("mot de passe changé malgré les erreurs")
	}
	if err := ChangePassword(ctx, pool, u, "Ancien mot de passe", "Nouveau mot de passe", "Nouveau mot de passe", now); err != nil {
		t.Fatal(err)
	}
	after, _ := ByID(ctx, pool, u.ID)
	if ok, _, _ := password.Check("Nouveau mot de passe", after.PasswordHash); !ok {
		t.Error("nouveau mot de passe non enregistré")
	}
	var actor int64
	pool.QueryRow(ctx, `SELECT history_user_id FROM users_historicaluser WHERE id = $1`, u.ID).Scan(&actor)
	if actor != u.ID {
		t.Errorf("historique : auteur %d, attendu %d", actor, u.ID)
	}
}

func TestSetEmailPreference(t *testing.T) {
	pool := dbtest.Pool(t)
	u := insertUser(t, pool, newUser{username: "fix", email: "fix@example.fr", hash: pbkdf2("x")})
	if err := SetEmailPreference(ctx, pool, u.ID, "PARFOIS", now); !errors.Is(err, ErrBadPreference) {
		t.Errorf("valeur inconnue : %v", err)
	}
	if err := SetEmailPreference(ctx, pool, 999999, PrefAucun, now); !errors.Is(err, ErrNotFound) {
		t.Errorf("compte inconnu : %v", err)
	}
	if err := SetEmailPreference(ctx, pool, u.ID, PrefAucun, now); err != nil {
		t.Fatal(err)
	}
	got, _ := ByID(ctx, pool, u.ID)
	var hist string
	pool.QueryRow(ctx, `SELECT preferences_email FROM users_historicaluser WHERE id = $1`, u.ID).Scan(&hist)
	if got.PreferencesEmail != PrefAucun || hist != PrefAucun {
		t.Errorf("préférence %q, historique %q", got.PreferencesEmail, hist)
	}
}

func TestCanImpersonate(t *testing.T) {
	super := User{ID: 1, IsActive: true, IsSuperuser: true, IsStaff: true}
	staff := User{ID: 2, IsActive: true, IsStaff: true}
	plain := User{ID: 3, IsActive: true}
	other := User{ID: 4, IsActive: true}
	super2 := User{ID: 5, IsActive: true, IsSuperuser: true}
	staff2 := User{ID: 6, IsActive: true, IsStaff: true}
	inactive := User{ID: 7}
	inactiveStaff := User{ID: 8, IsStaff: true}
	for _, tc := range []struct {
		name          string
		actor, target User
		want          error
	}{
		{"superutilisateur → utilisateur", super, plain, nil},
		{"superutilisateur → staff", super, staff, nil},
		{"superutilisateur → superutilisateur", super, super2, nil},
		{"superutilisateur → inactif", super, inactive, ErrImpersonateInactive},
		{"staff → utilisateur", staff, plain, nil},
		{"staff → staff", staff, staff2, ErrImpersonateForbidden},
		{"staff → superutilisateur", staff, super2, ErrImpersonateForbidden},
		{"staff → inactif", staff, inactive, ErrImpersonateInactive},
		{"utilisateur → utilisateur", plain, other, ErrImpersonateForbidden},
		{"staff inactif", inactiveStaff, plain, ErrImpersonateForbidden},
		{"soi-même", super, super, ErrImpersonateSelf},
	} {
		if got := CanImpersonate(tc.actor, tc.target); !errors.Is(got, tc.want) {
			t.Errorf("%s : %v, attendu %v", tc.name, got, tc.want)
		}
	}
}
