package web

import (
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// The documentation page of the SIAP API: Swagger UI, served from the
// site (the CSP allows no CDN), on the OpenAPI document of internal/api.

const (
	apiDocsPattern = "GET /api-siap/v0/schema-ui/{$}"
	apiSchemaURL   = "/api-siap/v0/schema/"
	swaggerBundle  = "vendor/swagger-ui/swagger-ui-bundle.js"
)

func init() { routeGroups = append(routeGroups, (*server).apiDocsRoutes) }

func (s *server) apiDocsRoutes() {
	// Public, like the document itself.
	s.handleFunc(apiDocsPattern, access.Public(), s.apiDocs)
}

// apiDocsView is the view model of the API documentation page.
type apiDocsView struct {
	Page
	SchemaURL string
	// Swagger is false when the binary was built without the front-end
	// assets: the page then only links to the document.
	Swagger bool
}

func (s *server) apiDocs(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "api_docs", apiDocsView{
		Page:      s.page(r, "Documentation de l'API APiLos"),
		SchemaURL: apiSchemaURL,
		Swagger:   s.assets.Has(swaggerBundle),
	})
}
