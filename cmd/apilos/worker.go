package main

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/MTES-MCT/apilos-go/internal/jobs"
	"github.com/MTES-MCT/apilos-go/internal/mail"
)

func init() {
	rootCmd.AddCommand(&cobra.Command{
		Use:   "worker",
		Short: "Exécute les tâches de fond et les tâches périodiques jusqu'à l'arrêt (SIGTERM)",
		Long: `Exécute les tâches de fond mises en file par le site (documents, courriels,
imports...) et les tâches périodiques (suppression nocturne des sessions expirées).
Une seule instance doit tourner. À l'arrêt (SIGTERM), les tâches en cours ont
8 secondes pour finir ; les autres sont remises en file et reprises au démarrage suivant.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig()
			if err != nil {
				return err
			}
			// Report every missing setting at once.
			_, dbErr := cfg.RequireDatabase()
			var redisErr error
			if cfg.RedisURL == "" {
				redisErr = jobs.ErrNoRedis
			}
			if err := errors.Join(dbErr, redisErr); err != nil {
				return err
			}
			pool, err := openDB(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer pool.Close()
			logger := newLogger(cfg)
			var mailer mail.Mailer = mail.NewConsole(cfg.DefaultFromEmail, logger)
			if cfg.EmailHost != "" {
				smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: cfg.EmailHost, Port: cfg.EmailPort,
					User: cfg.EmailHostUser, Password: cfg.EmailHostPassword, UseTLS: cfg.EmailUseTLS,
					From: cfg.DefaultFromEmail})
				if err != nil {
					return err
				}
				mailer = smtp
			}
			deps, err := workerDeps(cmd.Context(), cfg, pool, logger, mailer)
			if err != nil {
				return err
			}
			return jobs.Run(cmd.Context(), deps)
		},
	})
}
