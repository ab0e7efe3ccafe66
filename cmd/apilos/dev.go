package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/spf13/cobra"
	"golang.org/x/sync/errgroup"

	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/demo"
	"github.com/MTES-MCT/apilos-go/internal/devdb"
	"github.com/MTES-MCT/apilos-go/internal/fixture"
	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

func init() {
	var dataDir, host string
	cmd := &cobra.Command{
		Use:   "dev",
		Short: "Lance APiLos en local sans installation : base PostgreSQL privée, Redis intégré, web et worker",
		Long: `Lance APiLos pour le développement, en un seul processus :
  - une base PostgreSQL privée sous --data-dir (avec les binaires PostgreSQL de la machine),
    sauf si DATABASE_URL est défini ;
  - un Redis intégré au processus, sauf si REDIS_URL est défini ;
  - les migrations, les rôles et permissions, puis le jeu de démonstration si la base est vide ;
  - le site web (port PORT, 8001 par défaut, sur 127.0.0.1 seulement sauf --host), le worker
    et le planificateur ;
  - l'API du SIAP (/api-siap/v0/) avec une clé de développement affichée au démarrage
    (JWT_SIGN_KEY si elle est définie) et le client SIAP simulé (sauf si SIAP_CLIENT_HOST
    est défini) ; « apilos token » donne un jeton de test.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := refuseInProduction(); err != nil {
				return err
			}
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			return runDev(cmd.Context(), cfg, dataDir, host, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", ".data", "répertoire des données locales (base PostgreSQL privée, clé de l'API)")
	// The demo accounts' password is public: the site is not reachable
	// from other machines unless asked.
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "adresse d'écoute (0.0.0.0 pour l'ouvrir aux autres machines : le mot de passe de démonstration est public)")
	rootCmd.AddCommand(cmd)
}

// runDev starts everything apilos dev needs, in this process, until ctx
// is cancelled (Ctrl-C).
func runDev(ctx context.Context, cfg config.Config, dataDir, host string, out io.Writer) error {
	log := newLogger(cfg)
	// The API of SIAP: a development key kept in dataDir, and the
	// simulated SIAP unless a real one is configured.
	if cfg.JWTSignKey == "" {
		key, err := devJWTKey(dataDir)
		if err != nil {
			return err
		}
		cfg.JWTSignKey = key
	}
	if cfg.SIAPClientHost == "" {
		cfg.UseMockedSIAPClient = true
	}
	if cfg.SiteURL == "" {
		cfg.SiteURL = config.DefaultSiteURL(cfg.Port)
	}
	if cfg.DatabaseURL == "" {
		fmt.Fprintf(out, "Démarrage de la base PostgreSQL privée dans %s ...\n", filepath.Join(dataDir, "pg"))
		cluster, err := devdb.Start(ctx, dataDir)
		if err != nil {
			return err
		}
		defer func() {
			if err := cluster.Stop(); err != nil {
				log.Error("arrêt de PostgreSQL", "err", err)
			}
		}()
		if err := cluster.EnsureDatabase(ctx, "apilos"); err != nil {
			return err
		}
		cfg.DatabaseURL = cluster.URL("apilos")
	}
	if cfg.RedisURL == "" {
		mr := miniredis.NewMiniRedis()
		if err := mr.StartAddr("127.0.0.1:0"); err != nil {
			return fmt.Errorf("démarrage du Redis intégré : %w", err)
		}
		defer mr.Close()
		// miniredis does not expire keys by itself: move its clock along.
		go func() {
			t := time.NewTicker(time.Second)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					return
				case <-t.C:
					mr.FastForward(time.Second)
				}
			}
		}()
		cfg.RedisURL = "redis://" + mr.Addr()
	}

	pool, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer pool.Close()
	if err := prepareDevDatabase(ctx, pool, out); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(host, cfg.Port))
	if err != nil {
		return fmt.Errorf("le port %s est déjà pris : choisissez-en un autre avec PORT=8002 make dev (%w)", cfg.Port, err)
	}
	transport, err := web.TransportOptionsFrom(cfg)
	if err != nil {
		ln.Close()
		return err
	}
	// Convention pages: documents under MEDIA_ROOT, notifications to the
	// embedded queue (sent by the worker below).
	conventions, err := web.ConventionOptionsFrom(ctx, cfg)
	if err != nil {
		ln.Close()
		return err
	}
	if conventions.Jobs != nil {
		defer conventions.Jobs.Close()
	}
	cerbere, apiRoute, err := siapWiring(cfg, pool, log)
	if err != nil {
		ln.Close()
		return err
	}
	// The demo's signed and published conventions link to their PDFs.
	if n, err := demo.StoreDocuments(ctx, pool, conventions.Storage); err != nil {
		ln.Close()
		return fmt.Errorf("documents PDF de démonstration : %w", err)
	} else if n > 0 {
		fmt.Fprintf(out, "Documents PDF de démonstration créés : %d.\n", n)
	}
	h, err := web.New(web.Options{
		Environment: cfg.Environment, Version: rootCmd.Version, Logger: log,
		DB: pool, RedisURL: cfg.RedisURL,
		Accounts: web.AccountOptionsFrom(cfg), Transport: transport,
		Conventions: conventions,
		Routes:      []web.Route{apiRoute},
		Cerbere:     cerbere, CerbereMode: cerbere != nil,
	})
	if err != nil {
		ln.Close()
		return err
	}
	printDevBanner(out, cfg.SiteURL+"/", cfg.JWTSignKey, cfg.UseMockedSIAPClient)

	deps, err := workerDeps(ctx, cfg, pool, log, nil)
	if err != nil {
		ln.Close()
		return err
	}
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return web.ServeListener(gctx, ln, h, log) })
	g.Go(func() error { return jobs.Run(gctx, deps) })
	err = g.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	fmt.Fprintln(out, "APiLos arrêté.")
	return err
}

// prepareDevDatabase migrates, loads roles and permissions, and loads the
// demo dataset when the database holds no convention yet.
func prepareDevDatabase(ctx context.Context, pool *pgxpool.Pool, out io.Writer) error {
	if _, applied, err := db.MigrateUp(ctx, pool); err != nil {
		return err
	} else if len(applied) > 0 {
		fmt.Fprintf(out, "%d migration(s) appliquée(s).\n", len(applied))
	}
	if err := loadPermissions(ctx, pool); err != nil {
		return err
	}
	var empty bool
	if err := pool.QueryRow(ctx, "SELECT NOT EXISTS (SELECT 1 FROM conventions_convention)").Scan(&empty); err != nil {
		return err
	}
	if empty {
		n, err := loadDemoDataset(ctx, pool)
		if err != nil {
			return fmt.Errorf("chargement du jeu de démonstration : %w", err)
		}
		fmt.Fprintf(out, "Jeu de démonstration chargé (%d objets).\n", n)
	}
	return nil
}

// loadPermissions loads the embedded roles and permissions (idempotent).
func loadPermissions(ctx context.Context, pool *pgxpool.Pool) error {
	_, err := fixture.LoadPermissions(ctx, pool)
	return err
}

// loadDemoDataset loads the demo dataset, the same objects as the
// committed dataset_staging.json, generated in memory.
func loadDemoDataset(ctx context.Context, pool *pgxpool.Pool) (int, error) {
	var buf bytes.Buffer
	if err := demo.WriteJSON(&buf, demo.Dataset(demo.DefaultSeed)); err != nil {
		return 0, err
	}
	res, err := fixture.Load(ctx, pool, []fixture.Source{{Name: "dataset_staging.json", Data: buf.Bytes()}})
	return res.Objects, err
}

// printDevBanner tells the newcomer where the site is, how to log in and
// how to call the API.
func printDevBanner(out io.Writer, url, jwtKey string, mockSIAP bool) {
	fmt.Fprintf(out, "\nAPiLos est lancé : %s\n\nComptes de démonstration (mot de passe « %s ») :\n", url, demo.Password)
	for _, u := range demo.Users() {
		fmt.Fprintf(out, "  %-22s %s\n", u.Login, u.Description)
	}
	fmt.Fprintf(out, "\nAPI du SIAP : %sapi-siap/v0/ (documentation : %sapi-siap/v0/schema-ui/)\n", url, url)
	fmt.Fprintf(out, "  clé de développement (JWT_SIGN_KEY) : %s\n", jwtKey)
	fmt.Fprintln(out, "  jeton de test (5 minutes) : bin/apilos token --habilitation 3")
	if mockSIAP {
		fmt.Fprintln(out, "  habilitations du SIAP simulé : 3 administration centrale, 5 bailleur 13 HABITAT, 12 service instructeur 13055")
	}
	fmt.Fprintln(out, "\nCtrl-C pour arrêter.")
}
