package account

import "errors"

// Refusals of an impersonation request (shown on the 403 page).
var (
	ErrImpersonateForbidden = errors.New("Vous n'avez pas les droits pour vous connecter en tant que cet utilisateur.")
	ErrImpersonateInactive  = errors.New("Ce compte est désactivé : impossible de se connecter en tant que cet utilisateur.")
	ErrImpersonateSelf      = errors.New("Vous êtes déjà connecté avec ce compte.")
)

// CanImpersonate applies the support rule of the reference: an active
// superuser may act as any active user; an active staff member only as an
// active user who is neither staff nor superuser; nobody else may. actor
// is the real (not impersonated) user.
func CanImpersonate(actor, target User) error {
	switch {
	case !actor.IsActive || !(actor.IsSuperuser || actor.IsStaff):
		return ErrImpersonateForbidden
	case actor.ID == target.ID:
		return ErrImpersonateSelf
	case !target.IsActive:
		return ErrImpersonateInactive
	case actor.IsSuperuser:
		return nil
	case target.IsStaff || target.IsSuperuser:
		return ErrImpersonateForbidden
	}
	return nil
}
