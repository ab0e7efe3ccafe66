package web

import (
	"net/http"
)

// errorView is the view model of the 403, 404 and 500 pages.
type errorView struct {
	Page
	// Reason and Hint explain a 403 (why, and what to do); empty on the
	// other error pages.
	Reason string
	Hint   string
}

func (s *server) errorView(r *http.Request) errorView {
	return errorView{Page: s.page(r, "")}
}

// notFound answers the DSFR 404 page; handlers call it for unknown objects.
func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	v := s.errorView(r)
	v.Title = "Page non trouvée"
	s.render(w, r, http.StatusNotFound, "404", v)
}

// serverError logs err with the request id and answers the 500 page,
// which shows that id so a user can quote it to the support.
func (s *server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	LoggerFrom(r.Context(), s.log).Error("erreur interne", "err", err, "method", r.Method, "path", r.URL.Path)
	s.serverErrorPage(w, r)
}

// serverErrorPage answers the 500 page without logging (the caller did).
func (s *server) serverErrorPage(w http.ResponseWriter, r *http.Request) {
	v := s.errorView(r)
	v.Title = "Erreur inattendue"
	s.render(w, r, http.StatusInternalServerError, "500", v)
}

// forbiddenCrossOrigin answers a form posted from another site.
func (s *server) forbiddenCrossOrigin(w http.ResponseWriter, r *http.Request) {
	LoggerFrom(r.Context(), s.log).Warn("requête d'une autre origine refusée",
		"method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
	v := s.errorView(r)
	v.Title = "Accès refusé"
	v.Reason = "Cette action n'a pas été acceptée : la demande ne provient pas d'une page d'APiLos."
	v.Hint = "Revenez sur la page d'APiLos concernée, rechargez-la puis recommencez votre action depuis celle-ci."
	s.render(w, r, http.StatusForbidden, "403", v)
}
