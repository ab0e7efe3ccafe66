-- Convention search (internal/search, spec data-model §19): the
-- reference computed trigram similarities without any index. These
-- indexes let the search page answer from the matches instead of reading
-- the whole table:
--   * trigram GIN indexes for the "contains" number search (≥ 5
--     characters) and the town / postcode similarity (% operator);
--   * a reversed-number index for the suffix search (1–4 characters:
--     "the last digits of the convention number").

-- +goose Up

CREATE INDEX IF NOT EXISTS convention_num_recherche_trgm_idx
    ON conventions_convention USING gin (numero_pour_recherche gin_trgm_ops);
CREATE INDEX IF NOT EXISTS convention_num_recherche_reverse_idx
    ON conventions_convention (reverse(numero_pour_recherche) text_pattern_ops);
CREATE INDEX IF NOT EXISTS programme_num_operation_trgm_idx
    ON programmes_programme USING gin (numero_operation_pour_recherche gin_trgm_ops);
CREATE INDEX IF NOT EXISTS programme_ville_trgm_idx
    ON programmes_programme USING gin (ville gin_trgm_ops);
CREATE INDEX IF NOT EXISTS programme_code_postal_trgm_idx
    ON programmes_programme USING gin (code_postal gin_trgm_ops);

-- +goose Down

DROP INDEX IF EXISTS programme_code_postal_trgm_idx;
DROP INDEX IF EXISTS programme_ville_trgm_idx;
DROP INDEX IF EXISTS programme_num_operation_trgm_idx;
DROP INDEX IF EXISTS convention_num_recherche_reverse_idx;
DROP INDEX IF EXISTS convention_num_recherche_trgm_idx;
