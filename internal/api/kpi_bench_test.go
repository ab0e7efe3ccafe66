package api

// Throughput of GET convention_kpi/ on a generated volume, over HTTP with
// parallel clients. It needs a database filled by `apilos generate` and
// is skipped otherwise, so `make test` never runs it:
//
//	createdb apilos_bench
//	DATABASE_URL=postgres://…/apilos_bench apilos migrate up
//	DATABASE_URL=postgres://…/apilos_bench apilos generate --conventions 200000
//	APILOS_BENCH_DB=postgres://…/apilos_bench go test ./internal/api/ \
//	    -run '^$' -bench ConventionKPI -benchtime 5s -count 3
//
// The metric req/s is the number of answered requests per second of
// wall time. The habilitations are those of a fake SIAP (over HTTP), for
// a national administration, an instructing administration and a
// bailleur of the generated data; the habilitation is kept
// HabilitationTTL, as in the processes. "cached" runs with the processes'
// KPITTL (the figures of a scope are counted once per KPITTL), "counted"
// counts at every call (the cost of a miss).

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/jwt"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap/siaptest"
)

func BenchmarkConventionKPI(b *testing.B) {
	url := os.Getenv("APILOS_BENCH_DB")
	if url == "" {
		b.Skip("APILOS_BENCH_DB absent : donnez l'URL d'une base remplie par « apilos generate --conventions 200000 »")
	}
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		b.Fatal(err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	// The busiest administration and bailleur of the generated data.
	var admCode, siren string
	if err := pool.QueryRow(ctx, `SELECT a.code FROM programmes_programme p JOIN instructeurs_administration a ON a.id = p.administration_id
		GROUP BY a.code ORDER BY count(*) DESC LIMIT 1`).Scan(&admCode); err != nil {
		b.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT b.siren FROM programmes_programme p JOIN bailleurs_bailleur b ON b.id = p.bailleur_id
		GROUP BY b.siren ORDER BY count(*) DESC LIMIT 1`).Scan(&siren); err != nil {
		b.Fatal(err)
	}
	siapKey := []byte("clé APiLos → SIAP")
	fake := siaptest.NewServer(b, siapKey)
	habs := map[string]any{"habilitations": []any{
		map[string]any{"id": 1, "statut": "VALIDEE", "groupe": map[string]any{"profil": map[string]any{"code": "ADM_CENTRALE"}, "codeRole": "ADM_CENTRALE_ADMIN"},
			"porteeTerritComp": map[string]any{"codePortee": "NAT"}},
		map[string]any{"id": 2, "statut": "VALIDEE", "groupe": map[string]any{"profil": map[string]any{"code": "SER_GEST"}, "codeRole": "SERV_INSTR_INSTRUCTEUR"},
			"gestionnaire": map[string]any{"code": admCode, "libelle": admCode}},
		map[string]any{"id": 3, "statut": "VALIDEE", "groupe": map[string]any{"profil": map[string]any{"code": "MO_PERS_MORALE"}, "codeRole": "MO_MORAL_NAT_ADMIN"},
			"entiteMorale": map[string]any{"siren": siren, "nom": "bench"}, "porteeTerritComp": map[string]any{"codePortee": "NAT"}},
	}}
	raw, _ := json.Marshal(habs)
	fake.SetHabilitations(raw)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

	// "cached": as the processes run (KPITTL); "counted": every call
	// counts (KPITTL 0), the cost of a cache miss.
	for _, bc := range []struct {
		name string
		hab  int64
		ttl  time.Duration
	}{
		{"cached/national", 1, KPITTL}, {"cached/instructeur", 2, KPITTL}, {"cached/bailleur", 3, KPITTL},
		{"counted/national", 1, 0}, {"counted/instructeur", 2, 0}, {"counted/bailleur", 3, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewServer(New(Options{JWTKey: key, DB: pool, Logger: slogDiscard(), HabilitationTTL: HabilitationTTL, KPITTL: bc.ttl,
				Habilitations: &habilitation.Service{Pool: pool, SIAP: fake.Client(b, siapKey, 0)}}))
			defer srv.Close()
			tok, err := jwt.Sign(key, "bench.siap", bc.hab, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			call := func() {
				req, _ := http.NewRequest("GET", srv.URL+Prefix+"convention_kpi/", nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					b.Errorf("status %d", res.StatusCode)
				}
			}
			call() // the habilitation is loaded once, outside the timing
			b.SetParallelism(4)
			start := time.Now()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					call()
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}
