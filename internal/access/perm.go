package access

import "slices"

// Permission is a domain action, named by the reference's permission
// codename (auth_permission.codename), so the group table below is the
// same data as the auth.json fixture loaded by `apilos load-permissions`.
type Permission string

// Actions on conventions (and avenants).
const (
	ViewConvention     Permission = "view_convention"
	AddConvention      Permission = "add_convention"
	ChangeConvention   Permission = "change_convention"
	DeleteConvention   Permission = "delete_convention"
	ValidateConvention Permission = "validate_convention"
)

// Actions on comments (read-only roles keep add and change).
const (
	ViewComment   Permission = "view_comment"
	AddComment    Permission = "add_comment"
	ChangeComment Permission = "change_comment"
)

// Actions on the settings of bailleurs and administrations.
const (
	ViewBailleur         Permission = "view_bailleur"
	ChangeBailleur       Permission = "change_bailleur"
	ViewAdministration   Permission = "view_administration"
	ChangeAdministration Permission = "change_administration"
)

// Permissions lists every domain action, for tests and documentation.
var Permissions = []Permission{
	ViewConvention, AddConvention, ChangeConvention, DeleteConvention, ValidateConvention,
	ViewComment, AddComment, ChangeComment,
	ViewBailleur, ChangeBailleur, ViewAdministration, ChangeAdministration,
}

// readonlyPerms is what every read-only group holds.
var readonlyPerms = []Permission{
	ViewConvention, ViewComment, AddComment, ChangeComment, ViewBailleur, ViewAdministration,
}

// GroupPermissions is the group → permission table of the reference
// (spec access-api-ops §1.2). A test checks it against the embedded
// auth.json fixture, which `load-permissions` writes into auth_group.
var GroupPermissions = map[string][]Permission{
	GroupBailleur: {
		ViewConvention, AddConvention, ChangeConvention, DeleteConvention,
		ViewComment, AddComment, ChangeComment,
		ViewBailleur, ChangeBailleur, ViewAdministration,
	},
	GroupInstructeur: {
		ViewConvention, AddConvention, ChangeConvention, DeleteConvention, ValidateConvention,
		ViewComment, AddComment, ChangeComment,
		ViewBailleur, ChangeBailleur, ViewAdministration, ChangeAdministration,
	},
	GroupAdministrateur: {
		ViewConvention, AddConvention, ChangeConvention, DeleteConvention, ValidateConvention,
		ViewComment, AddComment, ChangeComment,
		ViewBailleur, ChangeBailleur, ViewAdministration, ChangeAdministration,
	},
	GroupReadonlyBailleur:       readonlyPerms,
	GroupReadonlyInstructeur:    readonlyPerms,
	GroupReadonlyAdministrateur: readonlyPerms,
}

// Can reports whether the subject holds permission p through its current
// role. Active staff and superusers hold every permission (as in the
// reference); inactive accounts hold none. A read-only role never holds
// more than the read-only groups, whatever group it carries.
//
// Can says nothing about a given object: lists use the scopes, object
// routes use CanOnConvention (or a PermOn rule).
func Can(s *Subject, p Permission) bool {
	if s.Anonymous() || !s.IsActive {
		return false
	}
	if s.IsSuperuser || s.IsStaff {
		return true
	}
	if s.Role == nil {
		return false
	}
	if !slices.Contains(GroupPermissions[s.Role.Group], p) {
		return false
	}
	if s.Role.ReadOnly || readonlyGroup(s.Role.Group) {
		return slices.Contains(readonlyPerms, p)
	}
	return true
}
