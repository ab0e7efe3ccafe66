package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/config"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
)

//go:embed templates
var templateFiles embed.FS

// Page is the part of every view model that the layout reads. Each page
// has its own view model type that embeds Page.
type Page struct {
	// Title is the page title, before " - APiLos".
	Title string
	// Env is the environment banner; nil in production.
	Env *EnvBanner
	// Robots is the content of the robots meta tag.
	Robots string
	// Version is the running version, shown in the footer.
	Version string
	// RequestID identifies the request in the logs (shown on error pages).
	RequestID string
	// Path is the current path, to mark the current navigation entry.
	Path string
	// Habilitations is the SIAP habilitation menu of a CERBERE user
	// (cerbere_switch.go); nil otherwise.
	Habilitations *HabilitationMenu
	// Roles is the role menu of a local account with 2+ roles
	// (account_role.go); nil otherwise.
	Roles *RoleMenu
	// User is the logged-in account shown in the header; nil when
	// anonymous.
	User *PageUser
	// Impersonating is the name of the account a support agent acts as
	// (impersonation banner); "" otherwise.
	Impersonating string
}

// PageUser is what the header shows of the logged-in account.
type PageUser struct {
	Name    string
	IsStaff bool
	// CanCreate shows the "Créer une convention" entry.
	CanCreate bool
}

// EnvBanner is the notice shown at the top of every page outside production.
type EnvBanner struct {
	Title string
	Desc  string
}

// envBanner returns the banner for an environment, nil in production.
func envBanner(env string) *EnvBanner {
	if config.IsProduction(env) {
		return nil
	}
	switch strings.ToLower(env) {
	case "", "development", "dev", "local":
		return &EnvBanner{Title: "Environnement de développement", Desc: "Les données sont fictives."}
	case "test":
		return &EnvBanner{Title: "Environnement de test", Desc: "Les données sont fictives."}
	default:
		return &EnvBanner{
			Title: "Environnement de " + env,
			Desc:  fmt.Sprintf("Attention, vous utilisez actuellement la plateforme %s : ce n'est pas la production.", env),
		}
	}
}

// renderer holds the templates, parsed once at start: one template set per
// page, each made of the layout, the shared partials and the page itself.
type renderer struct {
	pages map[string]*template.Template
}

func newRenderer(a *assets) (*renderer, error) {
	funcs := template.FuncMap{
		"static": a.URL,
		// pictogram is the URL of a DSFR pictogram, e.g. "buildings/house.svg".
		"pictogram": func(name string) string { return a.URL("vendor/dsfr/artwork/pictograms/" + name) },
		// count writes "3 commentaires", "1 commentaire" (internal/fr).
		"count": fr.Count,
	}
	base, err := template.New("layout").Funcs(funcs).Option("missingkey=error").
		ParseFS(templateFiles, "templates/layout/*.html")
	if err != nil {
		return nil, fmt.Errorf("gabarits communs : %w", err)
	}
	names, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}}
	for _, n := range names {
		t, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFiles, n); err != nil {
			return nil, fmt.Errorf("gabarit %s : %w", n, err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/pages/"), ".html")
		r.pages[name] = t
	}
	return r, nil
}

// renderBytes executes a page into memory, so a template error never
// leaves half a page on the wire.
func (r *renderer) renderBytes(page string, data any) ([]byte, error) {
	t, ok := r.pages[page]
	if !ok {
		return nil, fmt.Errorf("gabarit de page inconnu : %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("rendu de la page %q : %w", page, err)
	}
	return buf.Bytes(), nil
}

// page builds the layout part of a view model for this request.
func (s *server) page(r *http.Request, title string) Page {
	robots := "noindex, nofollow"
	if config.IsProduction(s.opts.Environment) {
		robots = "index, follow"
	}
	p := Page{
		Title:     title,
		Env:       envBanner(s.opts.Environment),
		Robots:    robots,
		Version:   s.opts.Version,
		RequestID: RequestID(r.Context()),
		Path:      r.URL.Path,
		// The SIAP habilitation menu of a CERBERE user (cerbere_switch.go).
		Habilitations: s.habilitationMenu(r),
		// The role menu of a local account with several roles.
		Roles: s.roleMenu(r),
	}
	if sub := access.FromContext(r.Context()); !sub.Anonymous() {
		p.User = &PageUser{Name: sub.DisplayName, IsStaff: sub.IsStaff || sub.IsSuperuser,
			CanCreate: convention.MayCreateConventions(sub)}
		if sub.ImpersonatorID != 0 {
			p.Impersonating = sub.DisplayName
		}
	}
	return p
}

// render writes a page with the given status; on a template error it logs
// and falls back to the 500 page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page string, data any) {
	b, err := s.tmpl.renderBytes(page, data)
	if err != nil {
		if page == "500" {
			// The error page itself failed: last resort, plain text.
			LoggerFrom(r.Context(), s.log).Error("rendu de la page d'erreur impossible", "err", err)
			http.Error(w, "Erreur interne du serveur", http.StatusInternalServerError)
			return
		}
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
