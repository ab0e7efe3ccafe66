package demo

import (
	"sync"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
)

// Password is the password of every demo account.
const Password = "apilos-demo"

// PasswordIterations is Django's pbkdf2_sha256 iteration count of the
// reference's era; login accepts it and upgrades the hash.
const PasswordIterations = 390000

// User describes a demo account, for `apilos dev` to print.
type User struct {
	Login       string
	Email       string
	Kind        string // KindBailleur, KindInstructeur, ...
	Description string // what the account gives access to, in French
	Password    string
}

// Kinds of demo users.
const (
	KindBailleur       = "bailleur"
	KindInstructeur    = "instructeur"
	KindAdministrateur = "administrateur"
	KindSuperuser      = "superuser"
)

type demoUser struct {
	login, kind, first, last string
	label                    string
	superuser                bool
	salt                     string // fixed so the dataset file is byte-stable
}

var demoUsers = []demoUser{
	{"demo.bailleur", KindBailleur, "Camille", "Bailleur",
		"bailleur (Habitat Calanques Méditerranée OPH)", false, "DemoBailleurSalt2025a1"},
	{"demo.instructeur", KindInstructeur, "Dominique", "Instructeur",
		"instructeur (Métropole Aix-Marseille-Provence)", false, "DemoInstructeurSalt25b"},
	{"demo.administrateur", KindAdministrateur, "Sacha", "Administrateur",
		"administrateur départemental (Bouches-du-Rhône)", false, "DemoAdministrSalt25c3"},
	{"demo.superuser", KindSuperuser, "Alex", "Superutilisateur",
		"super-utilisateur (tous les droits)", true, "DemoSuperuserSalt25d4x"},
}

// Users lists the demo accounts of the dataset, in primary-key order.
func Users() []User {
	out := make([]User, len(demoUsers))
	for i, u := range demoUsers {
		out[i] = User{Login: u.login, Email: email(u.login), Kind: u.kind, Description: u.label, Password: Password}
	}
	return out
}

func email(login string) string { return login + "@apilos.example" }

var (
	hashesOnce sync.Once
	hashes     []string
)

// passwordHashes computes the Django hashes once per process: 390 000
// pbkdf2 rounds per account are too slow to repeat for every generation.
func passwordHashes() []string {
	hashesOnce.Do(func() {
		hashes = make([]string, len(demoUsers))
		var wg sync.WaitGroup
		for i, u := range demoUsers {
			wg.Go(func() { hashes[i] = password.PBKDF2SHA256(Password, u.salt, PasswordIterations) })
		}
		wg.Wait()
	})
	return hashes
}

// userPKs are the primary keys of the demo users when they are generated.
type userPKs struct {
	bailleur, instructeur, administrateur, superuser int
}

// addUsers appends the demo users and their roles: a BAILLEUR role on the
// HLM office, an INSTRUCTEUR role on the métropole, a departmental
// ADMINISTRATEUR role (perimeter = département 13), and a superuser
// without role (superusers see everything).
func (g *generator) addUsers(joined time.Time) userPKs {
	h := passwordHashes()
	pks := make([]int, len(demoUsers))
	for i, u := range demoUsers {
		pk := g.nextPK("users.user")
		pks[i] = pk
		g.add("users.user", pk, Fields{
			{"password", h[i]},
			{"last_login", nil},
			{"is_superuser", u.superuser},
			{"username", u.login},
			{"first_name", u.first},
			{"last_name", u.last},
			{"email", email(u.login)},
			{"is_staff", u.superuser},
			{"is_active", true},
			{"date_joined", timestamp(joined.Add(time.Duration(i) * time.Minute))},
			{"telephone", nil},
			{"cerbere_login", nil},
			{"preferences_email", "PARTIEL"},
			{"creator", nil},
			{"secondary_email", ""},
			{"groups", []int{}},
			{"user_permissions", []int{}},
			{"filtre_departements", []int{}},
		})
	}
	role := func(typologie string, bailleur, admin any, user int, group string, dep any) {
		g.add("users.role", g.nextPK("users.role"), Fields{
			{"typologie", typologie},
			{"bailleur", bailleur},
			{"administration", admin},
			{"user", user},
			{"group", []string{group}}, // natural key of auth.group
			{"perimetre_region", nil},
			{"perimetre_departement", dep},
		})
	}
	role("BAILLEUR", g.bailleurPK[bailleurHLM], nil, pks[0], "bailleur", nil)
	role("INSTRUCTEUR", nil, g.adminPK[adminMetropole], pks[1], "instructeur", nil)
	role("ADMINISTRATEUR", nil, nil, pks[2], "administrateur", "13")
	return userPKs{pks[0], pks[1], pks[2], pks[3]}
}
