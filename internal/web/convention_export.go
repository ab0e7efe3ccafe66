package web

import (
	"errors"
	"net/http"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

func init() {
	routeGroups = append(routeGroups, (*server).exportRoutes)
}

func (s *server) exportRoutes() {
	c := newConventions(s)
	s.handleFunc("GET /conventions/export-list", access.LoggedIn(), c.exportList)
}

// exportList sends the conventions of the search (same filters and
// scope) as a spreadsheet; beyond search.ExportCap, back to the search
// with the message.
func (c *conventions) exportList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := search.Parse(r.URL.Query())
	rows, err := search.Export(ctx, c.s.opts.DB, access.FromContext(ctx), f, c.today())
	if errors.Is(err, search.ErrExportCap) {
		c.s.addFlash(ctx, flashError, search.MsgExportCap)
		http.Redirect(w, r, withQuery("/conventions/recherche", f.Values()), http.StatusSeeOther)
		return
	}
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	b, err := search.ExportWorkbook(rows)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", contentDisposition("attachment", search.ExportFileName(c.today())))
	w.Write(b)
}
