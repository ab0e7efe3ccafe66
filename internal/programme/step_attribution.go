package programme

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// AttributionInput is the Attribution step (workflows §3.13). The common
// fields apply to both; Type and the âgées, handicapés and inclusif
// fields to foyers (StepFoyerAttribution), the three booleans to
// résidences (StepResidenceAttribution). Saving a foyer resets the
// fields of the two types not chosen.
type AttributionInput struct {
	Residence bool // the résidence variant of the step

	ReservationPrefectorale string
	ModalitesReservations   string
	ModalitesChoixPersonnes string
	PrestationsIntegrees    string
	PrestationsFacultatives string

	Type                          string // a code of AttributionTypesFoyer
	AgeesAutonomie                bool
	AgeesEphad                    bool
	AgeesDesorientees             bool
	AgeesPetiteUnite              bool
	AgeesAutre                    bool
	AgeesAutreDetail              string
	HandicapesFoyer               bool
	HandicapesFoyerDeVie          bool
	HandicapesFoyerMedicalise     bool
	HandicapesAutre               bool
	HandicapesAutreDetail         string
	InclusifConditionsSpecifiques string
	InclusifConditionsAdmission   string
	InclusifModalitesAttribution  string
	InclusifPartenariats          string
	InclusifActivites             string

	ResidenceSocialeOrdinaire bool
	PensionDeFamille          bool
	ResidenceAccueil          bool
}

// Step is StepFoyerAttribution or StepResidenceAttribution.
func (in AttributionInput) Step() Step {
	if in.Residence {
		return StepResidenceAttribution
	}
	return StepFoyerAttribution
}

// AttributionInputOf is the form filled with the stored values.
func AttributionInputOf(c *Content) AttributionInput {
	v := c.Convention
	in := AttributionInput{Residence: c.Programme.IsResidence(),
		ModalitesReservations: v.AttributionModalitesReservations, ModalitesChoixPersonnes: v.AttributionModalitesChoixPersonnes,
		PrestationsIntegrees: v.AttributionPrestationsIntegrees, PrestationsFacultatives: v.AttributionPrestationsFacultatives,
		Type: v.AttributionType(), AgeesAutonomie: v.AttributionAgeesAutonomie, AgeesEphad: v.AttributionAgeesEphad,
		AgeesDesorientees: v.AttributionAgeesDesorientees, AgeesPetiteUnite: v.AttributionAgeesPetiteUnite,
		AgeesAutre: v.AttributionAgeesAutre, AgeesAutreDetail: v.AttributionAgeesAutreDetail,
		HandicapesFoyer: v.AttributionHandicapesFoyer, HandicapesFoyerDeVie: v.AttributionHandicapesFoyerDeVie,
		HandicapesFoyerMedicalise: v.AttributionHandicapesFoyerMedicalise, HandicapesAutre: v.AttributionHandicapesAutre,
		HandicapesAutreDetail:         v.AttributionHandicapesAutreDetail,
		InclusifConditionsSpecifiques: v.AttributionInclusifConditionsSpecifiques, InclusifConditionsAdmission: v.AttributionInclusifConditionsAdmission,
		InclusifModalitesAttribution: v.AttributionInclusifModalitesAttribution, InclusifPartenariats: v.AttributionInclusifPartenariats,
		InclusifActivites: v.AttributionInclusifActivites, ResidenceSocialeOrdinaire: v.AttributionResidenceSocialeOrdinaire,
		PensionDeFamille: v.AttributionPensionDeFamille, ResidenceAccueil: v.AttributionResidenceAccueil}
	if v.AttributionReservationPrefectorale != nil {
		in.ReservationPrefectorale = strconv.Itoa(*v.AttributionReservationPrefectorale)
	}
	return in
}

// Messages of the Attribution step.
const (
	MsgReservationPrefectorale  = "La part de réservations préfectoriales est obligatoire"
	MsgReservationPourcentage   = "La part de réservations préfectorales est un pourcentage, entre 0 et 100"
	MsgModalitesReservations    = "Les modalités de gestion des reservations sont obligatoires"
	MsgModalitesChoixPersonnes  = "Les modalités de choix des personnes accueillies sont obligatoires"
	MsgAttributionType          = "Choisissez le public accueilli par le foyer"
	MsgInclusifRequis           = "Ce champ est requis lors qu'il s'agit d'un habitat inclusif"
	MsgAutreEtablissementDetail = "Merci de préciser le type d'établissement retenu"
)

// attributionValues are the stored columns of the step, in this order.
var attributionColumns = []string{
	"attribution_reservation_prefectorale", "attribution_modalites_reservations", "attribution_modalites_choix_personnes",
	"attribution_prestations_integrees", "attribution_prestations_facultatives",
	"attribution_agees_autonomie", "attribution_agees_ephad", "attribution_agees_desorientees", "attribution_agees_petite_unite",
	"attribution_agees_autre", "attribution_agees_autre_detail",
	"attribution_handicapes_foyer", "attribution_handicapes_foyer_de_vie", "attribution_handicapes_foyer_medicalise",
	"attribution_handicapes_autre", "attribution_handicapes_autre_detail",
	"attribution_inclusif_conditions_specifiques", "attribution_inclusif_conditions_admission",
	"attribution_inclusif_modalites_attribution", "attribution_inclusif_partenariats", "attribution_inclusif_activites",
	"attribution_residence_sociale_ordinaire", "attribution_pension_de_famille", "attribution_residence_accueil",
}

type attributionPlan struct {
	c      *Content
	values ConventionFields // only the attribution fields are meaningful
}

func (in AttributionInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjConvention)
	v := c.Convention // the stored values; the step replaces its own
	if n := f.integer("attribution_reservation_prefectorale", in.ReservationPrefectorale, true, MsgReservationPrefectorale); n != nil {
		if *n > 100 {
			f.add("attribution_reservation_prefectorale", MsgReservationPourcentage)
		}
		v.AttributionReservationPrefectorale = n
	}
	v.AttributionModalitesReservations = f.text("attribution_modalites_reservations", in.ModalitesReservations, true, MsgModalitesReservations, 50000)
	v.AttributionModalitesChoixPersonnes = f.text("attribution_modalites_choix_personnes", in.ModalitesChoixPersonnes, true, MsgModalitesChoixPersonnes, 50000)
	v.AttributionPrestationsIntegrees = f.text("attribution_prestations_integrees", in.PrestationsIntegrees, false, "", 50000)
	v.AttributionPrestationsFacultatives = f.text("attribution_prestations_facultatives", in.PrestationsFacultatives, false, "", 50000)
	if in.Residence {
		v.AttributionResidenceSocialeOrdinaire = in.ResidenceSocialeOrdinaire
		v.AttributionPensionDeFamille = in.PensionDeFamille
		v.AttributionResidenceAccueil = in.ResidenceAccueil
		return &attributionPlan{c: c, values: v}, ps
	}
	typ := f.choice("attribution_type", in.Type, AttributionTypesFoyer, true, MsgAttributionType)
	// The fields of the types not chosen are reset.
	agees, handi, inclusif := typ == "agees", typ == "handicapees", typ == "inclusif"
	v.AttributionAgeesAutonomie = agees && in.AgeesAutonomie
	v.AttributionAgeesEphad = agees && in.AgeesEphad
	v.AttributionAgeesDesorientees = agees && in.AgeesDesorientees
	v.AttributionAgeesPetiteUnite = agees && in.AgeesPetiteUnite
	v.AttributionAgeesAutre = agees && in.AgeesAutre
	v.AttributionAgeesAutreDetail = ""
	if v.AttributionAgeesAutre {
		v.AttributionAgeesAutreDetail = f.text("attribution_agees_autre_detail", in.AgeesAutreDetail, true, MsgAutreEtablissementDetail, 255)
	}
	v.AttributionHandicapesFoyer = handi && in.HandicapesFoyer
	v.AttributionHandicapesFoyerDeVie = handi && in.HandicapesFoyerDeVie
	v.AttributionHandicapesFoyerMedicalise = handi && in.HandicapesFoyerMedicalise
	v.AttributionHandicapesAutre = handi && in.HandicapesAutre
	v.AttributionHandicapesAutreDetail = ""
	if v.AttributionHandicapesAutre {
		v.AttributionHandicapesAutreDetail = f.text("attribution_handicapes_autre_detail", in.HandicapesAutreDetail, true, MsgAutreEtablissementDetail, 255)
	}
	texts := []*string{&v.AttributionInclusifConditionsSpecifiques, &v.AttributionInclusifConditionsAdmission,
		&v.AttributionInclusifModalitesAttribution, &v.AttributionInclusifPartenariats, &v.AttributionInclusifActivites}
	posted := []string{in.InclusifConditionsSpecifiques, in.InclusifConditionsAdmission, in.InclusifModalitesAttribution,
		in.InclusifPartenariats, in.InclusifActivites}
	for i, col := range attributionColumns[16:21] {
		*texts[i] = ""
		if inclusif {
			*texts[i] = f.text(col, posted[i], true, MsgInclusifRequis, 50000)
		}
	}
	return &attributionPlan{c: c, values: v}, ps
}

func (p *attributionPlan) row(v ConventionFields) []any {
	return []any{v.AttributionReservationPrefectorale, nullText(v.AttributionModalitesReservations),
		nullText(v.AttributionModalitesChoixPersonnes), nullText(v.AttributionPrestationsIntegrees),
		nullText(v.AttributionPrestationsFacultatives),
		v.AttributionAgeesAutonomie, v.AttributionAgeesEphad, v.AttributionAgeesDesorientees, v.AttributionAgeesPetiteUnite,
		v.AttributionAgeesAutre, nullText(v.AttributionAgeesAutreDetail),
		v.AttributionHandicapesFoyer, v.AttributionHandicapesFoyerDeVie, v.AttributionHandicapesFoyerMedicalise,
		v.AttributionHandicapesAutre, nullText(v.AttributionHandicapesAutreDetail),
		nullText(v.AttributionInclusifConditionsSpecifiques), nullText(v.AttributionInclusifConditionsAdmission),
		nullText(v.AttributionInclusifModalitesAttribution), nullText(v.AttributionInclusifPartenariats),
		nullText(v.AttributionInclusifActivites),
		v.AttributionResidenceSocialeOrdinaire, v.AttributionPensionDeFamille, v.AttributionResidenceAccueil}
}

func (p *attributionPlan) changes() []change {
	var d diff
	before, after := p.row(p.c.Convention), p.row(p.values)
	u := p.c.Convention.UUID
	for i, col := range attributionColumns {
		keys := []string{FieldKey(ObjConvention, col, u)}
		if col == "attribution_reservation_prefectorale" {
			keys = append(keys, FieldKey(ObjConvention, "attribution_reservation_prefectoral", u))
		}
		d.add(!sameValue(before[i], after[i]), describe(ObjConvention, col), keys...)
	}
	return d
}

func sameValue(a, b any) bool {
	switch x := a.(type) {
	case *int:
		y, _ := b.(*int)
		return intEq(x, y)
	}
	return a == b
}

func (p *attributionPlan) write(ctx context.Context, tx pgx.Tx) error {
	sql := "UPDATE conventions_convention SET "
	for i, col := range attributionColumns {
		if i > 0 {
			sql += ", "
		}
		sql += col + " = $" + strconv.Itoa(i+2)
	}
	_, err := tx.Exec(ctx, sql+" WHERE id = $1", append([]any{p.c.Convention.ID}, p.row(p.values)...)...)
	return err
}

// VariantesInput is the Variantes step of foyers and résidences
// (workflows §3.14). Unticking variante 2 clears its three fields.
type VariantesInput struct {
	Variante1           bool
	Variante2           bool
	Variante2Travaux    string
	Variante2NbTranches string
	Variante2NbAnnees   string
	Variante3           bool
}

// Step is StepVariantes.
func (VariantesInput) Step() Step { return StepVariantes }

// VariantesInputOf is the form filled with the stored values.
func VariantesInputOf(c *Content) VariantesInput {
	v := c.Convention
	return VariantesInput{Variante1: v.Variante1, Variante2: v.Variante2, Variante2Travaux: v.Variante2Travaux,
		Variante2NbTranches: itoa(v.Variante2NbTranches), Variante2NbAnnees: itoa(v.Variante2NbAnnees), Variante3: v.Variante3}
}

// Messages of the Variantes step.
const (
	MsgUneVariante      = "Au moins 1 variante doit-être sélectionnée"
	MsgVariante2Travaux = "Les travaux de la variante 2 sont obligatoires lorsque la variante 2 est sélectionnée"
)

type variantesPlan struct {
	c                *Content
	v1, v2, v3       bool
	travaux          string
	tranches, annees *int
}

func (in VariantesInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	f := ps.fields(ObjConvention)
	p := &variantesPlan{c: c, v1: in.Variante1, v2: in.Variante2, v3: in.Variante3}
	if !in.Variante1 && !in.Variante2 && !in.Variante3 {
		f.add("foyer_residence_variante_1", MsgUneVariante)
	}
	if in.Variante2 {
		p.travaux = f.text("foyer_residence_variante_2_travaux", in.Variante2Travaux, true, MsgVariante2Travaux, 5000)
		p.tranches = f.integer("foyer_residence_variante_2_nb_tranches", in.Variante2NbTranches, false, "")
		p.annees = f.integer("foyer_residence_variante_2_nb_annees", in.Variante2NbAnnees, false, "")
	}
	return p, ps
}

func (p *variantesPlan) changes() []change {
	v, u := p.c.Convention, p.c.Convention.UUID
	var d diff
	field := func(changed bool, name, legacy string) {
		keys := []string{FieldKey(ObjConvention, name, u)}
		if legacy != "" {
			keys = append(keys, FieldKey(ObjConvention, legacy, u))
		}
		d.add(changed, describe(ObjConvention, name), keys...)
	}
	field(v.Variante1 != p.v1, "foyer_residence_variante_1", "foyer_variante_1")
	field(v.Variante2 != p.v2, "foyer_residence_variante_2", "foyer_variante_2")
	field(v.Variante2Travaux != p.travaux, "foyer_residence_variante_2_travaux", "foyer_variante_2_travaux")
	field(!intEq(v.Variante2NbTranches, p.tranches), "foyer_residence_variante_2_nb_tranches", "")
	field(!intEq(v.Variante2NbAnnees, p.annees), "foyer_residence_variante_2_nb_annees", "")
	field(v.Variante3 != p.v3, "foyer_residence_variante_3", "foyer_variante_3")
	return d
}

func (p *variantesPlan) write(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE conventions_convention SET foyer_residence_variante_1 = $2, foyer_residence_variante_2 = $3,
		foyer_residence_variante_2_travaux = $4, foyer_residence_variante_2_nb_tranches = $5, foyer_residence_variante_2_nb_annees = $6,
		foyer_residence_variante_3 = $7 WHERE id = $1`,
		p.c.Convention.ID, p.v1, p.v2, nullText(p.travaux), p.tranches, p.annees, p.v3)
	return err
}

// CommentairesInput is the Commentaires step (workflows §3.15): the
// comments to the instructeur, text and files.
type CommentairesInput struct {
	Commentaires string
	// Files are the files attached to and detached from commentaires;
	// nil keeps them.
	Files FileEdits
}

// Step is StepCommentaires.
func (CommentairesInput) Step() Step { return StepCommentaires }

type commentairesPlan struct {
	c    *Content
	text TextFiles
}

func (in CommentairesInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	t := ps.fields(ObjConvention).text("commentaires", in.Commentaires, false, "", 5000)
	return &commentairesPlan{c: c, text: in.Files.edit("commentaires", c.Convention.Commentaires, t)}, ps
}

func (p *commentairesPlan) changes() []change {
	u := p.c.Convention.UUID
	var d diff
	d.add(textFilesChanged(p.c.Convention.Commentaires, p.text), describe(ObjConvention, "commentaires"),
		FieldKey(ObjConvention, "commentaires", u), FieldKey(ObjConvention, "comments", u))
	return d
}

func (p *commentairesPlan) write(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE conventions_convention SET commentaires = $2 WHERE id = $1`, p.c.Convention.ID, nullText(p.text.Encode()))
	return err
}

// ChampLibreInput is the Champ libre step of an avenant (printed at the
// end of the avenant).
type ChampLibreInput struct {
	ChampLibreAvenant string
}

// Step is StepChampLibre.
func (ChampLibreInput) Step() Step { return StepChampLibre }

type champLibrePlan struct {
	c    *Content
	text string
}

func (in ChampLibreInput) check(c *Content, _ Env) (plan, Problems) {
	var ps Problems
	t := ps.fields(ObjConvention).text("champ_libre_avenant", in.ChampLibreAvenant, false, "", 5000)
	return &champLibrePlan{c: c, text: t}, ps
}

func (p *champLibrePlan) changes() []change {
	var d diff
	d.add(p.c.Convention.ChampLibreAvenant != p.text, describe(ObjConvention, "champ_libre_avenant"),
		FieldKey(ObjConvention, "champ_libre_avenant", p.c.Convention.UUID))
	return d
}

func (p *champLibrePlan) write(ctx context.Context, tx pgx.Tx) error {
	_, err := tx.Exec(ctx, `UPDATE conventions_convention SET champ_libre_avenant = $2 WHERE id = $1`, p.c.Convention.ID, nullText(p.text))
	return err
}
