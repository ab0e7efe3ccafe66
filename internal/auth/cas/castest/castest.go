// Package castest runs a fake CAS server over HTTP for tests: /login
// issues a single-use service ticket for the configured user and sends
// the browser back to the service, p3/serviceValidate (and the CAS 2
// serviceValidate) checks ticket and service as a CAS server does and
// answers the XML with the user's attributes, /logout records the logout
// and sends the browser to the service.
package castest

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// BasePath is the CAS path prefix of the fake, like CERBERE's /cas/576/.
const BasePath = "/cas/576/"

// Server is the fake CAS.
type Server struct {
	*httptest.Server

	mu      sync.Mutex
	user    string
	attrs   [][2]string
	tickets map[string]string // ticket → service
	next    int
	logouts []string
	valid   int
}

// NewServer starts a fake CAS that logs in user with attrs (name, value
// pairs, in order); it stops with the test.
func NewServer(t testing.TB, user string, attrs ...[2]string) *Server {
	s := &Server{user: user, attrs: attrs, tickets: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+BasePath+"login", s.login)
	mux.HandleFunc("GET "+BasePath+"p3/serviceValidate", s.validate)
	mux.HandleFunc("GET "+BasePath+"serviceValidate", s.validate)
	mux.HandleFunc("GET "+BasePath+"logout", s.logout)
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

// Base is the CERBERE_AUTH value of this server.
func (s *Server) Base() string { return s.URL + BasePath }

// SetUser changes who the next login is.
func (s *Server) SetUser(user string, attrs ...[2]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.attrs = user, attrs
}

// IssueTicket issues a ticket for service, as /login does.
func (s *Server) IssueTicket(service string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	t := fmt.Sprintf("ST-%d-fauxcas", s.next)
	s.tickets[t] = service
	return t
}

// Logouts returns the service URLs of the logouts so far.
func (s *Server) Logouts() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.logouts...)
}

// Validations counts the successful validations.
func (s *Server) Validations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.valid
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	service := r.URL.Query().Get("service")
	u, err := url.Parse(service)
	if service == "" || err != nil || !u.IsAbs() {
		http.Error(w, "service manquant ou invalide", http.StatusBadRequest)
		return
	}
	q := u.Query()
	q.Set("ticket", s.IssueTicket(service))
	u.RawQuery = q.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

func (s *Server) validate(w http.ResponseWriter, r *http.Request) {
	ticket, service := r.URL.Query().Get("ticket"), r.URL.Query().Get("service")
	s.mu.Lock()
	want, ok := s.tickets[ticket]
	delete(s.tickets, ticket) // single use, even when refused
	user, attrs := s.user, s.attrs
	if ok && want == service {
		s.valid++
	}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	var b strings.Builder
	b.WriteString(`<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">` + "\n")
	switch {
	case !ok:
		fmt.Fprintf(&b, `  <cas:authenticationFailure code="INVALID_TICKET">Ticket %s non reconnu</cas:authenticationFailure>`, html.EscapeString(ticket))
	case want != service:
		fmt.Fprintf(&b, `  <cas:authenticationFailure code="INVALID_SERVICE">Ticket %s émis pour un autre service</cas:authenticationFailure>`, html.EscapeString(ticket))
	default:
		fmt.Fprintf(&b, "  <cas:authenticationSuccess>\n    <cas:user>%s</cas:user>\n    <cas:attributes>\n", html.EscapeString(user))
		for _, a := range attrs {
			fmt.Fprintf(&b, "      <cas:%s>%s</cas:%s>\n", a[0], html.EscapeString(a[1]), a[0])
		}
		b.WriteString("    </cas:attributes>\n  </cas:authenticationSuccess>")
	}
	b.WriteString("\n</cas:serviceResponse>\n")
	w.Write([]byte(b.String()))
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	service := r.URL.Query().Get("service")
	s.mu.Lock()
	s.logouts = append(s.logouts, service)
	s.mu.Unlock()
	if service != "" {
		http.Redirect(w, r, service, http.StatusFound)
		return
	}
	w.Write([]byte("Vous êtes déconnecté."))
}

// CerbereAttrs are the attributes CERBERE sends for a user.
func CerbereAttrs(id, login, nom, prenom, mel string) [][2]string {
	return [][2]string{
		{"UTILISATEUR.ID", id}, {"UTILISATEUR.LOGIN", login}, {"UTILISATEUR.NOM", nom},
		{"UTILISATEUR.PRENOM", prenom}, {"UTILISATEUR.MEL", mel},
	}
}
