package account

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ResetTimeout is how long a password reset link stays valid.
const ResetTimeout = time.Hour

// ResetTokens makes and checks password reset tokens. A token is
// "<timestamp base36>-<hmac>", the HMAC (keyed by SECRET_KEY) covering the
// user id, password hash, last login, e-mail and timestamp: it stops
// working once the password is changed (so it is single-use), after a
// login, after an e-mail change, or after Timeout.
type ResetTokens struct {
	Secret  []byte
	Timeout time.Duration
}

// NewResetTokens returns tokens keyed by secret, valid ResetTimeout.
func NewResetTokens(secret string) ResetTokens {
	return ResetTokens{Secret: []byte(secret), Timeout: ResetTimeout}
}

func (t ResetTokens) mac(u User, ts int64) string {
	// A key of its own, derived from the secret, so this HMAC can never
	// be replayed as another signature made with SECRET_KEY.
	k := sha256.Sum256(append([]byte("apilos/account/password-reset\x00"), t.Secret...))
	h := hmac.New(sha256.New, k[:])
	var last int64
	if u.LastLogin != nil {
		last = u.LastLogin.UTC().UnixMicro()
	}
	fmt.Fprintf(h, "%d\x00%s\x00%d\x00%s\x00%d", u.ID, u.PasswordHash, last, strings.ToLower(u.Email), ts)
	return hex.EncodeToString(h.Sum(nil))
}

// Make returns a token for u, issued at now.
func (t ResetTokens) Make(u User, now time.Time) string {
	ts := now.Unix()
	return strconv.FormatInt(ts, 36) + "-" + t.mac(u, ts)
}

// Check reports whether token is valid for u at now.
func (t ResetTokens) Check(u User, token string, now time.Time) bool {
	if len(t.Secret) == 0 {
		return false
	}
	tsPart, sig, ok := strings.Cut(token, "-")
	if !ok || len(tsPart) > 13 {
		return false
	}
	ts, err := strconv.ParseInt(tsPart, 36, 64)
	if err != nil {
		return false
	}
	if !hmac.Equal([]byte(sig), []byte(t.mac(u, ts))) {
		return false
	}
	age := now.Unix() - ts
	timeout := t.Timeout
	if timeout <= 0 {
		timeout = ResetTimeout
	}
	return age >= 0 && age <= int64(timeout/time.Second)
}

// EncodeUID is the user id part of a reset link (base64url of the decimal
// id, as Django writes it).
func EncodeUID(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

// DecodeUID reverses EncodeUID; ok is false for anything else.
func DecodeUID(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// ResetCandidates returns the active accounts with a usable local
// password whose e-mail equals email (ignoring case): those who may
// receive a reset link. CERBERE accounts are excluded (their password is
// managed by CERBERE).
func ResetCandidates(ctx context.Context, pool *pgxpool.Pool, email string) ([]User, error) {
	email = strings.TrimSpace(email)
	if email == "" {
		return nil, nil
	}
	rows, err := pool.Query(ctx, `SELECT `+userColumns+` FROM users_user
		WHERE lower(email) = lower($1) AND is_active AND cerbere_login IS NULL
		  AND password <> '' AND password NOT LIKE '!%'
		ORDER BY id`, email)
	if err != nil {
		return nil, fmt.Errorf("recherche des comptes : %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
