-- State of the generated document of each convention (the .docx and its
-- PDF, stored at conventions/<uuid>/convention_docs/<uuid>.docx|.pdf).
-- The reference schema has no place for it (Celery kept the task state
-- in its own result table), hence this table (internal/document).
--
-- statut: en_attente (requested, task queued), en_cours (a worker builds
-- or converts it), termine (both files stored), echec (every attempt
-- failed; erreur says why). demande is the request the stored files
-- answer or will answer: a newer request replaces it, and a task whose
-- request was replaced does nothing. source_le is the latest change of
-- the data the document was built from (convention, programme, lots,
-- logements...), to tell when the document is out of date.

-- +goose Up

CREATE TABLE IF NOT EXISTS document_generation (
    convention_id     integer     PRIMARY KEY CONSTRAINT document_generation_convention_id_fk
                      REFERENCES conventions_convention (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    demande           uuid        NOT NULL,
    statut            varchar(20) NOT NULL DEFAULT 'en_attente'
                      CHECK (statut IN ('en_attente', 'en_cours', 'termine', 'echec')),
    tentatives        integer     NOT NULL DEFAULT 0,
    erreur            text        NOT NULL DEFAULT '',
    statut_convention varchar(50) NOT NULL DEFAULT '',
    source_le         timestamptz NULL,
    demande_le        timestamptz NOT NULL DEFAULT now(),
    commence_le       timestamptz NULL,
    termine_le        timestamptz NULL
);

-- +goose Down

DROP TABLE IF EXISTS document_generation;
