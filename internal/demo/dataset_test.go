package demo

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
)

var update = flag.Bool("update", false, "réécrit dataset_staging.json à partir du générateur")

const stagingFile = "../../dataset_staging.json"

// The committed file is exactly the generator's output.
func TestStagingFile(t *testing.T) {
	want := render(t, Dataset(DefaultSeed))
	path := filepath.FromSlash(stagingFile)
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("lecture de dataset_staging.json : %v (lancez go generate ./internal/demo)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("dataset_staging.json ne correspond plus au générateur : lancez go generate ./internal/demo et commitez le fichier")
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	a := render(t, Dataset(DefaultSeed))
	b := render(t, Dataset(DefaultSeed))
	if !bytes.Equal(a, b) {
		t.Fatal("deux générations avec la même graine diffèrent")
	}
	bulkA := render(t, Generate(Options{Seed: 5, Programmes: 12}))
	bulkB := render(t, Generate(Options{Seed: 5, Programmes: 12}))
	if !bytes.Equal(bulkA, bulkB) {
		t.Fatal("deux générations en masse avec la même graine diffèrent")
	}
}

func TestDifferentSeedDifferentData(t *testing.T) {
	a := parse(t, render(t, Dataset(DefaultSeed)))
	b := parse(t, render(t, Dataset(DefaultSeed+1)))
	surfaces := func(d *dataset) string {
		var s []string
		for _, o := range d.byModel["programmes.logement"] {
			s = append(s, o.str(t, "surface_habitable"))
		}
		return strings.Join(s, ",")
	}
	if surfaces(a) == surfaces(b) {
		t.Fatal("les surfaces des logements ne dépendent pas de la graine")
	}
	uuids := func(d *dataset) string { return d.byModel["conventions.convention"][0].str(t, "uuid") }
	if uuids(a) == uuids(b) {
		t.Fatal("les uuid ne dépendent pas de la graine")
	}
}

func TestStatutCounts(t *testing.T) {
	d := generated(t, Options{Seed: DefaultSeed, Users: true})
	got := map[string]int{}
	for _, c := range d.byModel["conventions.convention"] {
		got[c.str(t, "statut")]++
	}
	want := map[string]int{
		"1. Projet":               2,
		"2. Instruction requise":  2, // one of them an avenant
		"3. Corrections requises": 1,
		"4. A signer":             1,
		"5. Signée":               3, // one of them an avenant
		"5. Publication en cours": 1,
		"7. Publié":               1,
		"6. Résiliée":             1,
		"7. Dénoncée":             2, // the convention and its dénonciation avenant
		"8. Annulée en suivi":     1,
	}
	for s, n := range want {
		if got[s] != n {
			t.Errorf("statut %q : %d conventions, attendu %d", s, got[s], n)
		}
	}
	for s := range got {
		if _, ok := want[s]; !ok {
			t.Errorf("statut inattendu %q", s)
		}
	}
	if n := len(d.byModel["programmes.programme"]); n != 10 {
		t.Errorf("%d programmes, attendu 7 + 3 clones d'avenant", n)
	}
	if n := len(d.byModel["bailleurs.bailleur"]); n != 3 {
		t.Errorf("%d bailleurs, attendu 3", n)
	}
	if n := len(d.byModel["instructeurs.administration"]); n != 2 {
		t.Errorf("%d administrations, attendu 2", n)
	}
}

func TestProgrammeCount(t *testing.T) {
	for _, n := range []int{1, 3, 7, 25} {
		d := generated(t, Options{Seed: 3, Programmes: n})
		roots := 0
		for _, p := range d.byModel["programmes.programme"] {
			if p.isNull(t, "parent") {
				roots++
			}
		}
		if roots != n {
			t.Errorf("Programmes=%d : %d programmes racines", n, roots)
		}
		if len(d.byModel["users.user"]) != 0 {
			t.Errorf("Programmes=%d sans Users : des utilisateurs ont été générés", n)
		}
	}
}

// fkTargets lists every foreign key of the generated models; a model
// missing here fails the test, so a new model cannot escape the check.
var fkTargets = map[string]map[string]string{
	"instructeurs.administration":    {},
	"bailleurs.bailleur":             {"parent": "bailleurs.bailleur"},
	"users.user":                     {"creator": "users.user"},
	"users.role":                     {"bailleur": "bailleurs.bailleur", "administration": "instructeurs.administration", "user": "users.user"},
	"programmes.programme":           {"parent": "programmes.programme", "bailleur": "bailleurs.bailleur", "administration": "instructeurs.administration"},
	"programmes.referencecadastrale": {"programme": "programmes.programme"},
	"programmes.logementedd":         {"programme": "programmes.programme"},
	"conventions.convention":         {"parent": "conventions.convention", "programme": "programmes.programme", "cree_par": "users.user"},
	"programmes.lot":                 {"parent": "programmes.lot", "convention": "conventions.convention"},
	"programmes.logement":            {"lot": "programmes.lot"},
	"programmes.annexe":              {"logement": "programmes.logement"},
	"programmes.typestationnement":   {"lot": "programmes.lot"},
	"conventions.pret":               {"lot": "programmes.lot"},
	"conventions.conventionhistory":  {"convention": "conventions.convention", "user": "users.user"},
}

// Reference data loaded before the dataset: auth.json groups (natural
// keys) and avenant_types.json (pks 1–8), data model §18.
var authGroups = map[string]bool{"bailleur": true, "instructeur": true, "administrateur": true,
	"readonly_bailleur": true, "readonly_instructeur": true, "readonly_administrateur": true}

func TestForeignKeysResolve(t *testing.T) {
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			position := map[string]int{}
			for i, o := range d.objs {
				position[o.Model+"#"+itoa(o.PK)] = i
			}
			for _, o := range d.objs {
				fks, ok := fkTargets[o.Model]
				if !ok {
					t.Fatalf("modèle %s sans description de ses clés étrangères", o.Model)
				}
				for field, target := range fks {
					pk := o.ref(t, field)
					if pk == 0 {
						continue
					}
					if _, ok := d.index[target][pk]; !ok {
						t.Errorf("%s : %s = %d absent de %s", o, field, pk, target)
					}
					// A loader inserting in file order finds the target first.
					if position[target+"#"+itoa(pk)] > position[o.Model+"#"+itoa(o.PK)] {
						t.Errorf("%s : %s = %d apparaît après l'objet", o, field, pk)
					}
				}
				switch o.Model {
				case "users.role":
					g := o.list(t, "group")
					if len(g) != 1 || !authGroups[g[0].(string)] {
						t.Errorf("%s : groupe %v inconnu de auth.json", o, g)
					}
				case "conventions.convention":
					for _, v := range o.list(t, "avenant_types") {
						n := refValue(t, v)
						if n < 1 || n > 8 {
							t.Errorf("%s : type d'avenant %d absent de avenant_types.json", o, n)
						}
					}
					for _, v := range o.list(t, "parents_2nd_vie") {
						if _, ok := d.index["conventions.convention"][refValue(t, v)]; !ok {
							t.Errorf("%s : parents_2nd_vie %v absent", o, v)
						}
					}
				case "users.user":
					for _, f := range []string{"groups", "user_permissions", "filtre_departements"} {
						if len(o.list(t, f)) != 0 {
							t.Errorf("%s : %s doit rester vide", o, f)
						}
					}
				}
			}
		})
	}
}

var uuidRe = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestUUIDsAndTimestamps(t *testing.T) {
	d := generated(t, Options{Seed: DefaultSeed, Users: true})
	seen := map[string]string{}
	tsRe := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	for _, o := range d.objs {
		if _, ok := o.Fields["uuid"]; ok {
			u := o.str(t, "uuid")
			if !uuidRe.MatchString(u) {
				t.Errorf("%s : uuid %q n'est pas un uuid v4", o, u)
			}
			if prev, dup := seen[u]; dup {
				t.Errorf("%s : uuid %s déjà pris par %s", o, u, prev)
			}
			seen[u] = o.String()
		}
		if _, ok := o.Fields["cree_le"]; ok {
			c, m := o.str(t, "cree_le"), o.str(t, "mis_a_jour_le")
			if !tsRe.MatchString(c) || !tsRe.MatchString(m) {
				t.Errorf("%s : horodatages %q / %q", o, c, m)
			}
			if m < c {
				t.Errorf("%s : mis_a_jour_le %s avant cree_le %s", o, m, c)
			}
		}
	}
	if len(seen) < 100 {
		t.Fatalf("seulement %d uuid", len(seen))
	}
}

// Dates match the statut: numbering and validation from "A signer" on,
// signature from "Signée" on, SPF dates, résiliation, dénonciation; events
// in order.
func TestStatutDates(t *testing.T) {
	validated := map[string]bool{"4. A signer": true, "5. Signée": true, "5. Publication en cours": true,
		"7. Publié": true, "6. Résiliée": true, "7. Dénoncée": true}
	signed := map[string]bool{"5. Signée": true, "5. Publication en cours": true, "7. Publié": true, "6. Résiliée": true}
	for name, d := range datasetsUnderTest(t) {
		t.Run(name, func(t *testing.T) {
			for _, c := range d.byModel["conventions.convention"] {
				s := c.str(t, "statut")
				isAvenant := c.ref(t, "parent") != 0
				has := func(f string) bool { return c.str(t, f) != "" }
				if (s == "1. Projet") == has("soumis_le") {
					t.Errorf("%s (%s) : soumis_le %q", c, s, c.str(t, "soumis_le"))
				}
				if has("soumis_le") && c.str(t, "premiere_soumission_le") != c.str(t, "soumis_le") {
					t.Errorf("%s : premiere_soumission_le ≠ soumis_le", c)
				}
				if validated[s] != has("valide_le") || validated[s] != has("numero") {
					t.Errorf("%s (%s) : valide_le %q numero %q", c, s, c.str(t, "valide_le"), c.str(t, "numero"))
				}
				wantSigned := signed[s] || (s == "7. Dénoncée" && !isAvenant)
				if wantSigned != has("televersement_convention_signee_le") || wantSigned != has("nom_fichier_signe") {
					t.Errorf("%s (%s) : televersement %q fichier %q", c, s, c.str(t, "televersement_convention_signee_le"), c.str(t, "nom_fichier_signe"))
				}
				if has("nom_fichier_signe") && !strings.HasPrefix(c.str(t, "nom_fichier_signe"), "convention_") {
					t.Errorf("%s : nom de fichier signé %q", c, c.str(t, "nom_fichier_signe"))
				}
				pub := s == "7. Publié"
				if pub != has("date_publication_spf") || pub != has("reference_spf") || pub != has("nom_fichier_publication_spf") {
					t.Errorf("%s (%s) : publication SPF incohérente", c, s)
				}
				if (s == "7. Publié" || s == "5. Publication en cours") != has("date_envoi_spf") {
					t.Errorf("%s (%s) : date_envoi_spf %q", c, s, c.str(t, "date_envoi_spf"))
				}
				if (s == "6. Résiliée") != has("date_resiliation") || (s == "6. Résiliée") != has("motif_resiliation") {
					t.Errorf("%s (%s) : date_resiliation %q", c, s, c.str(t, "date_resiliation"))
				}
				if (s == "7. Dénoncée") != has("date_denonciation") {
					t.Errorf("%s (%s) : date_denonciation %q", c, s, c.str(t, "date_denonciation"))
				}
				// Chronology: creation ≤ submission ≤ validation ≤ signature ≤ SPF.
				seq := []string{c.str(t, "cree_le")[:10], c.str(t, "soumis_le"), c.str(t, "valide_le"),
					c.str(t, "televersement_convention_signee_le"), c.str(t, "date_envoi_spf"), c.str(t, "date_publication_spf")}
				last := ""
				for _, v := range seq {
					if v == "" {
						continue
					}
					if v[:10] < last {
						t.Errorf("%s : dates hors d'ordre %v", c, seq)
						break
					}
					last = v[:10]
				}
				// Publication at the SPF needs a non-HLM, non-SEM bailleur
				// for ordinary dwellings (§20.6).
				if s == "5. Publication en cours" || s == "7. Publié" {
					prog := d.index["programmes.programme"][c.ref(t, "programme")]
					b := d.index["bailleurs.bailleur"][prog.ref(t, "bailleur")]
					if n := b.str(t, "nature_bailleur"); n == "HLM" || n == "SEM" {
						t.Errorf("%s : publiée pour un bailleur %s", c, n)
					}
				}
			}
		})
	}
}

// History rows chain from "1. Projet" to the statut the transitions that
// write history lead to (§10.1).
func TestHistory(t *testing.T) {
	lastLogged := map[string]string{
		"1. Projet": "", "2. Instruction requise": "2. Instruction requise",
		"3. Corrections requises": "3. Corrections requises", "4. A signer": "4. A signer",
		"5. Signée": "4. A signer", "5. Publication en cours": "4. A signer", "7. Publié": "4. A signer",
		"6. Résiliée": "4. A signer", "7. Dénoncée": "4. A signer", "8. Annulée en suivi": "8. Annulée en suivi",
	}
	d := generated(t, Options{Seed: DefaultSeed, Users: true})
	users := map[int]string{}
	for _, u := range d.byModel["users.user"] {
		users[u.PK] = u.str(t, "username")
	}
	for _, c := range d.byModel["conventions.convention"] {
		rows := d.children("conventions.conventionhistory", "convention", c.PK, t)
		sort.SliceStable(rows, func(i, j int) bool { return rows[i].str(t, "cree_le") < rows[j].str(t, "cree_le") })
		prev := "1. Projet"
		for _, h := range rows {
			if h.str(t, "statut_convention_precedent") != prev {
				t.Errorf("%s : transition depuis %q, attendu %q", h, h.str(t, "statut_convention_precedent"), prev)
			}
			to := h.str(t, "statut_convention")
			who := users[h.ref(t, "user")]
			wantWho := "demo.instructeur"
			if to == "2. Instruction requise" {
				wantWho = "demo.bailleur"
			}
			if who != wantWho {
				t.Errorf("%s : transition vers %q faite par %q, attendu %q", h, to, who, wantWho)
			}
			if to == "3. Corrections requises" && h.str(t, "commentaire") == "" {
				t.Errorf("%s : demande de corrections sans commentaire", h)
			}
			if h.str(t, "cree_le") < c.str(t, "cree_le") {
				t.Errorf("%s : historique antérieur à la convention", h)
			}
			prev = to
		}
		want := lastLogged[c.str(t, "statut")]
		got := ""
		if len(rows) > 0 {
			got = prev
		}
		if got != want {
			t.Errorf("%s (%s) : dernier statut de l'historique %q, attendu %q", c, c.str(t, "statut"), got, want)
		}
	}
	if len(d.byModel["conventions.conventionhistory"]) == 0 {
		t.Fatal("aucun historique")
	}
}

// Avenants (§20.4): parent is the root convention, own cloned programme
// pointing to the root programme with the same numero_operation, lots
// pointing to the root's first lot, at least one avenant type.
func TestAvenants(t *testing.T) {
	d := generated(t, Options{Seed: DefaultSeed, Users: true})
	numbered, types := 0, map[string]bool{}
	names := map[int]string{1: "bailleur", 2: "logements", 3: "duree", 7: "denonciation"}
	for _, c := range d.byModel["conventions.convention"] {
		parentPK := c.ref(t, "parent")
		if parentPK == 0 {
			if len(c.list(t, "avenant_types")) != 0 {
				t.Errorf("%s : convention avec des types d'avenant", c)
			}
			continue
		}
		parent := d.index["conventions.convention"][parentPK]
		if parent.ref(t, "parent") != 0 {
			t.Errorf("%s : le parent %d n'est pas une convention racine", c, parentPK)
		}
		prog := d.index["programmes.programme"][c.ref(t, "programme")]
		rootProg := d.index["programmes.programme"][parent.ref(t, "programme")]
		if prog.PK == rootProg.PK || prog.ref(t, "parent") != rootProg.PK {
			t.Errorf("%s : programme %d, parent %d, attendu un clone du programme %d", c, prog.PK, prog.ref(t, "parent"), rootProg.PK)
		}
		if prog.str(t, "numero_operation") != rootProg.str(t, "numero_operation") {
			t.Errorf("%s : numero_operation du clone différent", c)
		}
		firstLot := d.children("programmes.lot", "convention", parentPK, t)[0]
		for _, l := range d.children("programmes.lot", "convention", c.PK, t) {
			if l.ref(t, "parent") != firstLot.PK {
				t.Errorf("%s : parent %d, attendu le premier lot %d de la convention d'origine", l, l.ref(t, "parent"), firstLot.PK)
			}
		}
		tl := c.list(t, "avenant_types")
		if len(tl) == 0 {
			t.Errorf("%s : avenant sans type", c)
		}
		for _, v := range tl {
			types[names[refValue(t, v)]] = true
		}
		if c.str(t, "numero") != "" {
			numbered++
		}
		if c.str(t, "statut") == "7. Dénoncée" && parent.str(t, "statut") != "7. Dénoncée" {
			t.Errorf("%s : avenant dénoncé d'une convention %q", c, parent.str(t, "statut"))
		}
	}
	if numbered < 1 {
		t.Error("aucun avenant numéroté")
	}
	for _, typ := range []string{"logements", "duree", "denonciation"} {
		if !types[typ] {
			t.Errorf("aucun avenant de type %s", typ)
		}
	}
}

// Demo users: one per kind, roles as access §1 describes, the demo
// password verifies.
func TestDemoUsers(t *testing.T) {
	d := generated(t, Options{Seed: DefaultSeed, Users: true})
	byLogin := map[string]fixObj{}
	for _, u := range d.byModel["users.user"] {
		byLogin[u.str(t, "username")] = u
	}
	type roleWant struct {
		typologie, group string
		bailleur, admin  bool
		departement      string
	}
	wants := map[string]*roleWant{
		"demo.bailleur":       {"BAILLEUR", "bailleur", true, false, ""},
		"demo.instructeur":    {"INSTRUCTEUR", "instructeur", false, true, ""},
		"demo.administrateur": {"ADMINISTRATEUR", "administrateur", false, false, "13"},
		"demo.superuser":      nil,
	}
	if len(Users()) != len(wants) {
		t.Fatalf("Users() : %d comptes, attendu %d", len(Users()), len(wants))
	}
	for _, du := range Users() {
		u, ok := byLogin[du.Login]
		if !ok {
			t.Errorf("%s absent du jeu de données", du.Login)
			continue
		}
		if du.Password != "apilos-demo" || du.Email != du.Login+"@apilos.example" || u.str(t, "email") != du.Email {
			t.Errorf("%s : mot de passe %q, e-mail %q / %q", du.Login, du.Password, du.Email, u.str(t, "email"))
		}
		hash := u.str(t, "password")
		if !strings.HasPrefix(hash, "pbkdf2_sha256$390000$") {
			t.Errorf("%s : hachage %q", du.Login, hash)
		}
		if ok, _, err := password.Check("apilos-demo", hash); !ok || err != nil {
			t.Errorf("%s : le mot de passe de démo ne se vérifie pas (%v)", du.Login, err)
		}
		if ok, _, _ := password.Check("autre", hash); ok {
			t.Errorf("%s : un autre mot de passe est accepté", du.Login)
		}
		want, known := wants[du.Login]
		if !known {
			t.Errorf("compte inattendu %s", du.Login)
			continue
		}
		roles := d.children("users.role", "user", u.PK, t)
		super := u.Fields["is_superuser"] == true && u.Fields["is_staff"] == true
		if want == nil {
			if !super || len(roles) != 0 || du.Kind != KindSuperuser {
				t.Errorf("%s : superuser %v, %d rôles", du.Login, super, len(roles))
			}
			continue
		}
		if super || u.Fields["is_staff"] == true {
			t.Errorf("%s : ne doit pas être staff", du.Login)
		}
		if len(roles) != 1 {
			t.Errorf("%s : %d rôles, attendu 1", du.Login, len(roles))
			continue
		}
		r := roles[0]
		if r.str(t, "typologie") != want.typologie || r.list(t, "group")[0] != want.group ||
			(r.ref(t, "bailleur") != 0) != want.bailleur || (r.ref(t, "administration") != 0) != want.admin ||
			r.str(t, "perimetre_departement") != want.departement {
			t.Errorf("%s : rôle %v", du.Login, r.Fields)
		}
		if strings.ToLower(want.typologie) != du.Kind {
			t.Errorf("%s : type %q", du.Login, du.Kind)
		}
	}
	// The demo bailleur sees conventions to work on; the demo instructeur
	// has conventions to instruct in its administration.
	var bailleurRole, instrRole fixObj
	for _, r := range d.byModel["users.role"] {
		switch r.str(t, "typologie") {
		case "BAILLEUR":
			bailleurRole = r
		case "INSTRUCTEUR":
			instrRole = r
		}
	}
	statutsBailleur, statutsInstr := map[string]bool{}, map[string]bool{}
	for _, c := range d.byModel["conventions.convention"] {
		prog := d.index["programmes.programme"][c.ref(t, "programme")]
		if prog.ref(t, "bailleur") == bailleurRole.ref(t, "bailleur") {
			statutsBailleur[c.str(t, "statut")] = true
		}
		if prog.ref(t, "administration") == instrRole.ref(t, "administration") {
			statutsInstr[c.str(t, "statut")] = true
		}
	}
	for _, s := range []string{"1. Projet", "3. Corrections requises", "5. Signée"} {
		if !statutsBailleur[s] {
			t.Errorf("le bailleur de démo n'a aucune convention %q", s)
		}
	}
	if len(statutsInstr) != 10 {
		t.Errorf("l'administration de l'instructeur de démo couvre %d statuts sur 10", len(statutsInstr))
	}
}

func TestBailleurSirets(t *testing.T) {
	d := generated(t, Options{Seed: DefaultSeed})
	digits := regexp.MustCompile(`^\d{14}$`)
	for _, b := range d.byModel["bailleurs.bailleur"] {
		siret, siren := b.str(t, "siret"), b.str(t, "siren")
		if !digits.MatchString(siret) || siren != siret[:9] {
			t.Errorf("%s : siret %q siren %q", b, siret, siren)
		}
		if !luhnValid(siret) || !luhnValid(siren) {
			t.Errorf("%s : clé de Luhn invalide pour %s / %s", b, siret, siren)
		}
	}
}

// luhnValid is written again here so the test does not trust the
// generator's helper.
func luhnValid(s string) bool {
	sum := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}
