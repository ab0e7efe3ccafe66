package convention

// Avenant types (conventions_avenanttype.nom): the 14 blocks.
const (
	TypeBailleur             = "bailleur"
	TypeLogements            = "logements"
	TypeDuree                = "duree"
	TypeCommentaires         = "commentaires"
	TypeProgramme            = "programme"
	TypeChampLibre           = "champ_libre"
	TypeDenonciation         = "denonciation"
	TypeResiliation          = "resiliation"
	TypeEDD                  = "edd"
	TypeResidenceAttribution = "residence_attribution"
	TypeFoyerAttribution     = "foyer_attribution"
	TypeVariantes            = "variantes"
	TypeStationnement        = "stationnement"
	TypeCadastre             = "cadastre"
)

// Child collections an avenant type may reset (table names).
const (
	collLogements        = "programmes_logement" // with their annexes
	collLocauxCollectifs = "programmes_locauxcollectifs"
	collPrets            = "conventions_pret"
	collStationnements   = "programmes_typestationnement"
	collLogementEDD      = "programmes_logementedd"
	collCadastre         = "programmes_referencecadastrale"
)

// TypeFields are the fields of one avenant block (data-model §11,
// AVENANT_TYPE_FIELDS_MAPPING), by owner.
type TypeFields struct {
	Convention        []string // conventions_convention columns
	Programme         []string // programmes_programme columns
	Lot               []string // programmes_lot columns, for every lot
	ProgrammeChildren []string // child tables of the programme
	LotChildren       []string // child tables of each lot
}

// FieldsOfType maps each avenant type to its fields; unknown names have
// none.
var FieldsOfType = map[string]TypeFields{
	TypeDenonciation: {Convention: []string{"date_denonciation", "motif_denonciation", "fichier_instruction_denonciation"}},
	TypeResiliation:  {},
	TypeLogements: {
		Lot: []string{"loyer_derogatoire", "surface_locaux_collectifs_residentiels", "loyer_associations_foncieres",
			"annexe_caves", "annexe_soussols", "annexe_remises", "annexe_ateliers", "annexe_sechoirs",
			"annexe_celliers", "annexe_resserres", "annexe_combles", "annexe_balcons", "annexe_loggias",
			"annexe_terrasses", "surface_habitable_totale", "foyer_residence_nb_garage_parking",
			"foyer_residence_dependance", "foyer_residence_locaux_hors_convention"},
		LotChildren: []string{collLogements, collLocauxCollectifs},
	},
	TypeChampLibre:   {Convention: []string{"champ_libre_avenant"}},
	TypeProgramme:    {Convention: []string{"adresse"}, Programme: []string{"nom"}},
	TypeCommentaires: {Convention: []string{"commentaires"}},
	TypeDuree: {
		Convention:  []string{"date_fin_conventionnement", "fond_propre", "historique_financement_public"},
		LotChildren: []string{collPrets},
	},
	TypeBailleur: {
		Programme: []string{"bailleur_id", "administration_id"},
		Convention: []string{"signataire_nom", "signataire_fonction", "signataire_date_deliberation",
			"signataire_bloc_signature", "gestionnaire", "gestionnaire_signataire_nom",
			"gestionnaire_signataire_fonction", "gestionnaire_signataire_date_deliberation"},
	},
	TypeEDD: {
		Programme: []string{"edd_volumetrique", "mention_publication_edd_volumetrique", "edd_classique",
			"mention_publication_edd_classique"},
		ProgrammeChildren: []string{collLogementEDD},
	},
	TypeResidenceAttribution: {Convention: []string{"attribution_residence_sociale_ordinaire",
		"attribution_pension_de_famille", "attribution_residence_accueil", "attribution_modalites_reservations",
		"attribution_modalites_choix_personnes", "attribution_prestations_integrees",
		"attribution_prestations_facultatives"}},
	TypeFoyerAttribution: {Convention: []string{"attribution_agees_autonomie", "attribution_agees_ephad",
		"attribution_agees_desorientees", "attribution_agees_petite_unite", "attribution_agees_autre",
		"attribution_agees_autre_detail", "attribution_handicapes_foyer", "attribution_handicapes_foyer_de_vie",
		"attribution_handicapes_foyer_medicalise", "attribution_handicapes_autre",
		"attribution_handicapes_autre_detail", "attribution_inclusif_conditions_specifiques",
		"attribution_inclusif_conditions_admission", "attribution_inclusif_modalites_attribution",
		"attribution_inclusif_partenariats", "attribution_inclusif_activites",
		"attribution_modalites_reservations", "attribution_modalites_choix_personnes",
		"attribution_prestations_integrees", "attribution_prestations_facultatives"}},
	TypeVariantes: {Convention: []string{"foyer_residence_variante_1", "foyer_residence_variante_2",
		"foyer_residence_variante_2_travaux", "foyer_residence_variante_2_nb_tranches",
		"foyer_residence_variante_2_nb_annees", "foyer_residence_variante_3"}},
	TypeStationnement: {LotChildren: []string{collStationnements}},
	TypeCadastre: {
		Programme: []string{"date_convention_location", "date_autorisation_hors_habitat_inclusif",
			"departement_residence_argement_gestionnaire_intermediation",
			"ville_signature_residence_agrement_gestionnaire_intermediation",
			"date_residence_argement_gestionnaire_intermediation", "date_achat", "date_acte_notarie",
			"date_achevement", "date_achevement_previsible", "vendeur", "acquereur", "reference_notaire",
			"reference_publication_acte", "reference_cadastrale"},
		ProgrammeChildren: []string{collCadastre},
	},
}
