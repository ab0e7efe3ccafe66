package main

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Test data of the operations commands: the deployment document's own
// example (programme 4fa6ec1c-… "Opération L9TQKLS6EC", administration
// 13055, bailleur 48496369900026) plus the owners it starts with.

const (
	docProgrammeUUID = "4fa6ec1c-b89c-4a8e-ba2c-da18ad1bd194"
	docProgrammeNom  = "Opération L9TQKLS6EC"
	docAdminCode     = "13055"
	docAdminNom      = "Métropole d'Aix-Marseille-Provence"
	docSiret         = "48496369900026"
	docBailleurNom   = "6ème Sens Immobilier Investissement"
)

type opsIDs struct {
	programme, adminDoc, adminOld, bailleurDoc, bailleurOld int
	copies                                                  []int
}

func opsExec(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	if _, err := pool.Exec(context.Background(), sql, args...); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
}

func opsScalar[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := pool.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%v\n%s", err, sql)
	}
	return v
}

// seedDocExample inserts the document's example, the programme attached to
// another administration and bailleur, with `copies` avenant copies.
func seedDocExample(t *testing.T, pool *pgxpool.Pool, copies int) opsIDs {
	t.Helper()
	var ids opsIDs
	ids.adminDoc = opsScalar[int](t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ($1, $2) RETURNING id`, docAdminNom, docAdminCode)
	ids.adminOld = opsScalar[int](t, pool, `INSERT INTO instructeurs_administration (nom, code) VALUES ('DDTM des Bouches-du-Rhône', 'DD013') RETURNING id`)
	ids.bailleurDoc = opsScalar[int](t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, siren) VALUES ($1, $2, '484963699') RETURNING id`, docBailleurNom, docSiret)
	ids.bailleurOld = opsScalar[int](t, pool, `INSERT INTO bailleurs_bailleur (nom, siret, siren) VALUES ('Habitat Provence OPH', '27130042100017', '271300421') RETURNING id`)
	ids.programme = opsScalar[int](t, pool, `INSERT INTO programmes_programme (uuid, nom, numero_operation, bailleur_id, administration_id)
VALUES ($1, $2, '2023-13-0042', $3, $4) RETURNING id`, docProgrammeUUID, docProgrammeNom, ids.bailleurOld, ids.adminOld)
	for range copies {
		ids.copies = append(ids.copies, opsScalar[int](t, pool, `INSERT INTO programmes_programme (nom, numero_operation, parent_id, bailleur_id, administration_id)
VALUES ($1, '2023-13-0042', $2, $3, $4) RETURNING id`, docProgrammeNom, ids.programme, ids.bailleurOld, ids.adminOld))
	}
	// An unrelated programme, which must never change.
	opsExec(t, pool, `INSERT INTO programmes_programme (nom, bailleur_id, administration_id) VALUES ('Résidence Les Oliviers', $1, $2)`, ids.bailleurOld, ids.adminOld)
	return ids
}

// opsSnapshot is every row of every table of the schema, as JSON text, to
// prove that a refused or abandoned command wrote nothing.
func opsSnapshot(t *testing.T, pool *pgxpool.Pool) map[string][]string {
	t.Helper()
	ctx := context.Background()
	rows, err := pool.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	snap := map[string][]string{}
	for _, tbl := range tables {
		r, err := pool.Query(ctx, `SELECT row_to_json(x)::text FROM `+tbl+` x ORDER BY row_to_json(x)::text`)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var s string
			if err := r.Scan(&s); err != nil {
				t.Fatal(err)
			}
			snap[tbl] = append(snap[tbl], s)
		}
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
		if snap[tbl] == nil {
			snap[tbl] = []string{}
		}
	}
	return snap
}

// opsAssertUnchanged compares two snapshots table by table.
func opsAssertUnchanged(t *testing.T, before, after map[string][]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Fatalf("tables: %d before, %d after", len(before), len(after))
	}
	for tbl, b := range before {
		a := after[tbl]
		if len(a) != len(b) {
			t.Errorf("table %s: %d rows before, %d after", tbl, len(b), len(a))
			continue
		}
		for i := range b {
			if a[i] != b[i] {
				t.Errorf("table %s changed:\nbefore %s\nafter  %s", tbl, b[i], a[i])
				break
			}
		}
	}
}
