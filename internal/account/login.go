package account

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
)

// ErrInvalidCredentials is the only answer to a failed login: it never
// says whether the identifier, the password or the account state was
// wrong.
var ErrInvalidCredentials = errors.New("Identifiant ou mot de passe incorrect.")

// dummyHash is checked when no account matches, so that a wrong
// identifier costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string { return password.Hash("apilos-compte-inexistant") })

// FindByIdentifier returns the account whose username or e-mail equals
// identifier, ignoring case; the lowest id wins when several match (the
// reference's rule). An empty identifier matches nothing (many accounts
// have an empty e-mail).
func FindByIdentifier(ctx context.Context, q Querier, identifier string) (User, error) {
	identifier = strings.TrimSpace(identifier)
	if identifier == "" {
		return User{}, ErrNotFound
	}
	u, err := scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users_user
		WHERE lower(username) = lower($1) OR lower(email) = lower($1)
		ORDER BY id LIMIT 1`, identifier))
	if errors.Is(err, pgx.ErrNoRows) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, fmt.Errorf("recherche du compte : %w", err)
	}
	return u, nil
}

// Authenticate checks a login form. On success it records last_login and,
// when the stored hash is in an older format (Django pbkdf2), replaces it
// with an argon2id hash of the same password, in one statement.
// Inactive accounts are refused like a wrong password.
func Authenticate(ctx context.Context, pool *pgxpool.Pool, identifier, plain string, now time.Time) (User, error) {
	u, err := FindByIdentifier(ctx, pool, identifier)
	if errors.Is(err, ErrNotFound) {
		password.Check(plain, dummyHash())
		return User{}, ErrInvalidCredentials
	}
	if err != nil {
		return User{}, err
	}
	ok, upgrade, err := password.Check(plain, u.PasswordHash)
	if err != nil || !ok || plain == "" || !u.IsActive {
		// An unknown format (Django's unusable "!..." of CERBERE accounts)
		// is a refusal, not an error.
		return User{}, ErrInvalidCredentials
	}
	newHash := u.PasswordHash
	if upgrade {
		newHash = password.Hash(plain)
	}
	if _, err := pool.Exec(ctx, `UPDATE users_user SET last_login = $2, password = $3 WHERE id = $1`, u.ID, now, newHash); err != nil {
		return User{}, fmt.Errorf("enregistrement de la connexion : %w", err)
	}
	u.PasswordHash = newHash
	u.LastLogin = &now
	return u, nil
}
