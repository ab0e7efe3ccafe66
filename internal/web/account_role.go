package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
)

// Role choice of local accounts. A password account may hold several
// users_role rows (instructeur of two administrations, bailleur of two
// bailleurs...): it sees the union of their scopes, and acts (permissions,
// wording) through its current role. The header lists the roles; a POST
// stores the chosen one under sessionRoleID, which loadSubject reads at
// every request.
//
// CERBERE users are refused: their role is the SIAP habilitation, switched
// from the habilitation menu. During an impersonation the session belongs
// to the impersonated user, so the choice switches that user's role, for
// this session only (nothing is written to the database): the support
// agent sees what the user sees in each of their roles.

func init() { routeGroups = append(routeGroups, (*server).roleRoutes) }

// roleSwitchPath is the form target of the header menu.
const roleSwitchPath = "/accounts/role/"

func (s *server) roleRoutes() {
	s.handleFunc("POST "+roleSwitchPath+"{$}", access.LoggedIn(), s.roleSwitch)
}

// RoleMenu is the header's role menu of a local account with 2+ roles.
type RoleMenu struct {
	Current RoleChoice
	// Roles are all the account's roles by id, the current one included.
	Roles []RoleChoice
}

// RoleChoice is one role of the menu.
type RoleChoice struct {
	ID      int64
	Label   string // "Instructeur — DDT de Paris"
	Current bool
}

// userRoles returns the labelled roles of a user (only roleID when it is
// not 0).
func (s *server) userRoles(ctx context.Context, userID, roleID int64) ([]RoleChoice, error) {
	roles, err := account.Roles(ctx, s.opts.DB, userID, roleID)
	if err != nil {
		return nil, err
	}
	out := make([]RoleChoice, len(roles))
	for i, r := range roles {
		out[i] = RoleChoice{ID: r.ID, Label: roleChoiceLabel(r.Typologie, r.Group, r.Bailleur, r.Administration, r.Region, r.Departement, r.DepartementNom)}
	}
	return out, nil
}

// roleChoiceLabel names a role as the user knows it: typologie, then the
// bailleur, the administration or the administrateur's perimeter.
func roleChoiceLabel(typologie, group, bailleur, admin, region, dep, depNom string) string {
	var kind, entity string
	switch typologie {
	case access.TypologieBailleur:
		kind, entity = "Bailleur", bailleur
	case access.TypologieInstructeur:
		kind, entity = "Instructeur", admin
	case access.TypologieAdministrateur:
		kind = "Administrateur"
		switch {
		case dep != "" && depNom != "":
			entity = depNom
		case dep != "":
			entity = "département " + dep
		case region != "":
			entity = regionName(region)
		default:
			entity = "national"
		}
	default:
		kind = typologie
	}
	label := kind
	if e := strings.TrimSpace(entity); e != "" {
		label += " — " + e
	}
	if strings.HasPrefix(group, "readonly_") {
		label += " (lecture seule)"
	}
	return label
}

// regionNames are the INSEE codes of the current regions (no table holds
// them; users_role.perimetre_region carries the code).
var regionNames = map[string]string{
	"01": "Guadeloupe", "02": "Martinique", "03": "Guyane", "04": "La Réunion", "06": "Mayotte",
	"11": "Île-de-France", "24": "Centre-Val de Loire", "27": "Bourgogne-Franche-Comté", "28": "Normandie",
	"32": "Hauts-de-France", "44": "Grand Est", "52": "Pays de la Loire", "53": "Bretagne",
	"75": "Nouvelle-Aquitaine", "76": "Occitanie", "84": "Auvergne-Rhône-Alpes",
	"93": "Provence-Alpes-Côte d'Azur", "94": "Corse",
}

func regionName(code string) string {
	if n, ok := regionNames[code]; ok {
		return n
	}
	return "région " + code
}

// roleMenu builds the header menu: nil unless a local account with two
// roles or more. A failed query only hides the menu (the page itself
// does not depend on it).
func (s *server) roleMenu(r *http.Request) *RoleMenu {
	sub := access.FromContext(r.Context())
	if s.opts.DB == nil || sub.Anonymous() || sub.CerbereLogin != "" || sub.UserID == 0 || sub.Role == nil {
		return nil
	}
	roles, err := s.userRoles(r.Context(), sub.UserID, 0)
	if err != nil {
		LoggerFrom(r.Context(), s.log).Warn("menu des rôles indisponible", "err", err, "user_id", sub.UserID)
		return nil
	}
	if len(roles) < 2 {
		return nil
	}
	m := &RoleMenu{Roles: roles}
	for i := range m.Roles {
		if m.Roles[i].ID == sub.Role.ID {
			m.Roles[i].Current = true
			m.Current = m.Roles[i]
		}
	}
	return m
}

// roleSwitch stores the chosen role in the session. A role that is not
// the user's (or no role id) is a 404 and changes nothing; a CERBERE user
// is refused (403). Only sessionRoleID changes: same token, same flashes,
// same impersonation.
func (s *server) roleSwitch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	log := LoggerFrom(ctx, s.log)
	if sub.CerbereLogin != "" {
		log.Info("changement de rôle refusé : utilisateur CERBERE", "user_id", sub.UserID)
		v := s.errorView(r)
		v.Title = "Accès refusé"
		v.Reason = "Vous n'avez pas les droits pour effectuer cette action."
		v.Hint = "Votre rôle vient de votre habilitation SIAP et ne se choisit pas ici : changez d'habilitation depuis le menu de l'en-tête."
		s.render(w, r, http.StatusForbidden, "403", v)
		return
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("role_id")), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	roles, err := s.userRoles(ctx, sub.UserID, id)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(roles) != 1 {
		log.Info("changement de rôle refusé : rôle d'un autre utilisateur ou inconnu", "user_id", sub.UserID, "role_id", id)
		s.notFound(w, r)
		return
	}
	var previous int64
	if sub.Role != nil {
		previous = sub.Role.ID
	}
	s.sessions.Put(ctx, sessionRoleID, id)
	log.Info("changement de rôle", "user_id", sub.UserID, "role_id", id, "previous_role_id", previous,
		"role", roles[0].Label, "impersonator_id", sub.ImpersonatorID)
	s.addFlash(ctx, flashSuccess, "Vous agissez maintenant en tant que "+roles[0].Label+".")
	http.Redirect(w, r, "/conventions/recherche", http.StatusSeeOther)
}
