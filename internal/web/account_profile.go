package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
)

type profileView struct {
	Page
	Name, Username, Email string
	Role, Entity          string
	Preferences           []preferenceChoice
	PrefError             string
	CanChangePassword     bool
	Password              passwordForm
	Notice                string
}

type preferenceChoice struct {
	Value, Label string
	Checked      bool
}

// Profile notices (the first is the reference's).
const (
	noticeProfileSaved  = "Votre profil a été enregistré avec succès"
	noticePasswordSaved = "Votre mot de passe a été changé."
)

// roleLabel names the current role in French.
func roleLabel(sub *access.Subject) string {
	switch sub.Kind() {
	case access.KindSuperuser:
		return "Super-utilisateur"
	case access.KindStaff:
		return "Équipe APiLos (staff)"
	case access.KindBailleur:
		return "Bailleur"
	case access.KindInstructeur:
		return "Instructeur"
	case access.KindAdministrateurNational:
		return "Administrateur national"
	case access.KindAdministrateurRegional:
		return "Administrateur régional"
	case access.KindAdministrateurDepartemental:
		return "Administrateur départemental"
	case access.KindPartenaire:
		return "Partenaire"
	}
	return ""
}

// entityName is the bailleur or administration of the current role.
func (a *accounts) entityName(ctx context.Context, sub *access.Subject) (string, error) {
	if a.s.opts.DB == nil {
		return "", nil
	}
	name, err := account.EntityName(ctx, a.s.opts.DB, sub.Role)
	if err != nil || name == "" {
		return name, err
	}
	if sub.ReadOnly() {
		name += " — lecture seule"
	}
	return name, nil
}

func (a *accounts) profileView(r *http.Request) (profileView, account.User, error) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	u, err := account.ByID(ctx, a.s.opts.DB, sub.UserID)
	if err != nil {
		return profileView{}, u, err
	}
	entity, err := a.entityName(ctx, sub)
	if err != nil {
		return profileView{}, u, err
	}
	v := profileView{
		Page:     a.s.page(r, "Mon profil"),
		Name:     u.DisplayName(),
		Username: u.Username,
		Email:    u.Email,
		Role:     roleLabel(sub),
		Entity:   entity,
		// An impersonating agent must not change the password of the
		// account they act as.
		CanChangePassword: !u.IsCerbere() && sub.ImpersonatorID == 0,
		Password:          newPasswordForm(nil),
	}
	for _, p := range account.EmailPreferences {
		v.Preferences = append(v.Preferences, preferenceChoice{Value: p.Value, Label: p.Label, Checked: p.Value == u.PreferencesEmail})
	}
	return v, u, nil
}

func (a *accounts) profile(w http.ResponseWriter, r *http.Request) {
	v, _, err := a.profileView(r)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	v.Notice = a.s.sessions.PopString(r.Context(), sessionAccountNotice)
	a.s.render(w, r, http.StatusOK, "account_profile", v)
}

// profileSave handles the two forms of the profile page: e-mail
// preference and password change (form=preferences|password).
func (a *accounts) profileSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	v, u, err := a.profileView(r)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	switch r.PostFormValue("form") {
	case "preferences":
		pref := r.PostFormValue("preferences_email")
		err := account.SetEmailPreference(ctx, a.s.opts.DB, u.ID, pref, a.now())
		if errors.Is(err, account.ErrBadPreference) {
			v.PrefError = err.Error()
			a.s.render(w, r, http.StatusOK, "account_profile", v)
			return
		}
		if err != nil {
			a.s.serverError(w, r, err)
			return
		}
		a.s.sessions.Put(ctx, sessionAccountNotice, noticeProfileSaved)
	case "password":
		if !v.CanChangePassword {
			a.s.forbidden(w, r)
			return
		}
		err := account.ChangePassword(ctx, a.s.opts.DB, u, r.PostFormValue("old_password"),
			r.PostFormValue("new_password1"), r.PostFormValue("new_password2"), a.now())
		var fe account.FieldErrors
		if errors.As(err, &fe) {
			v.Password = newPasswordForm(fe)
			a.s.render(w, r, http.StatusOK, "account_profile", v)
			return
		}
		if err != nil {
			a.s.serverError(w, r, err)
			return
		}
		// A new session token after a credential change; the user stays
		// logged in.
		if err := a.s.sessions.RenewToken(ctx); err != nil {
			a.s.serverError(w, r, err)
			return
		}
		LoggerFrom(ctx, a.s.log).Info("mot de passe changé", "user_id", sub.UserID)
		a.s.sessions.Put(ctx, sessionAccountNotice, noticePasswordSaved)
	default:
		http.Error(w, "Formulaire inconnu : rechargez la page de profil.", http.StatusBadRequest)
		return
	}
	http.Redirect(w, r, "/apilos_settings/profile/", http.StatusSeeOther)
}

// profileRedirect: /accounts/profile/ is Django's default after-login
// page; the profile lives at the reference's settings path.
func (a *accounts) profileRedirect(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/apilos_settings/profile/", http.StatusMovedPermanently)
}
