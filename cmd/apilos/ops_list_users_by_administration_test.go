package main

import (
	"strings"
	"testing"
)

func TestListUsersByAdministration(t *testing.T) {
	pool := opsDB(t)
	b := seedBusiness(t, pool)
	opsExec(t, pool, `UPDATE users_user SET preferences_email = 'TOUS', last_login = '2025-03-12 13:05:00+00' WHERE id = $1`, b.instructeurUser)
	group := opsScalar[int](t, pool, `SELECT id FROM auth_group WHERE name = 'bailleur'`)
	for _, u := range []struct{ login, pref string }{{"silence.bailleur", "AUCUN"}, {"tout.bailleur", "TOUS"}, {"partiel.bailleur", "PARTIEL"}} {
		id := opsScalar[int64](t, pool, `INSERT INTO users_user (username, password, email, is_superuser, is_staff, first_name, last_name, preferences_email)
VALUES ($1::varchar, '!', $1::varchar || '@hlm.example', false, false, '', '', $2) RETURNING id`, u.login, u.pref)
		opsExec(t, pool, `INSERT INTO users_role (typologie, bailleur_id, user_id, group_id) VALUES ('BAILLEUR', $1, $2, $3)`, b.bailleurOld, id, group)
	}
	before := opsSnapshot(t, pool)

	out, err := runCmd(t, "", "list_users_by_administration", "DD013", "--operation", "2023/13/0042")
	if err != nil {
		t.Fatalf("err = %v\n%s", err, out)
	}
	for _, line := range []string{
		"Administration : DDTM des Bouches-du-Rhône (code DD013)\n",
		"Conventions : 2 (dont 1 avenant(s))\n",
		"Bailleurs des programmes : 1\n",
		"  - Habitat Provence OPH (SIRET 27130042100017) : 2 convention(s)\n",
		"Utilisateurs de l'administration : 1\n",
		"  - paul.instructeur <paul@ddtm.example> — préférence e-mail : TOUS (Tous les emails) — dernière connexion : 12/03/2025 14:05\n",
		"      rôles : INSTRUCTEUR sur DDTM des Bouches-du-Rhône\n",
		"Utilisateurs des bailleurs : 4\n",
		"  - marie.bailleur <marie@hlm.example> — préférence e-mail : PARTIEL (Emails des conventions instruites) — jamais connecté\n",
		"Convention 13.13055.23.0001 (5. Signée) — programme « Opération L9TQKLS6EC », bailleur « Habitat Provence OPH »",
		"Avenant 1 (2. Instruction requise)",
		"  E-mails aux bailleurs : 2\n    - marie@hlm.example (marie.bailleur ; PARTIEL, a contribué à la convention)\n    - tout.bailleur@hlm.example (tout.bailleur ; TOUS, rôle sur le bailleur)\n",
		"  E-mails de nouvelle soumission (soumis par un utilisateur non CERBERE ; sinon liste du SIAP) : 1\n    - paul@ddtm.example (paul.instructeur ; TOUS, rôle sur l'administration)\n",
		"  Autres e-mails à l'instruction : 1\n    - paul@ddtm.example (paul.instructeur ; TOUS, rôle sur l'administration)\n",
		"    - partiel.bailleur@hlm.example (partiel.bailleur ; PARTIEL, sans contribution à la convention)\n",
		"    - silence.bailleur@hlm.example (silence.bailleur ; AUCUN)\n",
		"  Derniers changements de statut (1) :\n    - ",
		" : 1. Projet → 2. Instruction requise par marie.bailleur\n",
		"  Derniers changements de statut (0) :\n",
	} {
		if !strings.Contains(out, line) {
			t.Errorf("output lacks %q:\n%s", line, out)
		}
	}
	// The avenant's programme is an avenant copy: the bailleur side of the
	// avenant is computed on its own programme's bailleur.
	if strings.Count(out, "tout.bailleur@hlm.example (tout.bailleur ; TOUS, rôle sur le bailleur)") != 2 {
		t.Errorf("TOUS bailleur user should receive the e-mails of both conventions:\n%s", out)
	}

	// Another administration: the operation's conventions are flagged.
	out, err = runCmd(t, "", "list-users-by-administration", "13055", "--operation", "2023-13-0042")
	if err != nil || !strings.Contains(out, "  attention : administration du programme : DDTM des Bouches-du-Rhône (DD013) (pas Métropole d'Aix-Marseille-Provence (13055))\n") ||
		!strings.Contains(out, "  - support <support@apilos.example> — préférence e-mail : PARTIEL") {
		t.Errorf("err = %v\n%s", err, out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"list_users_by_administration"}, "indiquez un code d'administration, et un seul"},
		{[]string{"list_users_by_administration", "99999"}, "aucune administration n'a le code « 99999 »"},
		{[]string{"list_users_by_administration", "DD013", "--operation", "0000-00-0000"}, "aucune convention pour l'opération « 0000-00-0000 »"},
		{[]string{"list_users_by_administration", "DD013", "--operation", " "}, "numéro d'opération manquant"},
	} {
		if out, err := runCmd(t, "", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q\n%s", c.args, err, c.want, out)
		}
	}
	// Read only, and allowed in production.
	t.Setenv("ENVIRONMENT", "production")
	t.Setenv("SECRET_KEY", "x")
	t.Setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
	if out, err := runCmd(t, "", "list_users_by_administration", "DD013"); err != nil {
		t.Errorf("production: %v\n%s", err, out)
	}
	opsAssertUnchanged(t, before, opsSnapshot(t, pool))
}
