-- Brute-force lockout of the login form when Redis is not configured
-- (internal/auth/lockout). One row per counted identity: kind "username"
-- (lowercased identifier typed in the form) or "address" (client IP).
-- failures counts the failed logins since window_start; locked_until is
-- set when the limit is reached. Stale rows are removed by
-- lockout.PGStore.Purge; with Redis configured this table stays empty.

-- +goose Up

CREATE TABLE IF NOT EXISTS login_lockout (
    kind         text        NOT NULL CHECK (kind IN ('username', 'address')),
    ident        text        NOT NULL,
    failures     integer     NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz NULL,
    PRIMARY KEY (kind, ident)
);

-- +goose Down

DROP TABLE IF EXISTS login_lockout;
