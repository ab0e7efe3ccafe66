package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/db"
)

// E-mail preferences (users_user.preferences_email).
const (
	PrefTous    = "TOUS"
	PrefPartiel = "PARTIEL"
	PrefAucun   = "AUCUN"
)

// EmailPreference is one choice of the profile form.
type EmailPreference struct {
	Value, Label string
}

// EmailPreferences are the choices, in the reference's order and labels.
var EmailPreferences = []EmailPreference{
	{PrefTous, "Tous les emails"},
	{PrefPartiel, "Emails des conventions instruites"},
	{PrefAucun, "Aucun email"},
}

// ErrBadPreference is returned for a value outside EmailPreferences.
var ErrBadPreference = errors.New("Préférence e-mail : choisissez « Tous les emails », « Emails des conventions instruites » ou « Aucun email ».")

// SetEmailPreference stores the e-mail preference of user id, with its
// history row, in one transaction.
func SetEmailPreference(ctx context.Context, pool *pgxpool.Pool, id int64, pref string, now time.Time) error {
	valid := false
	for _, p := range EmailPreferences {
		valid = valid || p.Value == pref
	}
	if !valid {
		return ErrBadPreference
	}
	return db.InTx(ctx, pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE users_user SET preferences_email = $2 WHERE id = $1`, id, pref)
		if err != nil {
			return fmt.Errorf("enregistrement de la préférence e-mail : %w", err)
		}
		if tag.RowsAffected() != 1 {
			return ErrNotFound
		}
		return recordHistory(ctx, tx, id, id, now)
	})
}
