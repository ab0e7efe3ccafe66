package web

import (
	"net/http"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// The creation paths of a convention (spec workflows §2): the choice
// page, "Créer une convention ANRU" and the "ajout simplifié" of an
// already signed convention. The domain (programme.CreateANRU, ...)
// checks the subject's scope and the input; these handlers translate.

func init() {
	routeGroups = append(routeGroups, (*server).creationRoutes)
}

func (s *server) creationRoutes() {
	c := newConventions(s)
	// The reference served the choice page to anonymous users; it needs
	// a login here, as every page about conventions.
	s.handleFunc("GET /conventions/new_convention_choice", access.LoggedIn(), c.newConventionChoice)
	s.handleFunc("GET /conventions/new_convention_anru", access.Perm(access.AddConvention), c.newConventionANRU)
	s.handleFunc("POST /conventions/new_convention_anru", access.Perm(access.AddConvention), c.newConventionANRUPost)
}

// firstStepURL is the first step of the convention's form, where a
// creation leads.
func firstStepURL(id string) string { return "/conventions/bailleur/" + id }

// creationField is one field of a creation form.
type creationField struct {
	Name, Label, Value, Hint, Type string
	Required                       bool
	Options                        []creationOption
	Errors                         []string
}

type creationOption struct {
	Value, Label string
	Selected     bool
}

// newField is a required text field labelled by the field catalogue.
func newField(name, object, catalogueName, value string, ps programme.Problems) creationField {
	return creationField{Name: name, Label: programme.FieldLabel(object, catalogueName), Value: value, Type: "text",
		Required: true, Errors: ps.Field(catalogueName)}
}

// withOptions makes f a select of opts, value selected.
func (f creationField) withOptions(opts []programme.Option) creationField {
	f.Type = "select"
	for _, o := range opts {
		f.Options = append(f.Options, creationOption{Value: o.Value, Label: o.Label, Selected: o.Value == f.Value})
	}
	return f
}

// withList makes f a select of a choice list.
func (f creationField) withList(l programme.List) creationField {
	opts := make([]programme.Option, len(l))
	for i, ch := range l {
		opts[i] = programme.Option{Value: ch.Code, Label: ch.Label}
	}
	return f.withOptions(opts)
}

// only pre-selects the single choice of a select left empty.
func only(value string, opts []programme.Option) string {
	if value == "" && len(opts) == 1 {
		return opts[0].Value
	}
	return value
}

// newConventionChoiceView is /conventions/new_convention_choice.
type newConventionChoiceView struct {
	Page
	CanCreate bool
}

func (c *conventions) newConventionChoice(w http.ResponseWriter, r *http.Request) {
	sub := access.FromContext(r.Context())
	c.s.render(w, r, http.StatusOK, "convention_new_choice", newConventionChoiceView{
		Page: c.s.page(r, "Créer une convention"), CanCreate: convention.MayCreateConventions(sub)})
}

// anruView is the form of "Créer une convention ANRU".
type anruView struct {
	Page
	Flashes       []flash
	Errors        []string
	Fields        []creationField
	MoreBailleurs bool
}

func (c *conventions) newConventionANRU(w http.ResponseWriter, r *http.Request) {
	c.renderANRU(w, r, http.StatusOK, programme.ANRUInput{}, nil)
}

func (c *conventions) renderANRU(w http.ResponseWriter, r *http.Request, status int, in programme.ANRUInput, ps programme.Problems) {
	ctx := r.Context()
	ch, err := programme.ReadCreationChoices(ctx, c.s.opts.DB, access.FromContext(ctx))
	if !c.outcome(w, r, err, "/conventions/new_convention_choice") {
		return
	}
	in.Bailleur = only(in.Bailleur, ch.Bailleurs)
	in.Administration = only(in.Administration, ch.Administrations)
	v := anruView{Page: c.s.page(r, "Créer une convention ANRU"), Flashes: c.s.popFlashes(ctx), MoreBailleurs: ch.MoreBailleurs,
		Errors: ps.Messages()}
	v.Fields = []creationField{
		newField("bailleur", programme.ObjBailleur, "uuid", in.Bailleur, ps).withOptions(ch.Bailleurs),
		newField("administration", programme.ObjProgramme, "administration", in.Administration, ps).withOptions(ch.Administrations),
		newField("nom", programme.ObjProgramme, "nom", in.Nom, ps),
		newField("numero_operation", programme.ObjProgramme, "numero_operation", in.NumeroOperation, ps),
		newField("nature_logement", programme.ObjProgramme, "nature_logement", in.NatureLogement, ps).withList(programme.NaturesLogementActives),
		newField("financement", programme.ObjLot, "financement", in.Financement, ps).withList(programme.FinancementsEDD),
		newField("type_habitat", programme.ObjLot, "type_habitat", in.TypeHabitat, ps).withList(programme.TypesHabitat),
		newField("nb_logements", programme.ObjLot, "nb_logements", in.NbLogements, ps),
		newField("code_postal", programme.ObjProgramme, "code_postal", in.CodePostal, ps),
		newField("ville", programme.ObjProgramme, "ville", in.Ville, ps),
	}
	v.Fields[7].Type = "number"
	if v.MoreBailleurs {
		v.Fields[0].Hint = "Seuls les premiers bailleurs par ordre alphabétique sont proposés."
	}
	c.s.render(w, r, status, "convention_new_anru", v)
}

func (c *conventions) newConventionANRUPost(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	in := programme.ANRUInput{Bailleur: f.Get("bailleur"), Administration: f.Get("administration"), Nom: f.Get("nom"),
		NumeroOperation: f.Get("numero_operation"), NatureLogement: f.Get("nature_logement"), NbLogements: f.Get("nb_logements"),
		TypeHabitat: f.Get("type_habitat"), Financement: f.Get("financement"), CodePostal: f.Get("code_postal"), Ville: f.Get("ville")}
	var res *programme.Created
	err := c.tx(ctx, func(tx pgx.Tx) (err error) {
		res, err = programme.CreateANRU(ctx, tx, access.FromContext(ctx), in, programme.CreateOptions{ANRU: c.s.opts.CerbereMode})
		return
	})
	if ce, ok := programme.AsCreationError(err); ok {
		c.renderANRU(w, r, http.StatusUnprocessableEntity, in, ce.Problems)
		return
	}
	if !c.outcome(w, r, err, "/conventions/new_convention_anru") {
		return
	}
	c.done(w, r, firstStepURL(res.UUID.String()), "La convention a été créée : complétez-la étape par étape.")
}
