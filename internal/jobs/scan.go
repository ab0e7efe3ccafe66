package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"

	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// ScanUpload scans one stored file with ClamAV (spec workflows §7.4):
// infected files are quarantined and their uploader and the staff told.
// Retried while clamd or the storage fail; a file already judged is not
// scanned twice and its e-mails are sent once.
var ScanUpload = Kind{
	Type:     "upload:scan",
	Queue:    QueueDefault,
	MaxRetry: 10,
	Timeout:  10 * time.Minute,
	Backoff:  Backoff{Base: 30 * time.Second, Max: time.Hour},
}

// scanPayload is the task's content: the storage key of the file.
type scanPayload struct {
	Key string `json:"key"`
}

func scanUpload(d Deps) Handler {
	return func(ctx context.Context, t *asynq.Task) error {
		p, err := Decode[scanPayload](t)
		if err != nil {
			return err
		}
		if d.Storage == nil {
			return fmt.Errorf("analyse antivirus de %q : aucun stockage configuré pour le worker : %w", p.Key, asynq.SkipRetry)
		}
		res, err := upload.ProcessScan(ctx, d.Pool, d.Storage, d.Scanner, p.Key)
		if err != nil {
			return err
		}
		if res == nil {
			d.Logger.InfoContext(ctx, "analyse antivirus sans objet : aucun dépôt enregistré", "cle", p.Key)
			return nil
		}
		if res.Statut == upload.ScanInfected {
			d.Logger.WarnContext(ctx, "virus détecté : fichier mis en quarantaine", "cle", p.Key, "signature", res.Signature)
		} else {
			d.Logger.InfoContext(ctx, "analyse antivirus", "cle", p.Key, "statut", res.Statut, "detail", res.Detail)
		}
		if len(res.Events) == 0 {
			return nil
		}
		m := d.Mailer
		if m == nil {
			m = mail.NewConsole("", d.Logger)
		}
		s := &notify.Sender{Pool: d.Pool, Mailer: m, SiteURL: d.SiteURL, Logger: d.Logger}
		for _, ev := range res.Events {
			if _, err := s.Send(ctx, ev); err != nil {
				return err
			}
		}
		return nil
	}
}

// EnqueueScans enqueues the scan of each stored key; call it after the
// transaction that recorded them (upload.RequestScan) has committed. A
// scan of the same key already waiting is not enqueued twice: it will
// read the latest content.
func EnqueueScans(ctx context.Context, c *Client, keys []string) error {
	var errs []error
	for _, k := range keys {
		sum := sha256.Sum256([]byte(k))
		_, err := c.Enqueue(ctx, ScanUpload, scanPayload{Key: k}, asynq.TaskID("scan:"+hex.EncodeToString(sum[:16])))
		if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
