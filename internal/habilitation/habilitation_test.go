package habilitation_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

var siapKey = []byte("clé SIAP de test")

func setup(t *testing.T) (*pgxpool.Pool, habilitation.User) {
	t.Helper()
	ctx := context.Background()
	pool := dbtest.Pool(t)
	if _, err := fixture.LoadPermissions(ctx, pool); err != nil {
		t.Fatal(err)
	}
	u := habilitation.User{CerbereLogin: "nicolas.oudard", Email: "my.name@beta.gouv.fr"}
	if err := pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, cerbere_login)
		VALUES ('!', '1234', $1, $2) RETURNING id`, u.Email, u.CerbereLogin).Scan(&u.ID); err != nil {
		t.Fatal(err)
	}
	return pool, u
}

func mockService(t *testing.T, pool *pgxpool.Pool) *habilitation.Service {
	m, err := siap.NewMock()
	if err != nil {
		t.Fatal(err)
	}
	return &habilitation.Service{Pool: pool, SIAP: m}
}

// roleRow is the users_role row as stored, with the group name.
type roleRow struct {
	ID                                    int64
	Typologie, Group                      string
	BailleurID, AdministrationID          *int64
	PerimetreRegion, PerimetreDepartement *string
}

func roleRows(t *testing.T, pool *pgxpool.Pool, userID int64) []roleRow {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT r.id, r.typologie, g.name, r.bailleur_id::bigint, r.administration_id::bigint,
		r.perimetre_region, r.perimetre_departement FROM users_role r JOIN auth_group g ON g.id = r.group_id
		WHERE r.user_id = $1 ORDER BY r.id`, userID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []roleRow
	for rows.Next() {
		var r roleRow
		if err := rows.Scan(&r.ID, &r.Typologie, &r.Group, &r.BailleurID, &r.AdministrationID, &r.PerimetreRegion, &r.PerimetreDepartement); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func count(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

func id(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func TestMockProfiles(t *testing.T) {
	ctx := context.Background()
	pool, u := setup(t)
	svc := mockService(t, pool)

	// No habilitation asked: the first valid one, MO_PERS_MORALE REG 93.
	st, err := svc.Load(ctx, u, 0, 0, habilitation.Web)
	if err != nil {
		t.Fatal(err)
	}
	if st.HabilitationID != 5 || len(st.Habilitations) != 3 || len(st.Menu) != 3 {
		t.Fatalf("state = %+v", st)
	}
	r := st.Role
	if r.ID == 0 || r.Typologie != access.TypologieBailleur || r.Group != access.GroupBailleur || r.Profile != access.ProfileMOPersMorale ||
		r.PerimetreRegion != "93" || r.PerimetreDepartement != "" || r.ReadOnly || r.HabilitationID != 5 || r.AdministrationID != 0 {
		t.Errorf("role = %+v", r)
	}
	if st.Bailleur == nil || st.Bailleur.ID != r.BailleurID || st.Bailleur.Code != "782855696" || st.Bailleur.Nom != "13 HABITAT" || st.Bailleur.UUID == "" {
		t.Fatalf("bailleur = %+v", st.Bailleur)
	}
	var nom, siret, adresse, cp, ville, nature string
	if err := pool.QueryRow(ctx, `SELECT nom, siret, adresse, code_postal, ville, nature_bailleur FROM bailleurs_bailleur WHERE id = $1`, r.BailleurID).
		Scan(&nom, &siret, &adresse, &cp, &ville, &nature); err != nil {
		t.Fatal(err)
	}
	if nom != "13 HABITAT" || siret != "782855696" || adresse != "80 RUE ALBE" || cp != "13004" || ville != "MARSEILLE 4" || nature != habilitation.NatureAutre {
		t.Errorf("bailleur row = %q %q %q %q %q %q", nom, siret, adresse, cp, ville, nature)
	}
	rows := roleRows(t, pool, u.ID)
	if len(rows) != 1 || rows[0].ID != r.ID || rows[0].Typologie != "BAILLEUR" || rows[0].Group != "bailleur" ||
		id(rows[0].BailleurID) != r.BailleurID || rows[0].AdministrationID != nil || str(rows[0].PerimetreRegion) != "93" || rows[0].PerimetreDepartement != nil {
		t.Errorf("role rows = %+v", rows)
	}

	// ADM_CENTRALE, national: no entity, no perimeter.
	st, err = svc.Load(ctx, u, 3, 5, habilitation.Web)
	if err != nil {
		t.Fatal(err)
	}
	r = st.Role
	if st.HabilitationID != 3 || r.Typologie != access.TypologieAdministrateur || r.Group != access.GroupAdministrateur ||
		r.Profile != access.ProfileAdmCentrale || r.PerimetreRegion != "" || r.BailleurID != 0 || r.AdministrationID != 0 ||
		st.Bailleur != nil || st.Administration != nil {
		t.Errorf("ADM_CENTRALE: state %+v role %+v", st, r)
	}

	// SER_GEST with gestionnaire 13055: instructeur of that administration (EPCI: no perimeter).
	st, err = svc.Load(ctx, u, 12, 3, habilitation.Web)
	if err != nil {
		t.Fatal(err)
	}
	r = st.Role
	if st.Administration == nil || st.Administration.Code != "13055" || st.Administration.Nom != "13055 - Métropole d'Aix-Marseille-Provence" {
		t.Fatalf("administration = %+v", st.Administration)
	}
	if r.Typologie != access.TypologieInstructeur || r.Group != access.GroupInstructeur || r.AdministrationID != st.Administration.ID ||
		r.PerimetreRegion != "" || r.PerimetreDepartement != "" || r.HabilitationID != 12 {
		t.Errorf("SER_GEST role = %+v", r)
	}

	// DIR_REG 38 is A_VALIDER: asking for it falls back to the first valid one.
	st, err = svc.Load(ctx, u, 38, 0, habilitation.Web)
	if err != nil || st.HabilitationID != 5 {
		t.Fatalf("A_VALIDER asked: %+v, %v", st, err)
	}
	for _, h := range st.Habilitations {
		if h.ID == 38 {
			t.Error("A_VALIDER habilitation kept")
		}
	}
	// Nothing asked: the session's current one.
	st, err = svc.Load(ctx, u, 0, 12, habilitation.Web)
	if err != nil || st.HabilitationID != 12 {
		t.Fatalf("current 12: %+v, %v", st, err)
	}

	// Loading again creates nothing new: one bailleur, one administration,
	// one row per distinct role.
	before := roleRows(t, pool, u.ID)
	for _, h := range []int64{5, 3, 12, 5} {
		if _, err := svc.Load(ctx, u, h, 0, habilitation.Web); err != nil {
			t.Fatal(err)
		}
	}
	after := roleRows(t, pool, u.ID)
	if len(before) != 3 || len(after) != 3 {
		t.Errorf("role rows before %d after %d, want 3 (one per habilitation)", len(before), len(after))
	}
	if n := count(t, pool, `SELECT count(*) FROM bailleurs_bailleur WHERE siren = '782855696'`); n != 1 {
		t.Errorf("%d bailleurs", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM instructeurs_administration WHERE code = '13055'`); n != 1 {
		t.Errorf("%d administrations", n)
	}
	// The role of the reloaded habilitation has a new id (deleted, created again).
	if after[len(after)-1].Typologie != "BAILLEUR" || after[len(after)-1].ID == rows[0].ID {
		t.Errorf("bailleur role not re-created: before %+v after %+v", rows, after)
	}
}

func TestAPIModeWritesNoRole(t *testing.T) {
	ctx := context.Background()
	pool, _ := setup(t)
	svc := mockService(t, pool)
	st, err := svc.Load(ctx, habilitation.User{CerbereLogin: "api.login", Email: ""}, 12, 0, habilitation.API)
	if err != nil {
		t.Fatal(err)
	}
	if st.Role.ID != 0 || st.Role.Typologie != access.TypologieInstructeur || st.Role.AdministrationID == 0 {
		t.Errorf("role = %+v", st.Role)
	}
	if n := count(t, pool, `SELECT count(*) FROM users_role`); n != 0 {
		t.Errorf("%d role rows written in API mode", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM instructeurs_administration WHERE code = '13055'`); n != 1 {
		t.Errorf("administration not created: %d", n)
	}
	if _, err := svc.Load(ctx, habilitation.User{CerbereLogin: "x"}, 0, 0, habilitation.Web); err == nil {
		t.Error("web mode accepted a user without id")
	}
}

// hab builds a habilitation payload.
func hab(id int64, profil, codeRole, portee string, reg, dep string) siap.Habilitation {
	h := siap.Habilitation{ID: id, Statut: siap.StatutValidee,
		Groupe:           siap.Groupe{Profil: siap.Profil{Code: profil, Libelle: profil}, CodeRole: codeRole, LibelleRole: codeRole},
		PorteeTerritComp: &siap.Portee{CodePortee: portee}}
	if reg != "" {
		h.PorteeTerritComp.RegComp = &siap.Territory{Code: siap.Code(reg)}
	}
	if dep != "" {
		h.PorteeTerritComp.DepComp = &siap.Territory{Code: siap.Code(dep)}
	}
	return h
}

func serve(t *testing.T, habs ...siap.Habilitation) (*siaptest.Server, *siap.Remote) {
	srv := siaptest.NewServer(t, siapKey)
	b, err := json.Marshal(map[string]any{"habilitations": habs})
	if err != nil {
		t.Fatal(err)
	}
	srv.SetHabilitations(b)
	return srv, srv.Client(t, siapKey, 0)
}

func TestProfilesOverHTTP(t *testing.T) {
	ctx := context.Background()
	pool, u := setup(t)

	moLecteur := hab(1, "MO_PERS_MORALE", "MO_MORAL_REG_LECTEUR", "REG", "93", "")
	moLecteur.EntiteMorale = &siap.EntiteMorale{Nom: "Logis Sud", Siren: "111222333", CodeFamilleMO: "HLM", CodePostal: "13001", Ville: "Marseille", AdresseLigne: "1 rue A"}
	serDep := hab(2, "SER_DEP", "SERV_DEP_INSTRUCTEUR", "DEP", "93", "6")
	serDep.Gestionnaire = &siap.Gestionnaire{Code: "DD006", Libelle: "DDTM des Alpes-Maritimes"}
	part := hab(3, "PARTENAIRES", "PARTENAIRES", "NAT", "", "")
	dirRegChorus := hab(4, "DIR_REG", "DIR_REG_INSTRUCTEUR_CHORUS", "REG", "11", "")
	serGestLecteur := hab(5, "SER_GEST", "SERV_INSTR_DELGEG2_LECTEUR", "DEP", "", "2A")
	serGestLecteur.Gestionnaire = &siap.Gestionnaire{Code: "2A004", Libelle: "CA du Pays Ajaccien"}
	phys := hab(6, "MO_PERS_PHYS", "MO_PHYS", "COM", "", "")
	phys.EntiteMorale = &siap.EntiteMorale{Nom: "Jean Dupont", Siren: "", Siret: "999"}
	srv, client := serve(t, moLecteur, serDep, part, dirRegChorus, serGestLecteur, phys)
	svc := &habilitation.Service{Pool: pool, SIAP: client, NoMenu: true}

	tests := []struct {
		habID                                   int64
		typologie, group, profile, region, dept string
		readOnly                                bool
		bailleur, administration                bool
	}{
		{1, "BAILLEUR", "readonly_bailleur", "MO_PERS_MORALE", "93", "", true, true, false},
		{2, "ADMINISTRATEUR", "administrateur", "SER_DEP", "", "06", false, false, true},
		{3, "ADMINISTRATEUR", "readonly_administrateur", "PARTENAIRES", "", "", true, false, false},
		{4, "ADMINISTRATEUR", "readonly_administrateur", "DIR_REG", "11", "", true, false, false},
		{5, "INSTRUCTEUR", "readonly_instructeur", "SER_GEST", "", "2A", true, false, true},
		{6, "BAILLEUR", "bailleur", "MO_PERS_PHYS", "", "", false, true, false},
	}
	for _, tt := range tests {
		st, err := svc.Load(ctx, u, tt.habID, 0, habilitation.Web)
		if err != nil {
			t.Fatalf("habilitation %d: %v", tt.habID, err)
		}
		r := st.Role
		if r.Typologie != tt.typologie || r.Group != tt.group || r.Profile != tt.profile || r.PerimetreRegion != tt.region ||
			r.PerimetreDepartement != tt.dept || r.ReadOnly != tt.readOnly || r.HabilitationID != tt.habID {
			t.Errorf("habilitation %d: role %+v", tt.habID, r)
		}
		if (st.Bailleur != nil) != tt.bailleur || (st.Administration != nil) != tt.administration {
			t.Errorf("habilitation %d: bailleur %+v administration %+v", tt.habID, st.Bailleur, st.Administration)
		}
		if st.Menu != nil {
			t.Errorf("NO_SIAP_MENU: menu %+v", st.Menu)
		}
		var row roleRow
		for _, rr := range roleRows(t, pool, u.ID) {
			if rr.ID == r.ID {
				row = rr
			}
		}
		if row.ID == 0 || row.Group != tt.group || row.Typologie != tt.typologie || str(row.PerimetreDepartement) != map[bool]string{true: tt.dept, false: "<null>"}[tt.dept != ""] {
			t.Errorf("habilitation %d: row %+v", tt.habID, row)
		}
		// SER_DEP: the session knows its administration, the role row has no entity.
		if tt.profile == "SER_DEP" && (row.AdministrationID != nil || r.AdministrationID != 0 || st.Administration.Code != "DD006") {
			t.Errorf("SER_DEP row %+v role %+v", row, r)
		}
	}
	if n := len(srv.CallsTo(siaptest.MenuPath)); n != 0 {
		t.Errorf("NO_SIAP_MENU: %d menu calls", n)
	}
	// The natural person is a private bailleur keyed by the user's e-mail.
	var siren, siret, nature string
	if err := pool.QueryRow(ctx, `SELECT siren, siret, nature_bailleur FROM bailleurs_bailleur WHERE nom = 'Jean Dupont'`).Scan(&siren, &siret, &nature); err != nil {
		t.Fatal(err)
	}
	if siren != u.Email || siret != u.Email || nature != habilitation.NaturePrive {
		t.Errorf("MO_PERS_PHYS bailleur: siren %q siret %q nature %q", siren, siret, nature)
	}
	if n := count(t, pool, `SELECT count(*) FROM bailleurs_bailleur WHERE siren = '111222333' AND nature_bailleur = 'HLM' AND code_postal = '13001'`); n != 1 {
		t.Errorf("HLM bailleur not created as sent")
	}
}

func TestFusionsAndUpdates(t *testing.T) {
	ctx := context.Background()
	pool, u := setup(t)
	mo := hab(7, "MO_PERS_MORALE", "MO_MORAL_REG_ADMIN", "REG", "93", "")
	mo.EntiteMorale = &siap.EntiteMorale{Nom: "13 HABITAT (nouveau nom)", Siren: "782855696", AdresseLigne4: "80 RUE ALBE", AdresseLigne6: "13004 MARSEILLE 4"}
	srv, client := serve(t, mo)
	svc := &habilitation.Service{Pool: pool, SIAP: client}

	var parentID, keptID, goneID int64
	err := pool.QueryRow(ctx, `INSERT INTO bailleurs_bailleur (siren, siret, nom, nature_bailleur) VALUES ('782855696', '78285569600010', '13 HABITAT', 'HLM') RETURNING id`).Scan(&parentID)
	if err != nil {
		t.Fatal(err)
	}
	pool.QueryRow(ctx, `INSERT INTO bailleurs_bailleur (siren, siret, nom) VALUES ('271200024', '27120002400010', 'Absorbé') RETURNING id`).Scan(&keptID)
	pool.QueryRow(ctx, `INSERT INTO bailleurs_bailleur (siren, siret, nom, parent_id) VALUES ('333444555', '33344455500010', 'Ancien enfant', $1) RETURNING id`, parentID).Scan(&goneID)
	srv.On(siaptest.FusionPath, siaptest.Answer{Status: 200, Body: `[{"sirenAbsorbe":"271200024","sirenAbsorbant":"782855696","dateFinValidite":"2023-09-29"},
		{"sirenAbsorbe":"333444555","sirenAbsorbant":"999999999","dateFinValidite":"2023-09-29"}]`})

	st, err := svc.Load(ctx, u, 7, 0, habilitation.Web)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bailleur.ID != parentID || st.Role.BailleurID != parentID {
		t.Fatalf("existing bailleur not reused: %+v", st.Bailleur)
	}
	parentOf := func(id int64) int64 {
		var p *int64
		if err := pool.QueryRow(ctx, `SELECT parent_id::bigint FROM bailleurs_bailleur WHERE id = $1`, id).Scan(&p); err != nil {
			t.Fatal(err)
		}
		if p == nil {
			return 0
		}
		return *p
	}
	if parentOf(keptID) != parentID || parentOf(goneID) != 0 {
		t.Errorf("parents: absorbé %d, ancien enfant %d", parentOf(keptID), parentOf(goneID))
	}
	// Existing bailleur: nom follows SIAP; nature stays (no codeFamilleMO sent); siret untouched.
	var nom, nature, siret string
	pool.QueryRow(ctx, `SELECT nom, nature_bailleur, siret FROM bailleurs_bailleur WHERE id = $1`, parentID).Scan(&nom, &nature, &siret)
	if nom != "13 HABITAT (nouveau nom)" || nature != "HLM" || siret != "78285569600010" {
		t.Errorf("bailleur after load: %q %q %q", nom, nature, siret)
	}
	calls := srv.CallsTo(siaptest.FusionPath)
	if len(calls) != 1 || calls[0].Query != "siren=782855696" || calls[0].HabID != 7 || calls[0].Login != u.CerbereLogin {
		t.Errorf("fusion calls = %+v", calls)
	}

	// A failing fusion call is a SIAP error with the fusion message, and nothing is written.
	srv.On(siaptest.FusionPath, siaptest.Answer{Status: 500, Body: "erreur"})
	before := roleRows(t, pool, u.ID)
	_, err = svc.Load(ctx, u, 7, 0, habilitation.Web)
	if e, ok := siap.AsError(err); !ok || e.Kind != siap.KindFusion || e.Message != siap.MsgFusion {
		t.Fatalf("err = %v", err)
	}
	if after := roleRows(t, pool, u.ID); len(after) != len(before) || after[0].ID != before[0].ID {
		t.Errorf("role changed by a failed load: %+v → %+v", before, after)
	}
}

func TestNoValidHabilitation(t *testing.T) {
	ctx := context.Background()
	pool, u := setup(t)
	h := hab(38, "DIR_REG", "DIR_REG_ADMIN", "REG", "93", "")
	h.Statut = "A_VALIDER"
	_, client := serve(t, h)
	svc := &habilitation.Service{Pool: pool, SIAP: client}
	_, err := svc.Load(ctx, u, 0, 0, habilitation.Web)
	if e, ok := siap.AsError(err); !ok || e.Kind != siap.KindHabilitation || e.Message != "La plateforme SIAP n'a pas pu trouver d'habilitation associée à votre profil" {
		t.Fatalf("err = %v", err)
	}
	if n := count(t, pool, `SELECT count(*) FROM users_role`); n != 0 {
		t.Errorf("%d roles written", n)
	}
}

func TestBailleurFromSIAP(t *testing.T) {
	for _, tt := range []struct {
		name    string
		em      siap.EntiteMorale
		want    habilitation.Bailleur
		wantErr string
	}{
		{"lines 4 and 6", siap.EntiteMorale{Nom: "13 HABITAT", Siren: "782855696", AdresseLigne4: "80 RUE ALBE", AdresseLigne6: "13004 MARSEILLE 4"},
			habilitation.Bailleur{Siren: "782855696", Siret: "782855696", Nom: "13 HABITAT", Adresse: "80 RUE ALBE", CodePostal: "13004", Ville: "MARSEILLE 4", Nature: habilitation.NatureAutre}, ""},
		{"explicit fields win", siap.EntiteMorale{RaisonSociale: "SEM X", Siren: "1", Siret: "11", CodeFamilleMO: "SEM", AdresseLigne: "a", AdresseLigne4: "b", CodePostal: "75001", Ville: "Paris", AdresseLigne6: "13004 MARSEILLE"},
			habilitation.Bailleur{Siren: "1", Siret: "11", Nom: "SEM X", Adresse: "a", CodePostal: "75001", Ville: "Paris", Nature: habilitation.NatureSEM, NatureGiven: true}, ""},
		{"line 6 without code postal", siap.EntiteMorale{Nom: "n", Siren: "2", AdresseLigne6: "CEDEX MARSEILLE"},
			habilitation.Bailleur{Siren: "2", Siret: "2", Nom: "n", Ville: "CEDEX MARSEILLE", Nature: habilitation.NatureAutre}, ""},
		{"private by e-mail", siap.EntiteMorale{Nom: "p", Email: "p@example.fr", Siret: "123", CodeFamilleMO: "Bailleurs privés"},
			habilitation.Bailleur{Siren: "p@example.fr", Siret: "123", Nom: "p", Nature: habilitation.NaturePrive, NatureGiven: true}, ""},
		{"private by siret", siap.EntiteMorale{Nom: "p", Siret: "123", CodeFamilleMO: "Bailleurs privés"},
			habilitation.Bailleur{Siren: "123", Siret: "123", Nom: "p", Nature: habilitation.NaturePrive, NatureGiven: true}, ""},
		{"private without key", siap.EntiteMorale{Nom: "p", CodeFamilleMO: "Bailleurs privés"}, habilitation.Bailleur{}, "Les informations fournies par la plateforme SIAP ne sont pas suffisantes"},
		{"no siren", siap.EntiteMorale{Nom: "HLM sans siren", CodeFamilleMO: "HLM"}, habilitation.Bailleur{}, "Impossible d'identifier le bailleur selon les informations transmises par la plateforme SIAP ; SIREN manquant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := habilitation.BailleurFromSIAP(tt.em)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}
