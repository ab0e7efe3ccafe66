package convention

import (
	"context"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// Permissions of the actions (the reference's codenames).
const (
	PermView     = access.ViewConvention
	PermAdd      = access.AddConvention
	PermChange   = access.ChangeConvention
	PermDelete   = access.DeleteConvention
	PermValidate = access.ValidateConvention
)

// Who is the kind of user an action is meant for.
type Who int

const (
	// WhoAny: bailleurs and State agents alike.
	WhoAny Who = iota
	// WhoBailleur: a bailleur working on its conventions.
	WhoBailleur
	// WhoInstructeur: the State's side (instructeurs, administrateurs,
	// staff and superusers).
	WhoInstructeur
)

// The kind predicates and permissions come from the access module; this
// file is the only place the convention rules read them.
func isInstructeur(s *access.Subject) bool { return s.InstructeurSide() }
func isBailleur(s *access.Subject) bool    { return s.BailleurSide() }
func hasPerm(s *access.Subject, p access.Permission) bool {
	return access.Can(s, p)
}

// visible reports whether the convention is in the subject's scope.
func visible(ctx context.Context, q Querier, s *access.Subject, c *Convention) (bool, error) {
	_, vis, err := access.CanOnConvention(ctx, q, s, access.ViewConvention, c.ID)
	return vis, err
}

func (w Who) allows(s *access.Subject) bool {
	switch w {
	case WhoBailleur:
		return isBailleur(s)
	case WhoInstructeur:
		return isInstructeur(s)
	}
	return isBailleur(s) || isInstructeur(s)
}
