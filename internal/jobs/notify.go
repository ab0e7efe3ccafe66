package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// SendNotification sends the e-mails of one convention event (submission,
// corrections, validation, survey). Retried on failure (SMTP down): the
// messages already sent are recorded and never sent twice.
var SendNotification = Kind{
	Type:     "notify:send",
	Queue:    QueueDefault,
	MaxRetry: 10,
	Timeout:  5 * time.Minute,
	Backoff:  Backoff{Base: 30 * time.Second, Max: time.Hour},
}

func sendNotification(d Deps) Handler {
	return func(ctx context.Context, t *asynq.Task) error {
		ev, err := Decode[notify.Event](t)
		if err != nil {
			return err
		}
		m := d.Mailer
		if m == nil {
			m = mail.NewConsole("", d.Logger)
		}
		s := &notify.Sender{Pool: d.Pool, Mailer: m, SiteURL: d.SiteURL, Logger: d.Logger}
		res, err := s.Send(ctx, ev)
		if err != nil {
			return err
		}
		d.Logger.InfoContext(ctx, "notification traitée", "evenement", ev.ID, "type", ev.Kind,
			"envoyes", res.Sent, "deja_envoyes", res.AlreadySent, "coupes", res.Suppressed)
		return nil
	}
}

// EnqueueNotifications enqueues the events a domain operation returned;
// call it after the transaction has committed. Each event is a task of
// its own, identified by the event id (a second enqueue of the same event
// is ignored).
func EnqueueNotifications(ctx context.Context, c *Client, events []notify.Event) error {
	var errs []error
	for _, ev := range events {
		_, err := c.Enqueue(ctx, SendNotification, ev, asynq.TaskID("notify:"+ev.ID.String()))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
