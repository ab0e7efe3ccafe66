package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/search"
)

// The "ajout simplifié" of a convention signed outside APiLos (spec
// workflows §2.3): step 1 finds the operation, step 2 adds the signed
// convention with its PDF, step 3 (convention_add_signed_avenants.go)
// adds the avenants it already had.

func init() {
	routeGroups = append(routeGroups, (*server).addSignedRoutes)
}

func (s *server) addSignedRoutes() {
	c := newConventions(s)
	s.handleFunc("GET /conventions/from_operation", access.Perm(access.AddConvention), c.fromOperation)
	s.handleFunc("GET /conventions/from_operation/add_convention/{numero...}", access.Perm(access.AddConvention), c.addSigned)
	s.handle("POST /conventions/from_operation/add_convention/{numero...}", access.Perm(access.AddConvention),
		acceptFiles(maxUpload, c.addSignedPost))
}

func fromOperationURL(numero string) string {
	if numero == "" {
		return "/conventions/from_operation"
	}
	return "/conventions/from_operation?" + url.Values{"numero_operation": {numero}}.Encode()
}

func addSignedURL(numero string) string {
	return "/conventions/from_operation/add_convention/" + url.PathEscape(numero)
}

// fromOperationView is step 1.
type fromOperationView struct {
	Page
	Flashes  []flash
	Numero   string
	Searched bool
	Exact    *operationMatch
	Nearby   []operationMatch
}

type operationMatch struct {
	search.Operation
	OperationURL, AddURL string
}

func matchOf(o search.Operation) operationMatch {
	return operationMatch{Operation: o, OperationURL: "/operations/" + o.NumeroOperation, AddURL: addSignedURL(o.NumeroOperation)}
}

func (c *conventions) fromOperation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	numero := strings.TrimSpace(r.FormValue("numero_operation"))
	v := fromOperationView{Page: c.s.page(r, "Sélectionner l'opération"), Flashes: c.s.popFlashes(ctx), Numero: numero,
		Searched: numero != ""}
	m, err := search.Operations(ctx, c.s.opts.DB, access.FromContext(ctx), numero)
	if err != nil {
		c.s.serverError(w, r, err)
		return
	}
	if m.Exact != nil {
		e := matchOf(*m.Exact)
		v.Exact = &e
	}
	for _, o := range m.Nearby {
		v.Nearby = append(v.Nearby, matchOf(o))
	}
	c.s.render(w, r, http.StatusOK, "convention_from_operation", v)
}

// addSignedView is step 2.
type addSignedView struct {
	Page
	Flashes     []flash
	Errors      []string
	Operation   *programme.SignedOperation
	Conventions []operationConvention
	Action      string
	Fields      []creationField
}

func (c *conventions) addSigned(w http.ResponseWriter, r *http.Request) {
	c.renderAddSigned(w, r, http.StatusOK, programme.SignedInput{}, nil)
}

func (c *conventions) renderAddSigned(w http.ResponseWriter, r *http.Request, status int, in programme.SignedInput, ps programme.Problems) {
	ctx := r.Context()
	numero := r.PathValue("numero")
	op, err := programme.ReadSignedOperation(ctx, c.s.opts.DB, access.FromContext(ctx), numero)
	if !c.outcome(w, r, err, fromOperationURL(numero)) {
		return
	}
	v := addSignedView{Page: c.s.page(r, "Créer la convention dans Apilos"), Flashes: c.s.popFlashes(ctx), Errors: ps.Messages(),
		Operation: op, Action: addSignedURL(op.NumeroOperation)}
	for _, e := range op.Conventions {
		v.Conventions = append(v.Conventions, operationConvention{URL: conventionURL(e.Statut, e.UUID), Numero: numeroOr(e.Numero, "sans numéro"),
			Statut: e.Statut.Label(convention.AudienceOf(access.FromContext(ctx)), "e"), BadgeClass: e.Statut.BadgeClass(), Financement: programme.FinancementLabel(e.Financement)})
	}
	var annees []programme.Option
	for _, y := range programme.AnneesSignature(programme.DateOf(c.today())) {
		annees = append(annees, programme.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	fin := newField("financement", programme.ObjLot, "financement", in.Financement, ps).withList(op.Financements)
	v.Fields = []creationField{
		newField("numero", programme.ObjConvention, "numero", in.Numero, ps),
		fin,
		newField("nb_logements", programme.ObjLot, "nb_logements", in.NbLogements, ps),
		newField("annee_signature", programme.ObjConvention, "annee_signature", in.AnneeSignature, ps).withOptions(annees),
		newField("nom_fichier_signe", programme.ObjConvention, "nom_fichier_signe", "", ps),
	}
	v.Fields[2].Type = "number"
	v.Fields[4].Type = "file"
	c.s.render(w, r, status, "convention_add_signed", v)
}

func (c *conventions) addSignedPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	numero := r.PathValue("numero")
	f := r.PostForm
	in := programme.SignedInput{Numero: f.Get("numero"), NbLogements: f.Get("nb_logements"), Financement: f.Get("financement"),
		AnneeSignature: f.Get("annee_signature")}
	file, done, ok := c.signedFile(w, r, addSignedURL(numero))
	if !ok {
		return
	}
	defer done()
	in.File = file
	var res *programme.Created
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = programme.AddSignedConvention(ctx, tx, c.storage, access.FromContext(ctx), numero, in,
			programme.Env{Today: programme.DateOf(c.today())})
		return
	})
	if ce, ok := programme.AsCreationError(err); ok {
		c.renderAddSigned(w, r, http.StatusUnprocessableEntity, in, ce.Problems)
		return
	}
	if !c.outcome(w, r, err, fromOperationURL(numero)) {
		return
	}
	c.enqueueScans(r, res.Scans)
	c.done(w, r, addAvenantsURL(res.UUID.String()), programme.MsgSignedAdded(strings.TrimSpace(in.Numero)))
}

// signedFile opens the signed PDF posted in nom_fichier_signe (Body nil
// when none was sent: the domain names the missing field). ok is false
// when the answer is already written; done closes the file.
func (c *conventions) signedFile(w http.ResponseWriter, r *http.Request, back string) (f convention.File, done func(), ok bool) {
	f, done = convention.File{Size: -1}, func() {}
	file, err := multipartFile(r, "nom_fichier_signe")
	if !c.outcome(w, r, err, back) {
		return f, done, false
	}
	if c.storage == nil {
		if file != nil {
			file.Close()
		}
		c.s.serverError(w, r, errors.New("aucun stockage de fichiers configuré"))
		return f, done, false
	}
	if file != nil {
		f.Body, done = file, func() { file.Close() }
	}
	return f, done, true
}
