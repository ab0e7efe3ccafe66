package web

import (
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
)

// noStoreWhenLoggedIn marks every answer to a logged-in user (pages,
// documents, redirects) as private and not to be stored: a shared proxy
// or the browser's cache must not keep a convention or a PDF after
// logout.
func noStoreWhenLoggedIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !access.FromContext(r.Context()).Anonymous() {
			w.Header().Set("Cache-Control", "private, no-store")
		}
		next.ServeHTTP(w, r)
	})
}
