-- SIAP's dashboard indicators (GET /api-siap/v0/convention_kpi/, spec
-- access-api-ops §3.4) count root conventions by statut: for a national
-- habilitation this index answers the count alone; with programme_id
-- included, the conventions side of a scoped count is read from the index
-- too.

-- +goose Up

CREATE INDEX IF NOT EXISTS convention_racine_statut_idx
    ON conventions_convention (statut) INCLUDE (programme_id) WHERE parent_id IS NULL;

-- +goose Down

DROP INDEX IF EXISTS convention_racine_statut_idx;
