-- E-mails already sent, one row per (event, message): the notification
-- task records each message here right after the transport accepted it,
-- so a retry after a failure resends only what was not sent
-- (internal/notify).

-- +goose Up

CREATE TABLE IF NOT EXISTS notify_sent (
    event_id    uuid        NOT NULL,
    message_key text        NOT NULL,
    sent_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, message_key)
);

-- +goose Down

DROP TABLE IF EXISTS notify_sent;
