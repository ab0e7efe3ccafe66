package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
)

// Impersonation ("hijack", as in the reference): a support agent acts as
// another user to see what they see. The session then belongs to the
// target user and remembers the agent (sessionImpersonatorID); every page
// shows a banner with a button back. Each start and end is logged with
// who, whom, when and from where.

// hijackAcquire starts acting as user_pk. The rule is account.CanImpersonate
// on the real agent; nested impersonation is refused.
func (a *accounts) hijackAcquire(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	if sub.ImpersonatorID != 0 {
		a.forbiddenHijack(w, r, "Vous agissez déjà pour le compte d'un autre utilisateur : revenez d'abord à votre compte.")
		return
	}
	id, err := strconv.ParseInt(strings.TrimSpace(r.PostFormValue("user_pk")), 10, 64)
	if err != nil || id <= 0 {
		a.s.notFound(w, r)
		return
	}
	actor, err := account.ByID(ctx, a.s.opts.DB, sub.UserID)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	target, err := account.ByID(ctx, a.s.opts.DB, id)
	if errors.Is(err, account.ErrNotFound) {
		a.s.notFound(w, r)
		return
	}
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	if err := account.CanImpersonate(actor, target); err != nil {
		LoggerFrom(ctx, a.s.log).Warn("usurpation d'identité refusée", "action", "acquire",
			"impersonator_id", actor.ID, "impersonator", actor.Username, "target_id", target.ID, "target", target.Username, "reason", err.Error())
		a.forbiddenHijack(w, r, err.Error())
		return
	}
	if err := a.s.startUserSession(ctx, target.ID); err != nil {
		a.s.serverError(w, r, err)
		return
	}
	a.s.sessions.Put(ctx, sessionImpersonatorID, actor.ID)
	LoggerFrom(ctx, a.s.log).Info("usurpation d'identité", "action", "acquire",
		"impersonator_id", actor.ID, "impersonator", actor.Username,
		"target_id", target.ID, "target", target.Username,
		"at", a.now().UTC(), "client_ip", ClientIP(r))
	http.Redirect(w, r, orHome(localNext(r.PostFormValue("next"))), http.StatusSeeOther)
}

// hijackRelease gives the session back to the agent. If the agent's own
// account can no longer impersonate (deactivated, no longer staff), the
// session simply ends.
func (a *accounts) hijackRelease(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	if sub.ImpersonatorID == 0 {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	log := LoggerFrom(ctx, a.s.log)
	agent, err := account.ByID(ctx, a.s.opts.DB, sub.ImpersonatorID)
	if err != nil && !errors.Is(err, account.ErrNotFound) {
		a.s.serverError(w, r, err)
		return
	}
	if err != nil || !agent.IsActive || !(agent.IsStaff || agent.IsSuperuser) {
		if err := a.s.endUserSession(ctx); err != nil {
			a.s.serverError(w, r, err)
			return
		}
		log.Warn("fin d'usurpation : compte de l'agent inutilisable, session fermée", "action", "release",
			"impersonator_id", sub.ImpersonatorID, "target_id", sub.UserID, "at", a.now().UTC())
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if err := a.s.startUserSession(ctx, agent.ID); err != nil {
		a.s.serverError(w, r, err)
		return
	}
	log.Info("usurpation d'identité", "action", "release",
		"impersonator_id", agent.ID, "impersonator", agent.Username,
		"target_id", sub.UserID, "target", sub.Username,
		"at", a.now().UTC(), "client_ip", ClientIP(r))
	http.Redirect(w, r, "/admin/utilisateurs/", http.StatusSeeOther)
}

func (a *accounts) forbiddenHijack(w http.ResponseWriter, r *http.Request, reason string) {
	v := a.s.errorView(r)
	v.Title = "Accès refusé"
	v.Reason = reason
	v.Hint = "Seuls les super-utilisateurs peuvent se connecter en tant qu'un membre de l'équipe ; l'équipe peut se connecter en tant que tout autre utilisateur actif."
	a.s.render(w, r, http.StatusForbidden, "403", v)
}

// adminUsersLimit bounds the list; the search narrows it.
const adminUsersLimit = 100

type adminUsersView struct {
	Page
	Query     string
	Users     []adminUserRow
	Total     int
	Truncated bool
}

type adminUserRow struct {
	ID                    int64
	Username, Name, Email string
	Status                string
	CanImpersonate        bool
}

// adminUsers is the staff list of accounts, with the impersonation button
// where the rule allows it.
func (a *accounts) adminUsers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	actor, err := account.ByID(ctx, a.s.opts.DB, sub.UserID)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len(q) > 150 {
		q = q[:150]
	}
	v := adminUsersView{Page: a.s.page(r, "Utilisateurs"), Query: q}
	users, total, err := account.List(ctx, a.s.opts.DB, q, adminUsersLimit)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	v.Total = total
	for _, u := range users {
		status := "Utilisateur"
		switch {
		case !u.IsActive:
			status = "Désactivé"
		case u.IsSuperuser:
			status = "Super-utilisateur"
		case u.IsStaff:
			status = "Équipe (staff)"
		}
		if u.IsCerbere() {
			status += ", CERBERE"
		}
		v.Users = append(v.Users, adminUserRow{ID: u.ID, Username: u.Username, Name: u.DisplayName(), Email: u.Email,
			Status: status, CanImpersonate: account.CanImpersonate(actor, u) == nil})
	}
	v.Truncated = v.Total > len(v.Users)
	a.s.render(w, r, http.StatusOK, "admin_users", v)
}
