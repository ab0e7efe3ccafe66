package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Step 3 of the ajout simplifié: the avenants the added convention
// already had, each signed with its PDF (spec workflows §2.3).

func init() {
	routeGroups = append(routeGroups, (*server).addSignedAvenantsRoutes)
}

func (s *server) addSignedAvenantsRoutes() {
	c := newConventions(s)
	s.handleFunc("GET /conventions/from_operation/add_avenants/{uuid}", access.Perm(access.AddConvention), c.addAvenants)
	s.handle("POST /conventions/from_operation/add_avenants/{uuid}", access.Perm(access.AddConvention),
		acceptFiles(maxUpload, c.addAvenantsPost))
}

func addAvenantsURL(id string) string { return "/conventions/from_operation/add_avenants/" + id }

// addAvenantsView is step 3.
type addAvenantsView struct {
	Page
	Flashes    []flash
	Errors     []string
	Convention *programme.SignedConvention
	RecapURL   string
	Avenants   []addedAvenant
	Action     string
	Fields     []creationField
}

type addedAvenant struct {
	URL, Numero, Statut, BadgeClass, Annee, Types string
}

func (c *conventions) addAvenants(w http.ResponseWriter, r *http.Request) {
	c.renderAddAvenants(w, r, http.StatusOK, programme.SignedAvenantInput{}, nil)
}

func (c *conventions) renderAddAvenants(w http.ResponseWriter, r *http.Request, status int, in programme.SignedAvenantInput, ps programme.Problems) {
	ctx := r.Context()
	sub := access.FromContext(ctx)
	id, err := uuid.Parse(r.PathValue("uuid"))
	if err != nil {
		c.s.notFound(w, r)
		return
	}
	conv, err := programme.ReadSignedConvention(ctx, c.s.opts.DB, sub, id)
	if !c.outcome(w, r, err, fromOperationURL("")) {
		return
	}
	ch, err := programme.ReadCreationChoices(ctx, c.s.opts.DB, sub)
	if !c.outcome(w, r, err, fromOperationURL("")) {
		return
	}
	v := addAvenantsView{Page: c.s.page(r, "Ajouter les avenants"), Flashes: c.s.popFlashes(ctx), Errors: ps.Messages(),
		Convention: conv, RecapURL: postActionURL(conv.UUID.String()), Action: addAvenantsURL(conv.UUID.String())}
	for _, a := range conv.Avenants {
		annee, _, _ := strings.Cut(a.SigneeLe, "-")
		var types []string
		for _, t := range a.Types {
			types = append(types, label(programme.AvenantTypes, t))
		}
		v.Avenants = append(v.Avenants, addedAvenant{URL: conventionURL(a.Statut, a.UUID.String()), Numero: numeroOr(a.Numero, "sans numéro"),
			Statut: a.Statut.Label(convention.AudienceOf(sub), convention.Accord("avenant")), BadgeClass: a.Statut.BadgeClass(), Annee: annee, Types: strings.Join(types, ", ")})
	}
	var annees []programme.Option
	for _, y := range programme.AnneesSignature(programme.DateOf(c.today())) {
		annees = append(annees, programme.Option{Value: strconv.Itoa(y), Label: strconv.Itoa(y)})
	}
	bailleur := newField("bailleur", programme.ObjBailleur, "uuid", in.Bailleur, ps).withOptions(ch.Bailleurs)
	bailleur.Required = false
	nb := newField("nb_logements", programme.ObjLot, "nb_logements", in.NbLogements, ps)
	nb.Required, nb.Type = false, "number"
	champ := newField("champ_libre_avenant", programme.ObjConvention, "champ_libre_avenant", in.ChampLibre, ps)
	champ.Required = false
	file := newField("nom_fichier_signe", programme.ObjConvention, "nom_fichier_signe_avenant", "", ps)
	file.Type = "file"
	v.Fields = []creationField{
		newField("numero", programme.ObjConvention, "numero_avenant", in.Numero, ps),
		newField("annee_signature", programme.ObjConvention, "annee_signature", in.AnneeSignature, ps).withOptions(annees),
		bailleur, nb, champ, file,
	}
	c.s.render(w, r, status, "convention_add_signed_avenants", v)
}

func (c *conventions) addAvenantsPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := uuid.Parse(r.PathValue("uuid"))
	if err != nil {
		c.s.notFound(w, r)
		return
	}
	back := addAvenantsURL(id.String())
	f := r.PostForm
	in := programme.SignedAvenantInput{Numero: f.Get("numero"), AnneeSignature: f.Get("annee_signature"), Bailleur: f.Get("bailleur"),
		ChampLibre: f.Get("champ_libre_avenant"), NbLogements: f.Get("nb_logements")}
	file, done, ok := c.signedFile(w, r, back)
	if !ok {
		return
	}
	defer done()
	in.File = file
	var res *programme.Created
	err = c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = programme.AddSignedAvenant(ctx, tx, c.storage, access.FromContext(ctx), id, in,
			programme.Env{Today: programme.DateOf(c.today())})
		return
	})
	if ce, ok := programme.AsCreationError(err); ok {
		c.renderAddAvenants(w, r, http.StatusUnprocessableEntity, in, ce.Problems)
		return
	}
	if !c.outcome(w, r, err, back) {
		return
	}
	c.enqueueScans(r, res.Scans)
	c.done(w, r, back, programme.MsgSignedAvenantAdded(strings.TrimSpace(in.Numero)))
}
