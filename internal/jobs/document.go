package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/document"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// GenerateDocument builds a convention's document (.docx), converts it to
// PDF with LibreOffice and stores both (spec workflows §6.4); then, for a
// validation, sends the e-mail to the bailleur with the PDF (or, for a
// foyer or résidence, the zip of document.MailAttachment). Retried as
// the reference's task_generate_pdf: 3 new attempts, backoff capped at
// 10 minutes. A retried or duplicated task leaves one document.
var GenerateDocument = Kind{
	Type:     "document:generate",
	Queue:    QueueDefault,
	MaxRetry: 3,
	Timeout:  20 * time.Minute,
	Backoff:  Backoff{Base: 10 * time.Second, Max: 10 * time.Minute},
}

// documentPayload is the request, and the event whose e-mails carry the
// PDF once generated (validation).
type documentPayload struct {
	document.Task
	Then *notify.Event `json:"then,omitempty"`
}

func generateDocument(d Deps) Handler {
	return func(ctx context.Context, t *asynq.Task) error {
		p, err := Decode[documentPayload](t)
		if err != nil {
			return err
		}
		retried, _ := asynq.GetRetryCount(ctx)
		maxRetry, _ := asynq.GetMaxRetry(ctx)
		g := &document.Generator{Pool: d.Pool, Storage: d.Storage, Converter: d.Converter, Build: d.Build}
		out, err := g.Run(ctx, p.Task, retried >= maxRetry)
		if document.Permanent(err) {
			return fmt.Errorf("%w: %w", err, asynq.SkipRetry)
		}
		if err != nil {
			return err
		}
		d.Logger.InfoContext(ctx, "document de la convention", "convention", p.Convention, "demande", p.Demande, "resultat", out)
		if out == document.Gone || p.Then == nil {
			return nil
		}
		m := d.Mailer
		if m == nil {
			m = mail.NewConsole("", d.Logger)
		}
		s := &notify.Sender{Pool: d.Pool, Mailer: m, SiteURL: d.SiteURL, Logger: d.Logger,
			Attach: func(ctx context.Context, ev notify.Event) ([]mail.Attachment, error) {
				return document.MailAttachment(ctx, d.Pool, d.Storage, ev.ConventionUUID)
			}}
		_, err = s.Send(ctx, *p.Then)
		return err
	}
}

// EnqueueDocument enqueues the generation of a requested document
// (document.Request), then the e-mails of then when not nil; call it after
// the transaction that recorded the request has committed. The same
// request enqueued twice is one task.
func EnqueueDocument(ctx context.Context, c *Client, t document.Task, then *notify.Event) error {
	_, err := c.Enqueue(ctx, GenerateDocument, documentPayload{Task: t, Then: then}, asynq.TaskID(t.ID()))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return err
	}
	return nil
}
