package main

import (
	"fmt"
	"net"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/version"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "web",
		Short: "Lance le serveur web (pages, /healthz, /readyz, /metrics) sur le port PORT",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			log := newLogger(cfg)
			ctx := cmd.Context()
			pool, err := openDB(ctx, cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			var rdb *redis.Client
			if cfg.RedisURL != "" {
				opt, err := redis.ParseURL(cfg.RedisURL)
				if err != nil {
					return fmt.Errorf("REDIS_URL invalide : %w", err)
				}
				rdb = redis.NewClient(opt)
				defer rdb.Close()
			}
			opts := web.Options{
				Environment: cfg.Environment,
				Version:     version.Version,
				Logger:      log,
				DB:          pool,
			}
			if rdb != nil {
				opts.Redis = rdb
			}
			cerbere, apiRoute, err := siapWiring(cfg, pool, log)
			if err != nil {
				return err
			}
			opts.Cerbere, opts.CerbereMode = cerbere, cerbere != nil
			opts.Routes = append(opts.Routes, apiRoute)
			// Local accounts, reset e-mails (console mailer until SMTP
			// exists), proxy trust, HTTPS redirect and HSTS.
			opts.Accounts = web.AccountOptionsFrom(cfg)
			if opts.Transport, err = web.TransportOptionsFrom(cfg); err != nil {
				return err
			}
			// Convention pages: document storage (local or S3) and the
			// queue of notification e-mails.
			if opts.Conventions, err = web.ConventionOptionsFrom(ctx, cfg); err != nil {
				return err
			}
			if opts.Conventions.Jobs != nil {
				defer opts.Conventions.Jobs.Close()
			}
			h, err := web.New(opts)
			if err != nil {
				return err
			}
			return web.Serve(ctx, net.JoinHostPort("", cfg.Port), h, log)
		},
	})
}
