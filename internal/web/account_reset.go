package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/account"
	apimail "github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/users"
)

type resetRequestView struct {
	Page
	Email string
	Error string
	Sent  bool
}

// passwordForm is the data of the "new-password-fields" partial.
type passwordForm struct {
	MinLength                      int
	OldError, New1Error, New2Error string
}

func newPasswordForm(errs account.FieldErrors) passwordForm {
	return passwordForm{MinLength: users.MinPasswordLength, OldError: errs[account.FieldOldPassword],
		New1Error: errs[account.FieldNewPassword1], New2Error: errs[account.FieldNewPassword2]}
}

type resetConfirmView struct {
	Page
	Username string
	Action   string
	Invalid  bool
	Done     bool
	Form     passwordForm
}

func (a *accounts) resetPagesOff(w http.ResponseWriter, r *http.Request) bool {
	if a.opts.LocalLoginDisabled {
		a.s.notFound(w, r)
		return true
	}
	return false
}

func (a *accounts) resetRequestForm(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	a.s.render(w, r, http.StatusOK, "account_password_reset", resetRequestView{Page: a.s.page(r, "Mot de passe oublié")})
}

func (a *accounts) resetRequestDone(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	a.s.render(w, r, http.StatusOK, "account_password_reset", resetRequestView{Page: a.s.page(r, "Mot de passe oublié"), Sent: true})
}

// resetRequest mails a reset link to every active local account with
// this address, and answers the same page whether there is one or not,
// so the form does not tell which addresses have an account.
func (a *accounts) resetRequest(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	if p, err := mail.ParseAddress(email); err != nil || p.Address != email {
		v := resetRequestView{Page: a.s.page(r, "Mot de passe oublié"), Email: email,
			Error: "Adresse e-mail : saisissez une adresse valide, par exemple nom@domaine.fr."}
		a.s.render(w, r, http.StatusOK, "account_password_reset", v)
		return
	}
	if a.s.opts.DB == nil {
		a.s.serverError(w, r, errors.New("réinitialisation impossible : pas de base de données"))
		return
	}
	candidates, err := account.ResetCandidates(ctx, a.s.opts.DB, email)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	log := LoggerFrom(ctx, a.s.log)
	now := a.now()
	for _, u := range candidates {
		link := a.absoluteURL(fmt.Sprintf("/accounts/reset/%s/%s/", account.EncodeUID(u.ID), a.tokens.Make(u, now)))
		msg := apimail.Message{
			To:      []string{u.Email},
			Subject: "APiLos : réinitialisation de votre mot de passe",
			Text: fmt.Sprintf(`Bonjour %s,

Une demande de réinitialisation du mot de passe de votre compte APiLos (identifiant : %s) a été faite.
Pour choisir un nouveau mot de passe, ouvrez ce lien dans l'heure :

%s

Le lien ne sert qu'une fois. Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe reste inchangé.

L'équipe APiLos
`, u.DisplayName(), u.Username, link),
		}
		if err := a.mailer.Send(ctx, msg); err != nil {
			// Same answer anyway: the page must not reveal the account.
			log.Error("envoi du lien de réinitialisation impossible", "user_id", u.ID, "err", err)
			continue
		}
		log.Info("lien de réinitialisation envoyé", "user_id", u.ID)
	}
	http.Redirect(w, r, "/accounts/password_reset/done/", http.StatusSeeOther)
}

// resetUser returns the account of a reset link when the link is valid.
func (a *accounts) resetUser(r *http.Request) (account.User, bool, error) {
	id, ok := account.DecodeUID(r.PathValue("uidb64"))
	if !ok || a.s.opts.DB == nil {
		return account.User{}, false, nil
	}
	u, err := account.ByID(r.Context(), a.s.opts.DB, id)
	if errors.Is(err, account.ErrNotFound) {
		return account.User{}, false, nil
	}
	if err != nil {
		return account.User{}, false, err
	}
	if !u.IsActive || u.IsCerbere() || !a.tokens.Check(u, r.PathValue("token"), a.now()) {
		return account.User{}, false, nil
	}
	return u, true, nil
}

func (a *accounts) resetConfirmForm(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	u, ok, err := a.resetUser(r)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	v := resetConfirmView{Page: a.s.page(r, "Nouveau mot de passe"), Invalid: !ok, Username: u.Username,
		Action: r.URL.EscapedPath(), Form: newPasswordForm(nil)}
	a.s.render(w, r, http.StatusOK, "account_password_set", v)
}

// resetConfirm sets the new password. The token is checked again: it
// stops matching as soon as the password hash changes (single use).
func (a *accounts) resetConfirm(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	u, ok, err := a.resetUser(r)
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	v := resetConfirmView{Page: a.s.page(r, "Nouveau mot de passe"), Invalid: !ok, Username: u.Username,
		Action: r.URL.EscapedPath(), Form: newPasswordForm(nil)}
	if !ok {
		a.s.render(w, r, http.StatusOK, "account_password_set", v)
		return
	}
	err = account.SetPassword(r.Context(), a.s.opts.DB, u, r.PostFormValue("new_password1"), r.PostFormValue("new_password2"), 0, a.now())
	var fe account.FieldErrors
	if errors.As(err, &fe) {
		v.Form = newPasswordForm(fe)
		a.s.render(w, r, http.StatusOK, "account_password_set", v)
		return
	}
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	LoggerFrom(r.Context(), a.s.log).Info("mot de passe réinitialisé par lien", "user_id", u.ID, "client_ip", ClientIP(r))
	http.Redirect(w, r, "/accounts/reset/done/", http.StatusSeeOther)
}

func (a *accounts) resetComplete(w http.ResponseWriter, r *http.Request) {
	if a.resetPagesOff(w, r) {
		return
	}
	a.s.render(w, r, http.StatusOK, "account_password_set", resetConfirmView{Page: a.s.page(r, "Mot de passe enregistré"), Done: true})
}
