package main

import (
	"errors"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/api"
	"github.com/MTES-MCT/apilos-go/internal/auth/cas"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/habilitation"
	"github.com/MTES-MCT/apilos-go/internal/siap"
	"github.com/MTES-MCT/apilos-go/internal/web"
)

// siapWiring builds, from the configuration, the CERBERE login (nil
// without CERBERE_AUTH) and the /api-siap/v0/ route (always mounted; it
// refuses every call without JWT_SIGN_KEY).
func siapWiring(cfg config.Config, pool *pgxpool.Pool, log *slog.Logger) (*web.CerbereOptions, web.Route, error) {
	client, err := siap.FromConfig(cfg, log)
	if err != nil {
		return nil, web.Route{}, err
	}
	var svc *habilitation.Service
	if client != nil {
		svc = &habilitation.Service{Pool: pool, SIAP: client, NoMenu: cfg.NoSIAPMenu}
	}
	route := web.Route{
		Pattern: api.Prefix,
		Rule:    access.Delegated("jeton JWT du SIAP vérifié par internal/api (JWT_SIGN_KEY)"),
		Handler: api.New(api.Options{JWTKey: []byte(cfg.JWTSignKey), Habilitations: svc, DB: pool, IsHTTPS: web.IsHTTPS, Logger: log,
			HabilitationTTL: api.HabilitationTTL, KPITTL: api.KPITTL}),
	}
	if cfg.CerbereAuth == "" {
		return nil, route, nil
	}
	if svc == nil {
		return nil, route, errors.New("CERBERE_AUTH est défini mais le SIAP ne l'est pas : définissez SIAP_CLIENT_HOST (et SIAP_CLIENT_JWT_SIGN_KEY), ou USE_MOCKED_SIAP_CLIENT=true en développement")
	}
	c, err := cas.New(cfg.CerbereAuth, cas.Options{})
	if err != nil {
		return nil, route, err
	}
	return &web.CerbereOptions{CAS: c, Habilitations: svc, SiteURL: cfg.SiteURL}, route, nil
}
