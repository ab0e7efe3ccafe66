package web

// The forms of the convention's steps: which inputs each step shows, in
// which group, bound to which field of the step's programme.Input. This
// is translation only (form names ↔ Input fields); the rules, the labels
// and the choices are the programme package's.

import (
	"reflect"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Input kinds of the form.
const (
	kindText     = "text"
	kindTextarea = "textarea"
	// kindTextFiles is a text+files field: a textarea, its attached files
	// (each with a "Retirer" box) and a file input.
	kindTextFiles = "textfiles"
	kindDate      = "date"
	kindNumber    = "number"
	kindSelect    = "select"
	kindCheckbox  = "checkbox"
	kindRadio     = "radio"
	kindLots      = "lots" // a select of the convention's lot financements
)

// fieldDesc is one input: its form name (the column, as the problems
// name it), the Input field it fills, its kind, and its catalogue object
// (label and comment key).
type fieldDesc struct {
	name    string
	gof     string
	kind    string
	object  string
	choices programme.List
}

type groupDesc struct {
	title  string
	fields []fieldDesc
}

// lotsDesc is the per-lot block of a step (Input field "Lots", in
// Content.Lots order); annexes are the eleven booleans of a lot.
type lotsDesc struct {
	fields  []fieldDesc
	annexes bool
}

// tableDesc is a table of rows of the step.
type tableDesc struct {
	table    string // programme.Table*: form prefix and problems' table
	object   string // comment object (keys)
	labelObj string // label object of the columns
	title    string
	rows     func(in reflect.Value) reflect.Value // the addressable slice
	cols     []fieldDesc
	lotOwned bool   // rows belong to a lot (by financement), else to the programme
	kind     string // spreadsheet import kind ("" when none)
}

type stepDesc struct {
	groups []groupDesc
	lots   *lotsDesc
	tables []tableDesc
}

func fd(object, name, gof, kind string) fieldDesc {
	return fieldDesc{name: name, gof: gof, kind: kind, object: object}
}

func sel(object, name, gof string, l programme.List) fieldDesc {
	return fieldDesc{name: name, gof: gof, kind: kindSelect, object: object, choices: l}
}

func field(name string) func(reflect.Value) reflect.Value {
	return func(v reflect.Value) reflect.Value { return v.FieldByName(name) }
}

// describeStep is the form of step s of the convention c.
func describeStep(c *programme.Content, s programme.Step) stepDesc {
	p := c.Programme
	fr := p.IsFoyerOrResidence()
	avenant := c.Convention.IsAvenant()
	const cv, pg, lot = programme.ObjConvention, programme.ObjProgramme, programme.ObjLot
	switch s {
	case programme.StepBailleur:
		d := stepDesc{groups: []groupDesc{{title: "Signataire de la convention", fields: []fieldDesc{
			fd(cv, "signataire_nom", "SignataireNom", kindText),
			fd(cv, "signataire_fonction", "SignataireFonction", kindText),
			fd(cv, "signataire_date_deliberation", "SignataireDateDeliberation", kindDate),
			fd(cv, "signataire_bloc_signature", "SignataireBlocSignature", kindTextarea),
		}}}}
		if fr {
			d.groups = append(d.groups, groupDesc{title: "Gestionnaire", fields: []fieldDesc{
				fd(cv, "gestionnaire", "Gestionnaire", kindText),
				fd(cv, "gestionnaire_signataire_nom", "GestionnaireSignataireNom", kindText),
				fd(cv, "gestionnaire_signataire_fonction", "GestionnaireSignataireFonction", kindText),
				fd(cv, "gestionnaire_signataire_date_deliberation", "GestionnaireSignataireDateDeliberation", kindDate),
				fd(cv, "gestionnaire_signataire_bloc_signature", "GestionnaireSignataireBlocSignature", kindTextarea),
				fd(cv, "gestionnaire_bloc_info_complementaire", "GestionnaireBlocInfoComplementaire", kindTextarea),
			}})
		} else {
			d.groups = append(d.groups, groupDesc{title: "Identification du bailleur", fields: []fieldDesc{
				fd(cv, "identification_bailleur", "IdentificationBailleur", kindCheckbox),
				fd(cv, "identification_bailleur_detail", "IdentificationBailleurDetail", kindTextarea),
			}})
		}
		return d
	case programme.StepProgramme:
		g := groupDesc{title: "Opération", fields: []fieldDesc{
			fd(pg, "nom", "Nom", kindText),
			fd(pg, "adresse", "Adresse", kindTextarea),
		}}
		if !avenant {
			g.fields = append(g.fields,
				fd(pg, "code_postal", "CodePostal", kindText),
				fd(pg, "ville", "Ville", kindText),
				sel(pg, "type_habitat", "TypeHabitat", programme.TypesHabitat),
				sel(pg, "type_operation", "TypeOperation", programme.TypesOperation),
				fd(pg, "anru", "Anru", kindCheckbox),
				fd(pg, "anah", "Anah", kindCheckbox))
			if !fr {
				g.fields = append(g.fields,
					fd(pg, "nb_locaux_commerciaux", "NbLocauxCommerciaux", kindNumber),
					fd(pg, "nb_bureaux", "NbBureaux", kindNumber),
					fd(pg, "autres_locaux_hors_convention", "AutresLocauxHorsConvention", kindTextarea))
			}
		}
		return stepDesc{groups: []groupDesc{g}}
	case programme.StepCadastre:
		dates := []fieldDesc{
			fd(pg, "permis_construire", "PermisConstruire", kindText),
			fd(pg, "date_acte_notarie", "DateActeNotarie", kindDate),
			fd(pg, "date_achevement_previsible", "DateAchevementPrevisible", kindDate),
			fd(pg, "date_achat", "DateAchat", kindDate),
			fd(pg, "date_achevement", "DateAchevement", kindDate),
		}
		if p.IsFoyer() {
			dates = append(dates, fd(pg, "date_autorisation_hors_habitat_inclusif", "DateAutorisationHorsHabitat", kindDate))
		}
		if fr {
			dates = append(dates, fd(pg, "date_convention_location", "DateConventionLocation", kindDate))
		}
		if p.IsResidence() {
			dates = append(dates,
				fd(pg, "date_residence_argement_gestionnaire_intermediation", "DateResidenceAgrement", kindDate),
				fd(pg, "departement_residence_argement_gestionnaire_intermediation", "DepartementResidenceAgrement", kindText),
				fd(pg, "ville_signature_residence_agrement_gestionnaire_intermediation", "VilleSignatureResidenceAgrement", kindText))
		}
		return stepDesc{
			groups: []groupDesc{{title: "Permis et dates", fields: dates}, {title: "Acte notarié", fields: []fieldDesc{
				fd(pg, "vendeur", "Vendeur", kindTextFiles),
				fd(pg, "acquereur", "Acquereur", kindTextFiles),
				fd(pg, "reference_notaire", "ReferenceNotaire", kindTextFiles),
				fd(pg, "reference_publication_acte", "ReferencePublicationActe", kindTextFiles),
			}}},
			tables: []tableDesc{{table: programme.TableReferencesCadastrales, object: programme.ObjReferenceCadastrale,
				title: "Références cadastrales", rows: field("References"), kind: "cadastre", cols: []fieldDesc{
					fd("", "section", "Section", kindText), fd("", "numero", "Numero", kindText),
					fd("", "lieudit", "Lieudit", kindText), fd("", "surface", "Surface", kindText), fd("", "autre", "Autre", kindText)}}},
		}
	case programme.StepEDD:
		return stepDesc{
			groups: []groupDesc{{title: "États descriptifs de division", fields: []fieldDesc{
				fd(pg, "edd_volumetrique", "EDDVolumetrique", kindTextFiles),
				fd(pg, "mention_publication_edd_volumetrique", "MentionPublicationEDDVolumetrique", kindTextarea),
				fd(pg, "edd_classique", "EDDClassique", kindTextFiles),
				fd(pg, "mention_publication_edd_classique", "MentionPublicationEDDClassique", kindTextarea),
				fd(pg, "edd_stationnements", "EDDStationnements", kindTextFiles),
			}}},
			tables: []tableDesc{{table: programme.TableEDD, object: programme.ObjLogementEDD, title: "EDD simplifié",
				rows: field("Rows"), kind: "logements_edd", cols: []fieldDesc{
					fd("", "designation", "Designation", kindText), fd("", "numero_lot", "NumeroLot", kindText),
					sel("", "financement", "Financement", programme.FinancementsEDD)}}},
		}
	case programme.StepFinancement:
		g := groupDesc{title: "Durée de la convention", fields: []fieldDesc{
			fd(cv, "annee_fin_conventionnement", "AnneeFinConventionnement", kindNumber)}}
		if fr {
			g.fields = append(g.fields, fd(cv, "historique_financement_public", "HistoriqueFinancementPublic", kindTextarea))
		} else {
			g.fields = append(g.fields, fd(cv, "fond_propre", "FondPropre", kindText))
		}
		return stepDesc{groups: []groupDesc{g}, tables: []tableDesc{{table: programme.TablePrets, object: programme.ObjPret,
			title: "Prêts et financements", rows: field("Prets"), lotOwned: true, kind: "financement", cols: []fieldDesc{
				fd("", "numero", "Numero", kindText), fd("", "financement", "Financement", kindLots),
				sel("", "preteur", "Preteur", programme.Preteurs), fd("", "autre", "Autre", kindText),
				fd("", "date_octroi", "DateOctroi", kindDate), fd("", "duree", "Duree", kindNumber),
				fd("", "montant", "Montant", kindText)}}}}
	case programme.StepLogements:
		d := stepDesc{lots: &lotsDesc{fields: []fieldDesc{
			fd(lot, "nb_logements", "NbLogements", kindNumber),
			fd(lot, "lgts_mixite_sociale_negocies", "LgtsMixiteSocialeNegocies", kindNumber),
			fd(lot, "loyer_derogatoire", "LoyerDerogatoire", kindText),
			fd(lot, "surface_locaux_collectifs_residentiels", "SurfaceLocauxCollectifsResidentiels", kindText),
			fd(lot, "loyer_associations_foncieres", "LoyerAssociationsFoncieres", kindText),
		}}}
		kinds := []programme.Kind{programme.KindAvecLoyer}
		if avenant {
			kinds = []programme.Kind{programme.KindAvecLoyer, programme.KindSansLoyer, programme.KindCorrigeeAvecLoyer, programme.KindCorrigeeSansLoyer}
		}
		for _, k := range kinds {
			d.tables = append(d.tables, logementsTable(k))
		}
		return d
	case programme.StepFoyerResidenceLogements:
		return stepDesc{lots: &lotsDesc{fields: []fieldDesc{
			fd(lot, "nb_logements", "NbLogements", kindNumber),
			fd(lot, "surface_habitable_totale", "SurfaceHabitableTotale", kindText),
		}}, tables: []tableDesc{{table: programme.TableFoyerLogements, object: programme.ObjLogement, labelObj: programme.ObjLogementFoyerResidence,
			title: "Logements", rows: field("Rows"), lotOwned: true, kind: "foyer_residence_logements", cols: []fieldDesc{
				fd("", "designation", "Designation", kindText), sel("", "typologie", "Typologie", programme.TypologiesFoyerResidence),
				fd("", "financement", "Financement", kindLots), fd("", "surface_habitable", "SurfaceHabitable", kindText),
				fd("", "loyer", "Loyer", kindText)}}}}
	case programme.StepAnnexes:
		return stepDesc{lots: &lotsDesc{annexes: true}, tables: []tableDesc{{table: programme.TableAnnexes, object: programme.ObjAnnexe,
			title: "Annexes", rows: field("Rows"), lotOwned: true, kind: "annexes", cols: []fieldDesc{
				sel("", "typologie", "Typologie", programme.TypologiesAnnexe),
				fd("", "logement_designation", "LogementDesignation", kindText),
				fd("", "logement_typologie", "LogementTypologie", kindText),
				fd("", "financement", "Financement", kindLots),
				fd("", "surface_hors_surface_retenue", "SurfaceHorsSurfaceRetenue", kindText),
				fd("", "loyer_par_metre_carre", "LoyerParMetreCarre", kindText),
				fd("", "loyer", "Loyer", kindText)}}}}
	case programme.StepStationnements:
		return stepDesc{tables: []tableDesc{{table: programme.TableStationnements, object: programme.ObjStationnement,
			title: "Stationnements", rows: field("Rows"), lotOwned: true, kind: "stationnements", cols: []fieldDesc{
				sel("", "typologie", "Typologie", programme.TypologiesStationnement),
				fd("", "financement", "Financement", kindLots),
				fd("", "nb_stationnements", "NbStationnements", kindNumber),
				fd("", "loyer", "Loyer", kindText)}}}}
	case programme.StepCollectif:
		return stepDesc{lots: &lotsDesc{fields: []fieldDesc{
			fd(lot, "foyer_residence_nb_garage_parking", "FoyerResidenceNbGarageParking", kindNumber),
			fd(lot, "foyer_residence_dependance", "FoyerResidenceDependance", kindTextarea),
			fd(lot, "foyer_residence_locaux_hors_convention", "FoyerResidenceLocauxHorsConvention", kindTextarea),
		}}, tables: []tableDesc{{table: programme.TableLocauxCollectifs, object: programme.ObjLocauxCollectifs,
			title: "Locaux collectifs", rows: field("Rows"), lotOwned: true, kind: "locaux_collectifs", cols: []fieldDesc{
				fd("", "type_local", "TypeLocal", kindText), fd("", "financement", "Financement", kindLots),
				fd("", "surface_habitable", "SurfaceHabitable", kindText), fd("", "nombre", "Nombre", kindNumber)}}}}
	case programme.StepFoyerAttribution, programme.StepResidenceAttribution:
		common := groupDesc{title: "Réservations", fields: []fieldDesc{
			fd(cv, "attribution_reservation_prefectorale", "ReservationPrefectorale", kindNumber),
			fd(cv, "attribution_modalites_reservations", "ModalitesReservations", kindTextarea),
			fd(cv, "attribution_modalites_choix_personnes", "ModalitesChoixPersonnes", kindTextarea),
			fd(cv, "attribution_prestations_integrees", "PrestationsIntegrees", kindTextarea),
			fd(cv, "attribution_prestations_facultatives", "PrestationsFacultatives", kindTextarea),
		}}
		if s == programme.StepResidenceAttribution {
			return stepDesc{groups: []groupDesc{{title: "Type de résidence", fields: []fieldDesc{
				fd(cv, "attribution_residence_sociale_ordinaire", "ResidenceSocialeOrdinaire", kindCheckbox),
				fd(cv, "attribution_pension_de_famille", "PensionDeFamille", kindCheckbox),
				fd(cv, "attribution_residence_accueil", "ResidenceAccueil", kindCheckbox),
			}}, common}}
		}
		return stepDesc{groups: []groupDesc{
			{title: "Public accueilli", fields: []fieldDesc{{name: "attribution_type", gof: "Type", kind: kindRadio, object: cv, choices: programme.AttributionTypesFoyer}}},
			{title: "Personnes âgées", fields: []fieldDesc{
				fd(cv, "attribution_agees_autonomie", "AgeesAutonomie", kindCheckbox),
				fd(cv, "attribution_agees_ephad", "AgeesEphad", kindCheckbox),
				fd(cv, "attribution_agees_desorientees", "AgeesDesorientees", kindCheckbox),
				fd(cv, "attribution_agees_petite_unite", "AgeesPetiteUnite", kindCheckbox),
				fd(cv, "attribution_agees_autre", "AgeesAutre", kindCheckbox),
				fd(cv, "attribution_agees_autre_detail", "AgeesAutreDetail", kindText)}},
			{title: "Personnes handicapées", fields: []fieldDesc{
				fd(cv, "attribution_handicapes_foyer", "HandicapesFoyer", kindCheckbox),
				fd(cv, "attribution_handicapes_foyer_de_vie", "HandicapesFoyerDeVie", kindCheckbox),
				fd(cv, "attribution_handicapes_foyer_medicalise", "HandicapesFoyerMedicalise", kindCheckbox),
				fd(cv, "attribution_handicapes_autre", "HandicapesAutre", kindCheckbox),
				fd(cv, "attribution_handicapes_autre_detail", "HandicapesAutreDetail", kindText)}},
			{title: "Habitat inclusif", fields: []fieldDesc{
				fd(cv, "attribution_inclusif_conditions_specifiques", "InclusifConditionsSpecifiques", kindTextarea),
				fd(cv, "attribution_inclusif_conditions_admission", "InclusifConditionsAdmission", kindTextarea),
				fd(cv, "attribution_inclusif_modalites_attribution", "InclusifModalitesAttribution", kindTextarea),
				fd(cv, "attribution_inclusif_partenariats", "InclusifPartenariats", kindTextarea),
				fd(cv, "attribution_inclusif_activites", "InclusifActivites", kindTextarea)}},
			common,
		}}
	case programme.StepVariantes:
		return stepDesc{groups: []groupDesc{{title: "Variantes", fields: []fieldDesc{
			fd(cv, "foyer_residence_variante_1", "Variante1", kindCheckbox),
			fd(cv, "foyer_residence_variante_2", "Variante2", kindCheckbox),
			fd(cv, "foyer_residence_variante_2_travaux", "Variante2Travaux", kindTextarea),
			fd(cv, "foyer_residence_variante_2_nb_tranches", "Variante2NbTranches", kindNumber),
			fd(cv, "foyer_residence_variante_2_nb_annees", "Variante2NbAnnees", kindNumber),
			fd(cv, "foyer_residence_variante_3", "Variante3", kindCheckbox),
		}}}}
	case programme.StepCommentaires:
		return stepDesc{groups: []groupDesc{{fields: []fieldDesc{fd(cv, "commentaires", "Commentaires", kindTextFiles)}}}}
	case programme.StepChampLibre:
		return stepDesc{groups: []groupDesc{{fields: []fieldDesc{fd(cv, "champ_libre_avenant", "ChampLibreAvenant", kindTextarea)}}}}
	}
	return stepDesc{}
}

// logementsTable is the table of one kind of logements.
func logementsTable(k programme.Kind) tableDesc {
	cols := []fieldDesc{
		fd("", "designation", "Designation", kindText),
		sel("", "typologie", "Typologie", programme.TypologiesLogementForm),
		fd("", "financement", "Financement", kindLots),
		fd("", "surface_habitable", "SurfaceHabitable", kindText),
	}
	if k.Corrigee() {
		cols = append(cols, fd("", "surface_corrigee", "SurfaceCorrigee", kindText))
	} else {
		cols = append(cols, fd("", "surface_annexes", "SurfaceAnnexes", kindText),
			fd("", "surface_annexes_retenue", "SurfaceAnnexesRetenue", kindText),
			fd("", "surface_utile", "SurfaceUtile", kindText))
	}
	if k.AvecLoyer() {
		cols = append(cols, fd("", "loyer_par_metre_carre", "LoyerParMetreCarre", kindText),
			fd("", "coeficient", "Coeficient", kindText), fd("", "loyer", "Loyer", kindText))
	}
	kinds := map[programme.Kind]string{programme.KindAvecLoyer: "logements", programme.KindSansLoyer: "logements_sans_loyer",
		programme.KindCorrigeeAvecLoyer: "logements_corrigee", programme.KindCorrigeeSansLoyer: "logements_corrigee_sans_loyer"}
	return tableDesc{table: k.Table(), object: k.Object(), title: k.Label(), lotOwned: true, kind: kinds[k], cols: cols,
		rows: func(v reflect.Value) reflect.Value { return v.FieldByName("Tables").Index(int(k)) }}
}

// Reflection helpers over an addressable Input (or row) value.

func getString(v reflect.Value, gof string) string {
	f := v.FieldByName(gof)
	if f.Kind() == reflect.String {
		return f.String()
	}
	return ""
}

func getBool(v reflect.Value, gof string) bool {
	f := v.FieldByName(gof)
	return f.Kind() == reflect.Bool && f.Bool()
}

func setValue(v reflect.Value, d fieldDesc, posted string, present bool) {
	f := v.FieldByName(d.gof)
	switch f.Kind() {
	case reflect.String:
		f.SetString(posted)
	case reflect.Bool:
		f.SetBool(present && posted != "" && posted != "0" && posted != "false")
	}
}
