package web

import (
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

func init() { routeGroups = append(routeGroups, (*server).legalRoutes) }

// legalPages are the pages linked from the footer of every page, at the
// reference's paths where it had them (cgu, accessibilite).
var legalPages = []struct{ path, page, title string }{
	{"/accessibilite", "accessibilite", "Déclaration d'accessibilité"},
	{"/mentions-legales", "mentions_legales", "Mentions légales"},
	{"/donnees-personnelles", "donnees_personnelles", "Données personnelles"},
	{"/cgu", "cgu", "Conditions générales d'utilisation"},
}

// legalRoutes: public pages, the session still read so the header shows
// the logged-in account.
func (s *server) legalRoutes() {
	for _, p := range legalPages {
		s.handleFunc("GET "+p.path, access.Public(), func(w http.ResponseWriter, r *http.Request) {
			s.render(w, r, http.StatusOK, p.page, s.page(r, p.title))
		})
	}
}
