package dbops

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/dbtest"
)

// uniqueRole returns a role name no other test uses (roles are global to
// the server) and drops the role at the end of the test.
func uniqueRole(t *testing.T, admin *pgxpool.Pool) string {
	t.Helper()
	var b [4]byte
	rand.Read(b[:])
	name := "lecture_" + hex.EncodeToString(b[:])
	t.Cleanup(func() {
		ctx := context.Background()
		// Privileges live in the test database: drop them there first.
		admin.Exec(ctx, "DROP OWNED BY "+name)
		admin.Exec(ctx, "DROP ROLE IF EXISTS "+name)
	})
	return name
}

// connectAs opens a connection to the database of dbURL as role.
func connectAs(t *testing.T, dbURL, role, password string) *pgx.Conn {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.UserPassword(role, password)
	conn, err := pgx.Connect(context.Background(), u.String())
	if err != nil {
		t.Fatalf("connexion en tant que %s : %v", role, err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func pgCode(err error) string {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code
	}
	return ""
}

func TestCreateReadonlyRole(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.URL(t)
	admin := dbtest.Connect(t, dbURL)
	role := uniqueRole(t, admin)
	const password = "l'ecture-s3crète"

	if _, err := admin.Exec(ctx, `CREATE TABLE avant (id int PRIMARY KEY, nom text);
		INSERT INTO avant VALUES (1, 'existante'), (2, 'deux')`); err != nil {
		t.Fatal(err)
	}
	res, err := CreateReadonlyRole(ctx, admin, ReadonlyRole{Name: role, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Created || res.Tables < 2 {
		t.Errorf("résultat %+v : attendu un rôle créé lisant les tables existantes (dont le schéma de référence)", res)
	}
	// Idempotent: a second run updates, changes nothing else, does not fail.
	res2, err := CreateReadonlyRole(ctx, admin, ReadonlyRole{Name: role, Password: password})
	if err != nil {
		t.Fatalf("deuxième exécution : %v", err)
	}
	if res2.Created || res2.Tables != res.Tables {
		t.Errorf("deuxième exécution %+v, première %+v", res2, res)
	}
	// A table created after the role by the migrating role.
	if _, err := admin.Exec(ctx, `CREATE TABLE apres (id int PRIMARY KEY, nom text);
		INSERT INTO apres VALUES (1, 'nouvelle')`); err != nil {
		t.Fatal(err)
	}

	ro := connectAs(t, dbURL, role, password)
	for _, q := range []string{"SELECT count(*) FROM avant", "SELECT count(*) FROM apres", "SELECT count(*) FROM conventions_convention"} {
		var n int
		if err := ro.QueryRow(ctx, q).Scan(&n); err != nil {
			t.Errorf("%s refusé au rôle en lecture : %v", q, err)
		}
	}
	var n int
	ro.QueryRow(ctx, "SELECT count(*) FROM avant").Scan(&n)
	if n != 2 {
		t.Errorf("le rôle lit %d lignes, attendu 2", n)
	}

	writes := []string{
		"INSERT INTO avant VALUES (3, 'x')",
		"INSERT INTO apres VALUES (3, 'x')",
		"UPDATE avant SET nom = 'y'",
		"DELETE FROM apres",
		"TRUNCATE avant",
		"CREATE TABLE pirate (id int)",
		"DROP TABLE avant",
		"ALTER TABLE apres ADD COLUMN c int",
	}
	// First the session default: every transaction is read-only.
	for _, w := range writes {
		if _, err := ro.Exec(ctx, w); err == nil {
			t.Errorf("%s accepté au rôle en lecture", w)
		} else if code := pgCode(err); code != "25006" {
			t.Errorf("%s : %v, attendu le refus « transaction en lecture seule » (25006)", w, err)
		}
	}
	// Then without the read-only default (the role may change its own
	// setting): privileges alone still refuse every write.
	if _, err := ro.Exec(ctx, "SET default_transaction_read_only = off"); err != nil {
		t.Fatal(err)
	}
	for _, w := range writes {
		if _, err := ro.Exec(ctx, w); err == nil {
			t.Errorf("%s accepté au rôle en lecture hors transaction en lecture seule", w)
		} else if code := pgCode(err); code != "42501" {
			t.Errorf("%s : %v, attendu un refus de droit (42501)", w, err)
		}
	}
	// Nothing changed.
	admin.QueryRow(ctx, "SELECT (SELECT count(*) FROM avant) + (SELECT count(*) FROM apres)").Scan(&n)
	if n != 3 {
		t.Errorf("%d lignes après les tentatives d'écriture, attendu 3", n)
	}
	var setting string
	if err := ro.QueryRow(ctx, "SELECT setting FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole, unnest(s.setconfig) AS setting WHERE r.rolname = $1", role).Scan(&setting); err != nil || setting != "default_transaction_read_only=on" {
		t.Errorf("réglage du rôle = %q (%v), attendu default_transaction_read_only=on", setting, err)
	}
}

func TestCreateReadonlyRoleTakesBackWrites(t *testing.T) {
	ctx := context.Background()
	dbURL := dbtest.URL(t)
	admin := dbtest.Connect(t, dbURL)
	role := uniqueRole(t, admin)
	// The role exists with too many rights (an earlier manual setup).
	for _, s := range []string{
		"CREATE ROLE " + role + " LOGIN PASSWORD 'p'",
		"CREATE TABLE t (id int)",
		"GRANT ALL ON t TO " + role,
	} {
		if _, err := admin.Exec(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	res, err := CreateReadonlyRole(ctx, admin, ReadonlyRole{Name: role})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created {
		t.Error("le rôle existait : il doit être mis à jour, pas créé")
	}
	var canInsert, canSelect bool
	admin.QueryRow(ctx, "SELECT has_table_privilege($1, 't', 'INSERT'), has_table_privilege($1, 't', 'SELECT')", role).Scan(&canInsert, &canSelect)
	if canInsert || !canSelect {
		t.Errorf("INSERT=%v SELECT=%v, attendu seulement SELECT", canInsert, canSelect)
	}
	// The password was kept (not given): the role still logs in with it.
	ro := connectAs(t, dbURL, role, "p")
	if _, err := ro.Exec(ctx, "SELECT 1 FROM t"); err != nil {
		t.Error(err)
	}
}

func TestCreateReadonlyRoleRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	admin := dbtest.Pool(t)
	for _, name := range []string{"", "Metabase", "a-b", "x; DROP TABLE t", strings.Repeat("a", 64)} {
		if _, err := CreateReadonlyRole(ctx, admin, ReadonlyRole{Name: name}); err == nil || !strings.Contains(err.Error(), "nom de rôle") {
			t.Errorf("nom %q : err = %v", name, err)
		}
	}
	var me string
	admin.QueryRow(ctx, "SELECT current_user").Scan(&me)
	if _, err := CreateReadonlyRole(ctx, admin, ReadonlyRole{Name: me}); err == nil {
		t.Error("le rôle de connexion ne doit pas devenir lecture seule")
	}
}
