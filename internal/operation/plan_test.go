package operation

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/dbtest"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

// TestImportPlan imports variants of the bundled two-aid operation
// (PLUS and PLAI) served by the fake SIAP, and checks the prêts and
// stationnements of the created lots, or that a value out of range
// refuses the whole import with a French message naming the field.
func TestImportPlan(t *testing.T) {
	ctx := context.Background()
	pool := dbtest.Pool(t)
	srv := siaptest.NewServer(t, siapKey)
	client := srv.Client(t, siapKey, 0)
	base, err := siap.MockPayloads.ReadFile("mock/operation2.json")
	if err != nil {
		t.Fatal(err)
	}

	var uid int64
	var mo habilitation.Entity
	if err := pool.QueryRow(ctx, `INSERT INTO users_user (password, username, email, cerbere_login) VALUES ('!', 'u', 'u@x.fr', 'u') RETURNING id`).Scan(&uid); err != nil {
		t.Fatal(err)
	}
	err = db.InTx(ctx, pool, func(tx pgx.Tx) (err error) {
		mo, err = habilitation.UpsertBailleur(ctx, tx, habilitation.Bailleur{Nom: "13 HABITAT", Siren: "782855696"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sub := &access.Subject{UserID: uid, CerbereLogin: "u", IsActive: true, BailleurIDs: []int64{mo.ID},
		Role: &access.Role{Typologie: access.TypologieBailleur, Group: access.GroupBailleur, BailleurID: mo.ID}}

	// Edits of the payload (decoded as generic JSON).
	type payload = map[string]any
	details := func(p payload, aide int) payload { return p["detailsOperation"].([]any)[aide].(payload) }
	plan := func(p payload, aide int) payload { return p["plansFinancement"].([]any)[aide].(payload) }
	garage := func(p payload, aide, i int) payload { return details(p, aide)["garages"].([]any)[i].(payload) }
	loyerGarage := func(p payload, aide, i int) payload {
		return details(p, aide)["loyers"].([]any)[0].(payload)["loyerGarages"].([]any)[i].(payload)
	}

	for i, tt := range []struct {
		name string
		edit func(payload)
		// want lists the rows per lot, or err is in the refusal.
		want, err string
	}{
		{name: "as SIAP sends it: the subsidy of each aid, empty garages",
			want: "PLAI prêt AUTRE '' 100.00 | PLAI stationnement GARAGE_ENTERRE 0 0.00 | PLAI stationnement PARKING_SUPERSTRUCTURE 0 0.00 | " +
				"PLUS prêt AUTRE '' 100.00 | PLUS stationnement GARAGE_ENTERRE 0 0.00 | PLUS stationnement PARKING_SUPERSTRUCTURE 0 0.00"},
		{name: "loans, subsidies, garages and their rents",
			edit: func(p payload) {
				plan(p, 0)["prets"] = []any{payload{"montant": 250000.5}, payload{"montant": nil}, payload{"montant": "1200"}}
				plan(p, 0)["subventions"] = []any{payload{"type": "PLUS", "montant": 1234.567}, payload{"type": "PLAI", "montant": 7}}
				plan(p, 1)["subventions"] = []any{}
				garage(p, 0, 0)["nbGaragesIndividuels"], garage(p, 0, 0)["nbGaragesCollectifs"] = 3, nil
				garage(p, 0, 1)["nbGaragesIndividuels"], garage(p, 0, 1)["nbGaragesCollectifs"] = 2, 4
				loyerGarage(p, 0, 0)["loyer"] = 45.5
				details(p, 0)["loyers"].([]any)[0].(payload)["loyerGarages"] = []any{loyerGarage(p, 0, 0)}
				details(p, 1)["garages"] = []any{}
			},
			want: "PLUS prêt AUTRE '' 250000.50 | PLUS prêt AUTRE '' 0.00 | PLUS prêt AUTRE '' 1200.00 | PLUS prêt AUTRE '' 1234.57 | " +
				"PLUS stationnement GARAGE_ENTERRE 3 45.50 | PLUS stationnement PARKING_SUPERSTRUCTURE 6 0.00"},
		{name: "no financing plan, no rent",
			edit: func(p payload) {
				delete(p, "plansFinancement")
				details(p, 0)["loyers"] = nil
				garage(p, 0, 0)["nbGaragesIndividuels"] = 1
				details(p, 1)["garages"] = nil
			},
			want: "PLUS stationnement GARAGE_ENTERRE 1 0.00 | PLUS stationnement PARKING_SUPERSTRUCTURE 0 0.00"},
		{name: "negative amount",
			edit: func(p payload) { plan(p, 1)["prets"] = []any{payload{"montant": -3}} },
			err:  "Données du SIAP pour le financement PLAI : Montant du prêt : -3,00\u00a0€ ne peut pas être négatif"},
		{name: "amount too large",
			edit: func(p payload) { plan(p, 0)["subventions"] = []any{payload{"type": "PLUS", "montant": 1e10}} },
			err:  "financement PLUS : Montant du prêt : 10\u00a0000\u00a0000\u00a0000,00\u00a0€ doit être inférieur à"},
		{name: "rent too large",
			edit: func(p payload) { loyerGarage(p, 1, 1)["loyer"] = 10000 },
			err:  "financement PLAI : Loyer maximum du stationnement en € : 10\u00a0000,00\u00a0€ doit être inférieur à"},
		{name: "unknown garage type",
			edit: func(p payload) { garage(p, 1, 0)["type"] = "Aérien" },
			err:  "financement PLAI : Type de stationnement : « Aérien » n'est pas un type de garage connu (Enterrés / Sous-sol, Superstructure)"},
		{name: "negative count",
			edit: func(p payload) { garage(p, 0, 1)["nbGaragesCollectifs"] = -1 },
			err:  "financement PLUS : Nombre de stationnements : -1 pour « Superstructure » ne peut pas être négatif"},
		{name: "count too large",
			edit: func(p payload) {
				garage(p, 0, 1)["nbGaragesIndividuels"], garage(p, 0, 1)["nbGaragesCollectifs"] = 1<<31-1, 1
			},
			err: "financement PLUS : Nombre de stationnements : le nombre pour « Superstructure » est trop grand"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p payload
			if err := json.Unmarshal(base, &p); err != nil {
				t.Fatal(err)
			}
			numero := fmt.Sprintf("PLAN%02d", i)
			p["donneesOperation"].(payload)["numeroOperation"] = numero
			if tt.edit != nil {
				tt.edit(p)
			}
			body, _ := json.Marshal(p)
			srv.On(siaptest.OperationPrefix+numero, siaptest.Answer{Status: 200, Body: string(body)})
			op, err := Fetch(ctx, client, "u", 1, numero)
			if err != nil {
				t.Fatal(err)
			}
			err = db.InTx(ctx, pool, func(tx pgx.Tx) error { _, err := Import(ctx, tx, sub, op); return err })
			got := planRows(t, pool, numero)
			if tt.err != "" {
				e, ok := siap.AsError(err)
				if !ok || e.Kind != siap.KindData || !strings.Contains(e.Message, tt.err) {
					t.Errorf("error %v, want one containing %q", err, tt.err)
				}
				if n := countOperation(t, pool, numero); n != 0 || got != "" {
					t.Errorf("refused import left %d programmes/conventions and rows %q", n, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("rows\n%s\nwant\n%s", got, tt.want)
			}
			// A second import creates neither conventions nor rows.
			if err := db.InTx(ctx, pool, func(tx pgx.Tx) error { _, err := Import(ctx, tx, sub, op); return err }); err != nil {
				t.Fatal(err)
			}
			if again := planRows(t, pool, numero); again != got {
				t.Errorf("second import: %s", again)
			}
		})
	}
}

// planRows lists the prêts and stationnements of the lots of the
// operation's programme, by financement.
func planRows(t *testing.T, pool *pgxpool.Pool, numero string) string {
	t.Helper()
	rows, err := pool.Query(context.Background(), `SELECT l.financement, 'prêt ' || r.preteur || ' ''' || COALESCE(r.autre, 'NULL') || ''' ' || r.montant
			|| CASE WHEN r.date_octroi IS NULL AND r.duree IS NULL AND r.numero IS NULL THEN '' ELSE ' +' END, r.id
		FROM conventions_pret r JOIN programmes_lot l ON l.id = r.lot_id JOIN conventions_convention c ON c.id = l.convention_id
		JOIN programmes_programme p ON p.id = c.programme_id WHERE p.numero_operation = $1
		UNION ALL
		SELECT l.financement, 'stationnement ' || s.typologie || ' ' || s.nb_stationnements || ' ' || s.loyer, s.id + 1000000
		FROM programmes_typestationnement s JOIN programmes_lot l ON l.id = s.lot_id JOIN conventions_convention c ON c.id = l.convention_id
		JOIN programmes_programme p ON p.id = c.programme_id WHERE p.numero_operation = $1
		ORDER BY 1, 3`, numero)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		var f, row string
		var id int64
		if err := rows.Scan(&f, &row, &id); err != nil {
			t.Fatal(err)
		}
		out = append(out, f+" "+row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, " | ")
}

func countOperation(t *testing.T, pool *pgxpool.Pool, numero string) (n int) {
	t.Helper()
	if err := pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM programmes_programme WHERE numero_operation = $1)
		+ (SELECT count(*) FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id WHERE p.numero_operation = $1)`,
		numero).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
