package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// searchView is the search page (/conventions/recherche), the home page
// of logged-in users.
type searchView struct {
	Page
	Flashes      []flash
	Filters      search.Filters
	Rows         []searchRow
	CountLabel   string
	Statuts      []option
	Financements []option
	Natures      []option
	Years        []option
	Bailleurs    []option
	Tabs         []tabLink
	Sorts        []option // order_by choices
	Pages        []pageLink
	PrevURL      string
	NextURL      string
	// Advanced is true when a filter other than the text fields is set
	// (the filter panel opens).
	Advanced bool
	// ExportURL is the spreadsheet of the list, same filters.
	ExportURL string
}

// option is an entry of a select or a checkbox list.
type option struct {
	Value, Label string
	Selected     bool
}

type tabLink struct {
	Label, URL string
	Current    bool
}

type pageLink struct {
	Num      int
	URL      string
	Current  bool
	Ellipsis bool
}

type searchRow struct {
	URL        string
	Numero     string
	IsAvenant  bool
	Statut     string
	BadgeClass string
	Operation  string
	NumOp      string
	// OperationURL links the operation page when it shows the user
	// something ("" otherwise).
	OperationURL string
	Bailleur     string
	Commune      string
	Financement  string
	Logements    string
}

var sortChoices = []option{
	{"", "Pertinence puis plus récentes", false},
	{"-cree_le", "Plus récentes", false},
	{"cree_le", "Plus anciennes", false},
	{"numero", "Numéro de convention", false},
	{"programme__nom", "Nom de l'opération", false},
	{"programme__ville", "Commune", false},
	{"programme__bailleur__nom", "Bailleur", false},
	{"-televersement_convention_signee_le", "Date de signature (récentes d'abord)", false},
}

func (c *conventions) search(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	f := search.Parse(r.URL.Query())
	res, err := search.Search(ctx, c.s.opts.DB, sub, f, c.today())
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	years, err := search.SignatureYears(ctx, c.s.opts.DB, c.today())
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	bailleurs, err := c.userBailleurs(r, sub, f.BailleurUUID)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v := searchView{Page: c.s.page(r, "Conventions"), Flashes: c.s.popFlashes(ctx), Filters: f, Bailleurs: bailleurs}
	f.Page = 0
	base := f.Values()
	v.ExportURL = withQuery("/conventions/export-list", base)

	for _, st := range convention.Statuts {
		v.Statuts = append(v.Statuts, option{string(st), st.Label(convention.AudienceOf(sub), "e"), slices.Contains(f.Statuts, string(st))})
	}
	for _, ch := range search.Financements {
		v.Financements = append(v.Financements, option{ch.Code, ch.Label, ch.Code == f.Financement})
	}
	for _, ch := range search.NaturesLogement {
		v.Natures = append(v.Natures, option{ch.Code, ch.Label, ch.Code == f.NatureLogement})
	}
	for _, y := range years {
		v.Years = append(v.Years, option{strconv.Itoa(y), strconv.Itoa(y), y == f.DateSignature})
	}
	for _, s := range sortChoices {
		s.Selected = s.Value == f.OrderBy
		v.Sorts = append(v.Sorts, s)
	}
	for _, t := range search.StatutPresets {
		q := f
		q.Statuts = nil
		for _, st := range t.Statuts {
			q.Statuts = append(q.Statuts, string(st))
		}
		cur := sameSet(q.Statuts, f.Statuts)
		v.Tabs = append(v.Tabs, tabLink{Label: t.Label, URL: withQuery("/conventions/recherche", q.Values()), Current: cur})
	}
	v.Advanced = len(f.Statuts) > 0 || f.Financement != "" || f.NatureLogement != "" || f.DateSignature != 0 ||
		f.BailleurUUID != "" || f.AvenantSeulement || f.ANRU || f.ANAH || f.SecondeVie

	for _, row := range res.Rows {
		sr := searchRow{
			URL: conventionURL(row.Statut, row.UUID), Numero: row.Numero, IsAvenant: row.IsAvenant,
			Statut: row.Statut.Label(convention.AudienceOf(sub), convention.Accord(rowKind(row.IsAvenant))), BadgeClass: row.Statut.BadgeClass(),
			Operation: row.ProgrammeNom, NumOp: row.NumeroOperation, Bailleur: row.BailleurNom,
			Commune: strings.TrimSpace(row.CodePostal + " " + row.Ville), Logements: fr.Int(row.NbLogements),
		}
		if row.OperationVisible {
			sr.OperationURL = convention.OperationURL(row.NumeroOperation)
		}
		var fins []string
		for _, code := range row.Financements {
			fins = append(fins, search.Label(search.Financements, code))
		}
		sr.Financement = strings.Join(fins, ", ")
		if row.IsAvenant {
			sr.Numero = "Avenant " + orDash(row.Numero)
			if row.ParentNumero != "" {
				sr.Numero += " à la convention " + row.ParentNumero
			}
		}
		v.Rows = append(v.Rows, sr)
	}
	switch {
	case res.Capped:
		v.CountLabel = "Plus de " + fr.Int(search.CountCap) + " résultats"
	case res.Total <= 1:
		v.CountLabel = strconv.Itoa(res.Total) + " résultat"
	default:
		v.CountLabel = fr.Int(int64(res.Total)) + " résultats"
	}
	link := func(p int) string {
		q := cloneValues(base)
		if p > 1 {
			q.Set("page", strconv.Itoa(p))
		}
		return withQuery("/conventions/recherche", q)
	}
	if res.Page > 1 {
		v.PrevURL = link(res.Page - 1)
	}
	if res.HasNext {
		v.NextURL = link(res.Page + 1)
	}
	last := 0
	for p := 1; p <= res.Pages; p++ {
		if p == 1 || p == res.Pages || (p >= res.Page-2 && p <= res.Page+2) {
			if last != 0 && p > last+1 {
				v.Pages = append(v.Pages, pageLink{Ellipsis: true})
			}
			v.Pages = append(v.Pages, pageLink{Num: p, URL: link(p), Current: p == res.Page})
			last = p
		}
	}
	c.s.render(w, r, http.StatusOK, "convention_search", v)
}

// userBailleurs is the bailleur filter list, by name.
func (c *conventions) userBailleurs(r *http.Request, sub *access.Subject, selected string) ([]option, error) {
	list, err := search.BailleurChoices(r.Context(), c.s.opts.DB, sub, selected)
	if err != nil {
		return nil, err
	}
	var out []option
	for _, b := range list {
		out = append(out, option{Value: b.Code, Label: b.Label, Selected: b.Code == strings.ToLower(selected)})
	}
	slices.SortFunc(out, func(x, y option) int { return strings.Compare(x.Label, y.Label) })
	return out, nil
}

// conventionURL is where a convention opens from a list (spec §1.4):
// signed, published, dénoncée and résiliée ones on their overview, the
// others on their récapitulatif.
func conventionURL(st convention.Statut, id string) string {
	if st.HasOverview() {
		return postActionURL(id)
	}
	return recapURL(id)
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
