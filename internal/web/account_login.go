package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/account"
)

// sessionAccountNotice (string) is a one-time success message of the
// account pages, shown by the next page that reads it.
const sessionAccountNotice = "account_notice"

type loginView struct {
	Page
	Username string
	Next     string
	Error    string
	Notice   string
}

// loginForm shows the login form; a logged-in user goes on to next.
func (a *accounts) loginForm(w http.ResponseWriter, r *http.Request) {
	next := localNext(r.URL.Query().Get("next"))
	if a.opts.LocalLoginDisabled {
		http.Redirect(w, r, cerbereLoginURL+"?"+url.Values{"next": {next}}.Encode(), http.StatusFound)
		return
	}
	if !access.FromContext(r.Context()).Anonymous() {
		http.Redirect(w, r, orHome(next), http.StatusFound)
		return
	}
	a.renderLogin(w, r, http.StatusOK, loginView{Next: next, Notice: a.s.sessions.PopString(r.Context(), sessionAccountNotice)})
}

func (a *accounts) renderLogin(w http.ResponseWriter, r *http.Request, status int, v loginView) {
	v.Page = a.s.page(r, "Connexion")
	a.s.render(w, r, status, "account_login", v)
}

func orHome(next string) string {
	if next == "" {
		return "/"
	}
	return next
}

// login checks the form. Locks are checked before the password, so a
// locked account or address learns nothing from further attempts; every
// failure counts for both the typed identifier and the client address.
func (a *accounts) login(w http.ResponseWriter, r *http.Request) {
	if a.opts.LocalLoginDisabled {
		a.s.notFound(w, r)
		return
	}
	ctx := r.Context()
	log := LoggerFrom(ctx, a.s.log)
	identifier := r.PostFormValue("username")
	plain := r.PostFormValue("password")
	v := loginView{Username: identifier, Next: localNext(r.PostFormValue("next"))}
	addr := ClientIP(r)
	if a.limiter != nil {
		lock, err := a.limiter.Check(ctx, identifier, addr)
		if err != nil {
			a.s.serverError(w, r, err)
			return
		}
		if lock != nil {
			log.Warn("connexion refusée : verrouillage", "identifier", truncate(identifier, 150), "client_ip", addr, "lock", string(lock.Kind), "until", lock.Until)
			v.Error = lock.Message()
			a.renderLogin(w, r, http.StatusTooManyRequests, v)
			return
		}
	}
	if a.s.opts.DB == nil {
		a.s.serverError(w, r, errors.New("connexion impossible : pas de base de données"))
		return
	}
	u, err := account.Authenticate(ctx, a.s.opts.DB, identifier, plain, a.now())
	if errors.Is(err, account.ErrInvalidCredentials) {
		v.Error = err.Error()
		status := http.StatusOK
		if a.limiter != nil {
			lock, err := a.limiter.Fail(ctx, identifier, addr)
			if err != nil {
				a.s.serverError(w, r, err)
				return
			}
			if lock != nil {
				v.Error = lock.Message()
				status = http.StatusTooManyRequests
			}
		}
		log.Info("échec de connexion", "identifier", truncate(identifier, 150), "client_ip", addr)
		a.renderLogin(w, r, status, v)
		return
	}
	if err != nil {
		a.s.serverError(w, r, err)
		return
	}
	if a.limiter != nil {
		if err := a.limiter.Succeed(ctx, identifier); err != nil {
			log.Error("remise à zéro du compteur d'échecs", "err", err)
		}
	}
	if err := a.s.startUserSession(ctx, u.ID); err != nil {
		a.s.serverError(w, r, err)
		return
	}
	log.Info("connexion", "user_id", u.ID, "username", u.Username, "client_ip", addr)
	http.Redirect(w, r, orHome(v.Next), http.StatusSeeOther)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

type logoutView struct{ Page }

// logoutForm: a GET never logs out (a link or an image could trigger
// it); it shows a button posting the form.
func (a *accounts) logoutForm(w http.ResponseWriter, r *http.Request) {
	if access.FromContext(r.Context()).Anonymous() {
		http.Redirect(w, r, "/", http.StatusFound)
		return
	}
	a.s.render(w, r, http.StatusOK, "account_logout", logoutView{Page: a.s.page(r, "Se déconnecter")})
}

// logout destroys the session (row and cookie) and goes home.
func (a *accounts) logout(w http.ResponseWriter, r *http.Request) {
	// In CERBERE mode the CAS session must end too, or the next page
	// would log the user straight back in.
	if a.s.opts.Cerbere != nil {
		a.s.cerbereLogout(w, r)
		return
	}
	sub := access.FromContext(r.Context())
	if !sub.Anonymous() {
		if err := a.s.endUserSession(r.Context()); err != nil {
			a.s.serverError(w, r, err)
			return
		}
		LoggerFrom(r.Context(), a.s.log).Info("déconnexion", "user_id", sub.UserID, "username", sub.Username, "impersonator_id", sub.ImpersonatorID)
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
