// Package users holds the rules on accounts that are not about access:
// creating accounts from the command line.
package users

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
)

// MinPasswordLength is the shortest password accepted for a new account.
const MinPasswordLength = 12

// NewSuperuser is what createsuperuser asks for.
type NewSuperuser struct {
	Username, Email, Password string
}

// Validate checks the fields, naming the faulty one in French.
func (n NewSuperuser) Validate() error {
	switch {
	case strings.TrimSpace(n.Username) == "":
		return errors.New("nom d'utilisateur : obligatoire")
	case utf8.RuneCountInString(n.Username) > 150:
		return errors.New("nom d'utilisateur : 150 caractères au plus")
	case strings.ContainsAny(n.Username, " \t"):
		return errors.New("nom d'utilisateur : les espaces ne sont pas autorisés")
	}
	if n.Email != "" {
		if a, err := mail.ParseAddress(n.Email); err != nil || a.Address != n.Email {
			return fmt.Errorf("adresse e-mail : %q n'est pas une adresse valide", n.Email)
		}
	}
	if utf8.RuneCountInString(n.Password) < MinPasswordLength {
		return fmt.Errorf("mot de passe : %d caractères au moins", MinPasswordLength)
	}
	return nil
}

// ErrUsernameTaken is returned when the username already exists.
var ErrUsernameTaken = errors.New("nom d'utilisateur : ce nom est déjà utilisé")

// CreateSuperuser inserts an active superuser and staff account with an
// argon2id password hash. It returns the new id.
func CreateSuperuser(ctx context.Context, pool *pgxpool.Pool, n NewSuperuser) (int64, error) {
	if err := n.Validate(); err != nil {
		return 0, err
	}
	var id int64
	err := pool.QueryRow(ctx, `
		INSERT INTO users_user (password, is_superuser, username, first_name, last_name, email,
			is_staff, is_active, date_joined, preferences_email, secondary_email)
		VALUES ($1, true, $2, '', '', $3, true, true, now(), 'PARTIEL', '')
		ON CONFLICT (username) DO NOTHING
		RETURNING id`, password.Hash(n.Password), n.Username, n.Email).Scan(&id)
	if err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, ErrUsernameTaken
		}
		return 0, err
	}
	return id, nil
}
