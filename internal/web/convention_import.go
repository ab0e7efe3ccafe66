package web

import (
	"crypto/rand"
	"encoding/gob"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/fr"
	"github.com/MTES-MCT/apilos-go/internal/importxlsx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The spreadsheet imports of the steps' tables (spec workflows §4): the
// project's templates, the upload that previews the rows and the
// problems, the confirmation that saves them.
//
// The import paths put the table before the convention:
// /conventions/{uuid}/import/{kind} would overlap the reference's
// /conventions/publication/{uuid}/date in the router.

func init() {
	routeGroups = append(routeGroups, (*server).importRoutes)
	gob.Register(pendingImport{})
}

func (s *server) importRoutes() {
	c := newConventions(s)
	rule := func(p access.Permission) access.Rule { return access.PermOn(p, access.ConventionFromPath("uuid")) }
	s.handleFunc("GET /conventions/load_xlsx_model/{type}", access.LoggedIn(), c.xlsxModel)
	s.handleFunc("GET /conventions/import/{kind}/{uuid}", rule(access.ViewConvention), c.importForm)
	s.handle("POST /conventions/import/{kind}/{uuid}", rule(access.ChangeConvention), acceptFiles(importxlsx.MaxFileSize+1<<20, c.importUpload))
	s.handleFunc("POST /conventions/import/{kind}/{uuid}/confirm", rule(access.ChangeConvention), c.importConfirm)
}

func importURL(kind importxlsx.Kind, id string) string {
	return "/conventions/import/" + string(kind) + "/" + id
}

// xlsxModel sends a template, or the zip of all of them ("all").
func (c *conventions) xlsxModel(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	var b []byte
	var name, ctype string
	var err error
	if typ == "all" {
		b, err = importxlsx.TemplatesZip()
		name, ctype = importxlsx.ZipName, "application/zip"
	} else {
		k, ok := importxlsx.ParseKind(typ)
		if !ok {
			c.s.notFound(w, r)
			return
		}
		b, err = importxlsx.Template(k)
		name, ctype = k.FileName(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", contentDisposition("attachment", name))
	w.Write(b)
}

// pendingImport is a previewed import waiting for its confirmation, kept
// in the session (never sent to the browser): the token names it in the
// confirmation form. One at a time: a new upload replaces it.
type pendingImport struct {
	Token      string
	Convention string
	Kind       string
	Result     *importxlsx.Result
}

const sessionImport = "import_xlsx"

// maxPreviewRows bounds the rows the preview shows (all are imported).
const maxPreviewRows = 200

// importView is the import page of a table: the upload form, the
// refusal, or the preview of the rows with their problems.
type importView struct {
	Page
	Flashes     []flash
	H           conventionHeader
	Table       string
	Sheet       string
	FormURL     string
	ConfirmURL  string
	ModelURL    string
	StepURL     string
	Editable    bool
	Refusal     string   // not editable, expired import…
	Errors      []string // the file refused, or the rows' problems
	Warnings    []string
	Others      []string // problems of the step outside the table
	Optional    []string // problems to confirm
	Headers     []string
	Rows        []importRow
	Count       int
	Hidden      int // rows not shown
	CanConfirm  bool
	Token       string
	HasProblems bool
}

type importRow struct {
	Line   int
	Values []string
}

// importPage prepares the page of the route's table.
func (c *conventions) importPage(r *http.Request) (*importView, *convention.Capability, importxlsx.Kind, bool, error) {
	kind, ok := importxlsx.ParseKind(r.PathValue("kind"))
	if !ok {
		return nil, nil, "", false, nil
	}
	k, err := c.capability(r)
	if err != nil {
		return nil, nil, "", false, err
	}
	conv := k.Convention
	id := conv.UUID.String()
	v := &importView{Page: c.s.page(r, "Import : "+kind.Label()), Flashes: c.s.popFlashes(r.Context()),
		H: header(conv, access.FromContext(r.Context())), Table: kind.Label(), Sheet: kind.Sheet(),
		FormURL: importURL(kind, id), ConfirmURL: importURL(kind, id) + "/confirm",
		ModelURL: "/conventions/load_xlsx_model/" + string(kind), StepURL: stepURL(kind.Step(), conv.IsAvenant(), id), Editable: k.Editable()}
	if !v.Editable {
		v.Refusal = programme.MsgNotEditable
	}
	return v, k, kind, true, nil
}

func (c *conventions) importForm(w http.ResponseWriter, r *http.Request) {
	v, _, _, ok, err := c.importPage(r)
	switch {
	case err != nil:
		c.s.serverError(w, r, err)
	case !ok:
		c.s.notFound(w, r)
	default:
		c.s.render(w, r, http.StatusOK, "convention_import", v)
	}
}

// importUpload reads the file and shows what would be imported, or why
// it cannot be; nothing is saved.
func (c *conventions) importUpload(w http.ResponseWriter, r *http.Request) {
	v, k, kind, ok, err := c.importPage(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if !ok {
		c.s.notFound(w, r)
		return
	}
	f, err := multipartFile(r, "file")
	if err != nil || f == nil {
		v.Errors = []string{"Choisissez le fichier .xlsx à importer."}
		c.s.render(w, r, http.StatusBadRequest, "convention_import", v)
		return
	}
	defer f.Close()
	if !v.Editable {
		c.s.render(w, r, http.StatusForbidden, "convention_import", v)
		return
	}
	res, err := importxlsx.Read(f, kind)
	if e, refused := importxlsx.AsError(err); refused {
		v.Errors = e.All()
		c.s.render(w, r, http.StatusUnprocessableEntity, "convention_import", v)
		return
	} else if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	rep, err := importxlsx.Preview(r.Context(), c.s.opts.DB, k.Convention.ID, res, programme.Env{Today: programme.DateOf(c.today())})
	if e, refused := importxlsx.AsError(err); refused {
		v.Errors = e.All()
		c.s.render(w, r, http.StatusUnprocessableEntity, "convention_import", v)
		return
	} else if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	v.preview(res, rep)
	if v.CanConfirm {
		v.Token = rand.Text()
		c.s.sessions.Put(r.Context(), sessionImport, pendingImport{Token: v.Token, Convention: k.Convention.UUID.String(), Kind: string(kind), Result: res})
	} else {
		c.s.sessions.Remove(r.Context(), sessionImport)
	}
	c.s.render(w, r, http.StatusOK, "convention_import", v)
}

// preview fills the table of the rows and the problems of the step.
func (v *importView) preview(res *importxlsx.Result, rep importxlsx.Report) {
	v.Headers, v.Count, v.Warnings = res.Headers, res.Len(), res.Warnings
	for i, vals := range res.Values {
		if i == maxPreviewRows {
			v.Hidden = res.Len() - i
			break
		}
		v.Rows = append(v.Rows, importRow{Line: res.Lines[i], Values: vals})
	}
	v.setReport(rep)
}

func (v *importView) setReport(rep importxlsx.Report) {
	v.Errors = nil
	for _, ce := range rep.Cells {
		v.Errors = append(v.Errors, ce.String())
	}
	v.Others, v.Optional = rep.Others, rep.Optional
	v.CanConfirm = !rep.Blocking()
	v.HasProblems = rep.Blocking() || len(rep.Optional) > 0
}

// importConfirm saves the previewed rows through the step, all or none.
func (c *conventions) importConfirm(w http.ResponseWriter, r *http.Request) {
	v, k, kind, ok, err := c.importPage(r)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if !ok {
		c.s.notFound(w, r)
		return
	}
	conv := k.Convention
	p, found := c.s.sessions.Get(r.Context(), sessionImport).(pendingImport)
	if !found || p.Token == "" || p.Token != r.PostForm.Get("token") || p.Convention != conv.UUID.String() || p.Kind != string(kind) || p.Result == nil {
		v.Refusal = "Cet import n'est plus disponible (déjà enregistré, remplacé par un autre import ou session expirée) : importez le fichier à nouveau."
		c.s.render(w, r, http.StatusConflict, "convention_import", v)
		return
	}
	if r.PostForm.Get("annuler") != "" {
		c.s.sessions.Remove(r.Context(), sessionImport)
		c.done(w, r, v.StepURL, "Import annulé : rien n'a été enregistré.")
		return
	}
	if !v.Editable {
		c.s.render(w, r, http.StatusForbidden, "convention_import", v)
		return
	}
	opt := programme.Options{IgnoreOptional: r.PostForm.Get("ignore_optional_errors") == "1", Env: programme.Env{Today: programme.DateOf(c.today())}}
	sub := access.FromContext(r.Context())
	err = c.tx(r.Context(), func(tx pgx.Tx) error {
		_, err := importxlsx.Save(r.Context(), tx, sub, conv.UUID, p.Result, opt)
		return err
	})
	if ref, refused := convention.AsRefusal(err); refused {
		if ref.Reason == convention.ReasonScope {
			c.s.notFound(w, r)
			return
		}
		v.Refusal = ref.Message
		c.s.render(w, r, http.StatusForbidden, "convention_import", v)
		return
	}
	if verr, invalid := programme.AsValidationError(err); invalid {
		// The content changed since the preview: show the problems again.
		v.preview(p.Result, importxlsx.ReportOf(p.Result, verr.Problems))
		v.Token = p.Token
		c.s.render(w, r, http.StatusUnprocessableEntity, "convention_import", v)
		return
	}
	if e, refused := importxlsx.AsError(err); refused {
		v.Errors = e.All()
		c.s.render(w, r, http.StatusUnprocessableEntity, "convention_import", v)
		return
	}
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	c.s.sessions.Remove(r.Context(), sessionImport)
	c.done(w, r, v.StepURL, fmt.Sprintf("%s lignes importées dans le tableau « %s ».", fr.Int(int64(p.Result.Len())), kind.Label()))
}
