package document

import (
	"context"

	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/notify"
)

// AfterValidation is what a validation (T4) leaves to the worker: the
// document to generate, the e-mail that waits for its PDF (spec
// workflows §6.4, §9.2: the bailleur receives the validated convention
// joined), and the other events, sent at once.
type AfterValidation struct {
	Task   *Task
	Then   *notify.Event
	Others []notify.Event
}

// RequestAfterValidation records, in the validation's transaction, the
// validated data (SaveSnapshot) and a new generation of the convention's
// document (the validated statut removes the watermark), and holds the
// Validated event back until its PDF is stored.
func RequestAfterValidation(ctx context.Context, q db.Querier, conventionID int64, events []notify.Event) (AfterValidation, error) {
	var a AfterValidation
	for i := range events {
		if events[i].Kind == notify.Validated && a.Then == nil {
			a.Then = &events[i]
			continue
		}
		a.Others = append(a.Others, events[i])
	}
	if err := SaveSnapshot(ctx, q, conventionID); err != nil {
		return a, err
	}
	t, err := Request(ctx, q, conventionID, true)
	if err != nil {
		return a, err
	}
	a.Task = &t
	return a, nil
}
