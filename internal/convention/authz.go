package convention

import "github.com/MTES-MCT/apilos-go/internal/access"

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
	// WhoPermHolder: whoever holds the permission (partenaires too).
	WhoPermHolder
)

// The kind predicates and permissions come from the access module (the
// editability rules too, read by capability.go).
func isInstructeur(s *access.Subject) bool { return s.InstructeurSide() }
func isBailleur(s *access.Subject) bool    { return s.BailleurSide() }
func hasPerm(s *access.Subject, p access.Permission) bool {
	return access.Can(s, p)
}

func (w Who) allows(s *access.Subject) bool {
	switch w {
	case WhoBailleur:
		return isBailleur(s)
	case WhoInstructeur:
		return isInstructeur(s)
	case WhoPermHolder:
		return true
	}
	return isBailleur(s) || isInstructeur(s)
}
