package web

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/fixture"
)

// TestLocalAccountSeesTheUnionOfItsRoles logs in the reference's test
// users over HTTP: sabine (instructeur of administrations 1 and 2) and
// raph (bailleur of bailleurs 1 and 2) each see the conventions of both
// roles, whatever role the header menu marks, and none of the third
// administration and bailleur.
func TestLocalAccountSeesTheUnionOfItsRoles(t *testing.T) {
	e := newAccountEnv(t, nil)
	ctx := context.Background()
	if _, err := fixture.LoadPermissions(ctx, e.pool); err != nil {
		t.Fatal(err)
	}
	var srcs []fixture.Source
	for _, name := range []string{"bailleurs_for_tests.json", "instructeurs_for_tests.json", "users_for_tests.json"} {
		data, err := os.ReadFile("../fixture/testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		srcs = append(srcs, fixture.Source{Name: name, Data: data})
	}
	if _, err := fixture.Load(ctx, e.pool, srcs); err != nil {
		t.Fatal(err)
	}
	w := &cworld{t: t, pool: e.pool}
	w.add(cconv{bailleur: 1, adm: 1, nom: "Résidence Arles"})
	w.add(cconv{bailleur: 2, adm: 2, nom: "Résidence Marseille"})
	w.add(cconv{bailleur: 3, adm: 3, nom: "Résidence Paris"})

	for _, tc := range []struct {
		user      string
		sees, not []string
	}{
		{"sabine", []string{"Résidence Arles", "Résidence Marseille"}, []string{"Résidence Paris"}},
		{"raph", []string{"Résidence Arles", "Résidence Marseille"}, []string{"Résidence Paris"}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			c := newClient(t, e.srv)
			c.login(&testAccount{username: tc.user, password: "12345"}, "/")
			check := func(when string) {
				res, b := c.get("/conventions/recherche")
				if res.StatusCode != 200 {
					t.Fatalf("%s : recherche %d", when, res.StatusCode)
				}
				for _, nom := range tc.sees {
					if !strings.Contains(b, nom) {
						t.Errorf("%s : %s ne voit pas %s", when, tc.user, nom)
					}
				}
				for _, nom := range tc.not {
					if strings.Contains(b, nom) {
						t.Errorf("%s : %s voit %s", when, tc.user, nom)
					}
				}
			}
			check("après connexion")
			// The second role, chosen from the header menu, acts: the
			// scope stays the union.
			var second string
			e.pool.QueryRow(ctx, `SELECT max(r.id)::text FROM users_role r JOIN users_user u ON u.id = r.user_id WHERE u.username = $1`, tc.user).Scan(&second)
			if res, _ := c.post("/accounts/role/", map[string][]string{"role_id": {second}}); res.StatusCode != 303 {
				t.Fatalf("changement de rôle : %d", res.StatusCode)
			}
			_, b := c.get("/conventions/recherche")
			if markedRole(t, b) != second {
				t.Error("rôle choisi non marqué")
			}
			check("après changement de rôle")
		})
	}
}
