package account

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/MTES-MCT/apilos-go/internal/auth/password"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/users"
)

// Form field names shared by the password forms and their errors.
const (
	FieldOldPassword  = "old_password"
	FieldNewPassword1 = "new_password1"
	FieldNewPassword2 = "new_password2"
)

// FieldErrors maps a form field to its French error message.
type FieldErrors map[string]string

func (e FieldErrors) Error() string {
	var parts []string
	for _, f := range []string{FieldOldPassword, FieldNewPassword1, FieldNewPassword2} {
		if m, ok := e[f]; ok {
			parts = append(parts, f+" : "+m)
		}
	}
	return strings.Join(parts, " ; ")
}

// ValidateNewPassword checks a new password and its confirmation for u.
func ValidateNewPassword(u User, p1, p2 string) FieldErrors {
	errs := FieldErrors{}
	switch {
	case p1 == "":
		errs[FieldNewPassword1] = "Ce champ est obligatoire."
	case utf8.RuneCountInString(p1) < users.MinPasswordLength:
		errs[FieldNewPassword1] = fmt.Sprintf("Ce mot de passe est trop court : il doit contenir au moins %d caractères.", users.MinPasswordLength)
	case strings.IndexFunc(p1, func(r rune) bool { return !unicode.IsDigit(r) }) < 0:
		errs[FieldNewPassword1] = "Ce mot de passe est entièrement numérique : ajoutez des lettres ou des symboles."
	case tooSimilar(u, p1):
		errs[FieldNewPassword1] = "Ce mot de passe est trop proche de votre identifiant ou de votre adresse e-mail."
	}
	if p2 == "" {
		errs[FieldNewPassword2] = "Confirmez le nouveau mot de passe."
	} else if p1 != p2 {
		errs[FieldNewPassword2] = "Les deux mots de passe ne correspondent pas."
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// tooSimilar refuses a password that contains the username or the local
// part of the e-mail (4 characters or more), ignoring case.
func tooSimilar(u User, p string) bool {
	p = strings.ToLower(p)
	local, _, _ := strings.Cut(u.Email, "@")
	for _, s := range []string{u.Username, local} {
		s = strings.ToLower(strings.TrimSpace(s))
		if utf8.RuneCountInString(s) >= 4 && strings.Contains(p, s) {
			return true
		}
	}
	return false
}

// SetPassword validates and stores a new password for u (argon2id), with
// its history row, in one transaction. actorID is who made the change (u
// itself, or 0 for a reset by link).
func SetPassword(ctx context.Context, pool *pgxpool.Pool, u User, p1, p2 string, actorID int64, now time.Time) error {
	if errs := ValidateNewPassword(u, p1, p2); errs != nil {
		return errs
	}
	return db.InTx(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE users_user SET password = $2 WHERE id = $1`, u.ID, password.Hash(p1)); err != nil {
			return fmt.Errorf("enregistrement du mot de passe : %w", err)
		}
		return recordHistory(ctx, tx, u.ID, actorID, now)
	})
}

// ChangePassword is the profile form: the current password must be given.
func ChangePassword(ctx context.Context, pool *pgxpool.Pool, u User, old, p1, p2 string, now time.Time) error {
	errs := FieldErrors{}
	if ok, _, err := password.Check(old, u.PasswordHash); err != nil || !ok || old == "" {
		errs[FieldOldPassword] = "Votre ancien mot de passe est incorrect : saisissez-le à nouveau."
	}
	for k, v := range ValidateNewPassword(u, p1, p2) {
		errs[k] = v
	}
	if len(errs) > 0 {
		return errs
	}
	return SetPassword(ctx, pool, u, p1, p2, u.ID, now)
}
