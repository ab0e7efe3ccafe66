// Package account holds the rules of local (password) accounts: login by
// username or e-mail, password reset tokens, password change, e-mail
// preference, and who may impersonate whom. HTTP handlers only translate
// forms to these functions.
package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// User is an account as the account pages need it.
type User struct {
	ID               int64
	Username         string
	FirstName        string
	LastName         string
	Email            string
	PasswordHash     string
	IsActive         bool
	IsStaff          bool
	IsSuperuser      bool
	LastLogin        *time.Time
	CerbereLogin     string
	PreferencesEmail string
}

// DisplayName is "first last", else the username (as the reference).
func (u User) DisplayName() string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.Username
}

// IsCerbere reports whether the account logs in through CERBERE (its
// password is not used).
func (u User) IsCerbere() bool { return u.CerbereLogin != "" }

// Querier is what the functions of this package need from a pool or a
// transaction.
type Querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const userColumns = `id, username, first_name, last_name, email, password, is_active, is_staff,
	is_superuser, last_login, coalesce(cerbere_login, ''), preferences_email`

func scanUser(row pgx.Row) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.PasswordHash,
		&u.IsActive, &u.IsStaff, &u.IsSuperuser, &u.LastLogin, &u.CerbereLogin, &u.PreferencesEmail)
	return u, err
}

// ErrNotFound is returned for an unknown user id.
var ErrNotFound = errors.New("utilisateur introuvable")

// ByID loads one account.
func ByID(ctx context.Context, q Querier, id int64) (User, error) {
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users_user WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("lecture de l'utilisateur %d : %w", id, err)
	}
	return u, nil
}

// recordHistory writes the users_historicaluser row of a change, as the
// reference's audit history does ('~' = update), with the acting user.
func recordHistory(ctx context.Context, tx pgx.Tx, userID, actorID int64, now time.Time) error {
	var actor *int64
	if actorID != 0 {
		actor = &actorID
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO users_historicaluser (id, password, is_superuser, username, first_name, last_name,
			email, is_staff, is_active, date_joined, telephone, cerbere_login, preferences_email,
			creator_id, secondary_email, history_date, history_type, history_user_id)
		SELECT id, password, is_superuser, username, first_name, last_name,
			email, is_staff, is_active, date_joined, telephone, cerbere_login, preferences_email,
			creator_id, secondary_email, $2, '~', $3
		FROM users_user WHERE id = $1`, userID, now, actor)
	if err != nil {
		return fmt.Errorf("historique de l'utilisateur %d : %w", userID, err)
	}
	return nil
}
