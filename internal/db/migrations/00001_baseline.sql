-- +goose Up
-- Placeholder: the reference schema is being written.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
-- +goose Down
SELECT 1;
