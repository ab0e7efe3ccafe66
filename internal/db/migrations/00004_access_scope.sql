-- Access scopes (internal/access). A bailleur sees a convention when the
-- "effective bailleur" of its family is one of its own: the programme
-- bailleur of the most recently created avenant of the family in a
-- deciding statut (CORRECTION, A_SIGNER, SIGNEE, PUBLICATION_EN_COURS,
-- PUBLIE), else the convention's own programme bailleur. The scope asks,
-- for each candidate convention, "newest deciding avenant of this root";
-- this partial index answers it with one index probe. Its predicate must
-- stay identical to access.EffectiveBailleurStatutsSQL (a test checks the
-- planner uses it).

-- +goose Up

CREATE INDEX IF NOT EXISTS convention_famille_decisive_idx
    ON conventions_convention (parent_id, cree_le DESC, id DESC)
    WHERE statut IN ('3. Corrections requises', '4. A signer', '5. Signée', '5. Publication en cours', '7. Publié');

-- +goose Down

DROP INDEX IF EXISTS convention_famille_decisive_idx;
