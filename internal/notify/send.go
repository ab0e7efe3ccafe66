package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/mail"
)

// Sender turns events into sent e-mails.
type Sender struct {
	Pool    *pgxpool.Pool
	Mailer  mail.Mailer
	SiteURL string
	Logger  *slog.Logger
	// Attach returns the files joined to the e-mails of an event (the
	// PDF or zip of a validated convention); nil: none.
	Attach func(ctx context.Context, ev Event) ([]mail.Attachment, error)
}

// SendResult counts what one event did.
type SendResult struct {
	Sent, AlreadySent int
	Suppressed        bool // switch transactional_emails_off
}

// Send sends the e-mails of ev that were not sent yet. Each message is
// recorded in notify_sent right after the transport accepted it, so a
// retry after a failure (SMTP down) sends the remaining ones only, never
// one twice. A failure returns an error: the task is retried.
func (s *Sender) Send(ctx context.Context, ev Event) (SendResult, error) {
	var res SendResult
	off, err := EmailsOff(ctx, s.Pool)
	if err != nil {
		return res, err
	}
	if off {
		res.Suppressed = true
		return res, nil
	}
	msgs, err := Messages(ctx, s.Pool, ev, s.SiteURL)
	if errors.Is(err, ErrConventionGone) {
		s.log().InfoContext(ctx, "notification abandonnée : convention supprimée", "evenement", ev.ID, "type", ev.Kind)
		return res, nil
	}
	if err != nil {
		return res, err
	}
	var files []mail.Attachment
	if s.Attach != nil && len(msgs) > 0 {
		if files, err = s.Attach(ctx, ev); err != nil {
			return res, err
		}
	}
	for _, m := range msgs {
		m.Message.Attachments = files
		var done bool
		if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notify_sent WHERE event_id = $1 AND message_key = $2)`,
			ev.ID, m.Key).Scan(&done); err != nil {
			return res, fmt.Errorf("lecture des e-mails envoyés : %w", err)
		}
		if done {
			res.AlreadySent++
			continue
		}
		if err := s.Mailer.Send(ctx, m.Message); err != nil {
			return res, fmt.Errorf("envoi de l'e-mail %s (%s) : %w", m.Key, ev.Kind, err)
		}
		if _, err := s.Pool.Exec(ctx, `INSERT INTO notify_sent (event_id, message_key) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
			ev.ID, m.Key); err != nil {
			return res, fmt.Errorf("enregistrement de l'e-mail envoyé : %w", err)
		}
		res.Sent++
	}
	return res, nil
}

func (s *Sender) log() *slog.Logger {
	if s.Logger == nil {
		return slog.Default()
	}
	return s.Logger
}
