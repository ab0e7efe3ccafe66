package operation

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

// MsgActiveConvention refuses to cancel an operation with an active
// convention (the reference's text).
const MsgActiveConvention = "Au moins une des conventions de l'opération ne peut être supprimée car elle est active. Vous devez dénoncer ou résilier toutes les conventions de l'opération avant de demander sa suppression."

// Cancellation statuses of the API answer.
const (
	CancelSuccess = "SUCCESS"
	CancelError   = "ERROR"
)

// CancelResult is the answer of cancel_operation/<numero>/ (§3.7).
type CancelResult struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
	// Cancelled counts the conventions that became ANNULEE.
	Cancelled int `json:"-"`
}

// Cancel cancels the operation's conventions (those of its root
// programmes that s sees): refused (CancelError) when one of them is
// active — signed, in publication or published (the reference let the
// last two through) —; otherwise each convention not yet signed becomes
// ANNULEE through the cancel transition (T11, with its history row and
// its rules: a read-only habilitation is refused). Others are left as
// they are. Nothing visible: ErrNotFound.
func Cancel(ctx context.Context, tx pgx.Tx, s *access.Subject, numero string) (*CancelResult, error) {
	if numero == "" || len([]rune(numero)) > MaxNumeroLen {
		return nil, ErrNotFound
	}
	var a access.Args
	num := a.Add(numero)
	rows, err := tx.Query(ctx, `SELECT c.uuid, c.statut FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
		WHERE p.parent_id IS NULL AND p.numero_operation = `+num+` AND `+access.ConventionScope(s, &a)+`
		ORDER BY c.id FOR UPDATE OF c`, a.Values()...)
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération %s : %w", numero, err)
	}
	type conv struct {
		id     uuid.UUID
		statut convention.Statut
	}
	convs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (conv, error) {
		var c conv
		var st string
		err := r.Scan(&c.id, &st)
		c.statut = convention.Statut(st)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("lecture des conventions de l'opération %s : %w", numero, err)
	}
	if len(convs) == 0 {
		var b access.Args
		var visible bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM programmes_programme p WHERE p.parent_id IS NULL AND p.numero_operation = `+b.Add(numero)+`
			AND `+access.ProgrammeScope(s, &b)+`)`, b.Values()...).Scan(&visible); err != nil {
			return nil, err
		}
		if !visible {
			return nil, ErrNotFound
		}
	}
	if !access.Can(s, convention.PermChange) || s.ReadOnly() {
		return nil, ErrForbidden
	}
	for _, c := range convs {
		if c.statut.IsCompleted() {
			return &CancelResult{Status: CancelError, Message: MsgActiveConvention}, nil
		}
	}
	out := &CancelResult{Status: CancelSuccess}
	for _, c := range convs {
		if !c.statut.In(convention.ActiveStatuts...) {
			continue
		}
		if _, err := convention.Cancel(ctx, tx, s, c.id); err != nil {
			return nil, err
		}
		out.Cancelled++
	}
	return out, nil
}
