package web

import (
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// homeView is the public landing page.
type homeView struct {
	Page
	LoginURL string
	Features []feature
}

type feature struct {
	Title string
	Desc  string
	// Pictogram is a DSFR artwork file under vendor/dsfr/artwork/pictograms.
	Pictogram string
}

// loginURL is the login page (served by the accounts handlers).
const loginURL = "/accounts/login/"

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	// Once logged in, the home page is the convention search.
	if !access.FromContext(r.Context()).Anonymous() {
		http.Redirect(w, r, "/conventions/recherche", http.StatusFound)
		return
	}
	v := homeView{
		Page:     s.page(r, "Accueil"),
		LoginURL: loginURL,
		Features: []feature{
			{
				Title:     "Préparer la convention",
				Desc:      "Le bailleur social saisit l'opération, ses lots, ses logements, ses annexes et ses prêts, puis transmet la convention au service instructeur.",
				Pictogram: "buildings/city-hall.svg",
			},
			{
				Title:     "Instruire en continu",
				Desc:      "L'instructeur de l'État vérifie chaque champ, demande des corrections par commentaires et valide la convention APL.",
				Pictogram: "document/document-signature.svg",
			},
			{
				Title:     "Suivre dans le temps",
				Desc:      "Avenants, résiliations et dénonciations : toute la vie de la convention reste au même endroit, consultable et recherchable.",
				Pictogram: "document/document-search.svg",
			},
		},
	}
	s.render(w, r, http.StatusOK, "home", v)
}
