package programme

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Field is one field of the convention's form: the object it belongs to
// (the comment's nom_objet: "programme", "convention", "lot", "logement"…),
// its column (the comment's champ_objet), the label shown beside the
// input, and the description used out of context (the list of open
// comments, messages), when the label alone would be ambiguous.
type Field struct {
	Object      string
	Name        string
	Label       string
	Description string
}

// Describe is the description, or the label when there is none.
func (f Field) Describe() string {
	if f.Description != "" {
		return f.Description
	}
	return f.Label
}

// Objects of the form, as stored in comments_comment.nom_objet, and the
// label pseudo-objects of the tables whose columns read differently.
const (
	ObjBailleur                  = "bailleur"
	ObjProgramme                 = "programme"
	ObjConvention                = "convention"
	ObjLot                       = "lot"
	ObjLogement                  = "logement"                      // surface utile avec loyers
	ObjLogementSansLoyer         = "logements_sans_loyer"          // surface utile sans loyers
	ObjLogementCorrigee          = "logements_corrigee"            // surface corrigée avec loyers
	ObjLogementCorrigeeSansLoyer = "logements_corrigee_sans_loyer" // surface corrigée sans loyers
	ObjLogementFoyerResidence    = "foyer_residence_logement"      // labels only; comments use "logement"
	ObjAnnexe                    = "annexe"
	ObjStationnement             = "type_stationnement"
	ObjLocauxCollectifs          = "locaux_collectifs"
	ObjPret                      = "pret"
	ObjReferenceCadastrale       = "reference_cadastrale"
	ObjLogementEDD               = "logement_edd"
)

// objectLabels are the labels of the tables (and of the objects commented
// as a whole): a comment on a table row or on the table falls back here.
var objectLabels = map[string]string{
	ObjBailleur:                  "Bailleur",
	ObjProgramme:                 "Opération",
	ObjConvention:                "Convention",
	ObjLot:                       "Lot",
	ObjLogement:                  "Tableau des logements en surface utile avec loyers",
	ObjLogementSansLoyer:         "Tableau des logements en surface utile sans loyers",
	ObjLogementCorrigee:          "Tableau des logements en surface corrigée avec loyers",
	ObjLogementCorrigeeSansLoyer: "Tableau des logements en surface corrigée sans loyers",
	ObjLogementFoyerResidence:    "Tableau des logements du foyer ou de la résidence",
	ObjAnnexe:                    "Tableau des annexes",
	ObjStationnement:             "Tableau des stationnements",
	ObjLocauxCollectifs:          "Tableau des locaux collectifs",
	ObjPret:                      "Tableau des prêts et financements",
	ObjReferenceCadastrale:       "Tableau des références cadastrales",
	ObjLogementEDD:               "Tableau de l'EDD simplifié",
}

// ObjectLabel is the label of an object or table; "" when unknown.
func ObjectLabel(object string) string { return objectLabels[object] }

// Fields is the field catalogue: every field of every step.
var Fields = []Field{
	// Bailleur (read on the Bailleur step, edited elsewhere).
	{ObjBailleur, "uuid", "Bailleur", "Choix du bailleur"},
	{ObjBailleur, "nom", "Nom", "Nom du bailleur"},
	{ObjBailleur, "siret", "SIRET", "SIRET du bailleur"},
	{ObjBailleur, "siren", "SIREN", "SIREN du bailleur"},
	{ObjBailleur, "adresse", "Adresse", "Adresse du bailleur"},
	{ObjBailleur, "code_postal", "Code postal", "Code postal du bailleur"},
	{ObjBailleur, "ville", "Ville", "Ville du bailleur"},
	{ObjBailleur, "capital_social", "Capital social", "Capital social du bailleur"},
	{ObjBailleur, "signataire_nom", "Nom du signataire", "Nom du signataire du bailleur"},
	{ObjBailleur, "signataire_fonction", "Fonction du signataire", "Fonction du signataire du bailleur"},
	{ObjBailleur, "signataire_date_deliberation", "Date de délibération", "Date de délibération du signataire du bailleur"},
	{ObjBailleur, "signataire_bloc_signature", "Bloc signature", "Bloc signature du signataire du bailleur"},

	// Convention: Bailleur step (signataire, gestionnaire).
	{ObjConvention, "signataire_nom", "Nom du signataire", "Nom du signataire de la convention"},
	{ObjConvention, "signataire_fonction", "Fonction du signataire", "Fonction du signataire de la convention"},
	{ObjConvention, "signataire_date_deliberation", "Date de délibération", "Date de délibération du signataire de la convention"},
	{ObjConvention, "signataire_bloc_signature", "Bloc signature", "Bloc signature du signataire de la convention"},
	{ObjConvention, "identification_bailleur", "Identification du bailleur personnalisée", ""},
	{ObjConvention, "identification_bailleur_detail", "Détail de l'identification du bailleur", ""},
	{ObjConvention, "gestionnaire", "Entreprise gestionnaire", ""},
	{ObjConvention, "gestionnaire_signataire_nom", "Nom du signataire du gestionnaire", ""},
	{ObjConvention, "gestionnaire_signataire_fonction", "Fonction du signataire du gestionnaire", ""},
	{ObjConvention, "gestionnaire_signataire_date_deliberation", "Date de délibération du signataire du gestionnaire", ""},
	{ObjConvention, "gestionnaire_signataire_bloc_signature", "Bloc signature du signataire du gestionnaire", ""},
	{ObjConvention, "gestionnaire_bloc_info_complementaire", "Informations complémentaires sur le gestionnaire", ""},
	// Convention: Opération step.
	{ObjConvention, "adresse", "Adresse", "Adresse de l'opération"},
	// Convention: Financement step.
	{ObjConvention, "annee_fin_conventionnement", "Année de fin de conventionnement", "Date de fin de la convention"},
	{ObjConvention, "date_fin_conventionnement", "Date de fin de conventionnement", ""},
	{ObjConvention, "fond_propre", "Fonds propres", "Fonds propres finançant l'opération"},
	{ObjConvention, "historique_financement_public", "Historique de financement public", ""},
	// Convention: Commentaires and Champ libre steps.
	{ObjConvention, "commentaires", "Commentaires à l'attention de l'instructeur", ""},
	{ObjConvention, "comments", "Commentaires à l'attention de l'instructeur", ""}, // the reference's comment key
	{ObjConvention, "attached", "Fichiers à joindre à la convention", ""},
	{ObjConvention, "champ_libre_avenant", "Champ libre de l'avenant", ""},
	// Convention: récapitulatif (Type I / Type II, numbers).
	{ObjConvention, "numero", "Numéro de convention", ""},
	// Convention: ajout simplifié of a convention signed outside APiLos.
	{ObjConvention, "annee_signature", "Année de signature", "Année de signature de la convention"},
	{ObjConvention, "nom_fichier_signe", "Convention signée (PDF)", "Document de la convention signée"},
	// Avenant signed outside APiLos (ajout simplifié, step 3).
	{ObjConvention, "numero_avenant", "Numéro de l'avenant", ""},
	{ObjConvention, "nom_fichier_signe_avenant", "Avenant signé (PDF)", "Document de l'avenant signé"},
	{ObjConvention, "type1and2", "Type de convention", "Sélection du type I ou II de la convention"},
	{ObjConvention, "type2_lgts_concernes_option1", "Option 1", "Option 1 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option2", "Option 2", "Option 2 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option3", "Option 3", "Option 3 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option4", "Option 4", "Option 4 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option5", "Option 5", "Option 5 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option6", "Option 6", "Option 6 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option7", "Option 7", "Option 7 des conventions de type II"},
	{ObjConvention, "type2_lgts_concernes_option8", "Option 8", "Option 8 des conventions de type II"},
	// Convention: Attribution step.
	{ObjConvention, "attribution_type", "Type de foyer", "Public accueilli par le foyer"},
	{ObjConvention, "attribution_reservation_prefectorale", "Part de réservations préfectorales", "Part de réservations préfectorales (%)"},
	{ObjConvention, "attribution_reservation_prefectoral", "Part de réservations préfectorales", ""}, // the reference's comment key
	{ObjConvention, "attribution_modalites_reservations", "Modalités de gestion des réservations", ""},
	{ObjConvention, "attribution_modalites_choix_personnes", "Modalités de choix des personnes accueillies", ""},
	{ObjConvention, "attribution_prestations_integrees", "Prestations intégrées dans la redevance (liste)", ""},
	{ObjConvention, "attribution_prestations_facultatives", "Prestations facultatives (liste)", ""},
	{ObjConvention, "attribution_agees_autonomie", "Résidence autonomie", ""},
	{ObjConvention, "attribution_agees_ephad", "Établissement hébergeant des personnes âgées dépendantes (EHPAD)", ""},
	{ObjConvention, "attribution_agees_desorientees", "Unité pour personnes désorientées (unités Alzheimer, ...)", ""},
	{ObjConvention, "attribution_agees_petite_unite", "Petite unité de vie (établissement de moins de 25 places autorisées)", ""},
	{ObjConvention, "attribution_agees_autre", "Autres [préciser]", "Autre établissement pour personnes âgées"},
	{ObjConvention, "attribution_agees_autre_detail", "Autre établissement pour personnes âgées (précisez)", ""},
	{ObjConvention, "attribution_handicapes_foyer", "Foyer", "Foyer pour personnes handicapées"},
	{ObjConvention, "attribution_handicapes_foyer_de_vie", "Foyer de vie ou occupationnel", ""},
	{ObjConvention, "attribution_handicapes_foyer_medicalise", "Foyer d'accueil médicalisé", ""},
	{ObjConvention, "attribution_handicapes_autre", "Autres [préciser]", "Autre établissement pour personnes handicapées"},
	{ObjConvention, "attribution_handicapes_autre_detail", "Autre établissement pour personnes handicapées (précisez)", ""},
	{ObjConvention, "attribution_inclusif_conditions_specifiques", "Conditions spécifiques d'accueil", ""},
	{ObjConvention, "attribution_inclusif_conditions_admission", "Conditions d'admission dans l'habitat inclusif", ""},
	{ObjConvention, "attribution_inclusif_modalites_attribution", "Modalités d'attribution", ""},
	{ObjConvention, "attribution_inclusif_partenariats", "Partenariats concourant à la mise en œuvre du projet de vie sociale et partagée", ""},
	{ObjConvention, "attribution_inclusif_activites", "Activités proposées à l'ensemble des résidents dans le cadre du projet de vie sociale et partagée", ""},
	{ObjConvention, "attribution_residence_sociale_ordinaire", "Résidence sociale ordinaire", ""},
	{ObjConvention, "attribution_pension_de_famille", "Pension de famille", ""},
	{ObjConvention, "attribution_residence_accueil", "Résidence accueil", ""},
	// Convention: Variantes step.
	{ObjConvention, "foyer_residence_variante_1", "Variante 1", ""},
	{ObjConvention, "foyer_residence_variante_2", "Variante 2", ""},
	{ObjConvention, "foyer_residence_variante_2_travaux", "Travaux de la variante 2", ""},
	{ObjConvention, "foyer_residence_variante_2_nb_tranches", "Nombre de tranches de la variante 2", ""},
	{ObjConvention, "foyer_residence_variante_2_nb_annees", "Nombre d'années de la variante 2", ""},
	{ObjConvention, "foyer_residence_variante_3", "Variante 3", ""},
	{ObjConvention, "foyer_variante_1", "Variante 1", ""}, // the reference's comment keys
	{ObjConvention, "foyer_variante_2", "Variante 2", ""},
	{ObjConvention, "foyer_variante_2_travaux", "Travaux de la variante 2", ""},
	{ObjConvention, "foyer_variante_3", "Variante 3", ""},
	// Convention: dénonciation and résiliation.
	{ObjConvention, "date_denonciation", "Date de dénonciation", ""},
	{ObjConvention, "motif_denonciation", "Motif de la dénonciation", ""},
	{ObjConvention, "fichier_instruction_denonciation", "Acte authentique/administratif", "Acte de la dénonciation"},
	{ObjConvention, "date_resiliation", "Date de résiliation", ""},
	{ObjConvention, "motif_resiliation", "Motif de la résiliation", ""},
	{ObjConvention, "fichier_instruction_resiliation", "Acte administratif (arrêté)", "Acte de la résiliation"},

	// Programme: Opération step.
	{ObjProgramme, "nom", "Nom de l'opération", ""},
	{ObjProgramme, "numero_operation", "Numéro d'opération", ""},
	{ObjProgramme, "adresse", "Adresse", "Adresse de l'opération"},
	{ObjProgramme, "code_postal", "Code postal", "Code postal de l'opération"},
	{ObjProgramme, "ville", "Ville", "Ville de l'opération"},
	{ObjProgramme, "nature_logement", "Nature des logements", ""},
	{ObjProgramme, "type_habitat", "Type d'habitat", "Type d'habitat de l'opération"},
	{ObjProgramme, "type_operation", "Type d'opération", ""},
	{ObjProgramme, "anru", "Opération ANRU", "Option ANRU de l'opération"},
	{ObjProgramme, "anah", "Opération ANAH", "Option ANAH de l'opération"},
	{ObjProgramme, "seconde_vie", "Seconde vie", "Opération financée en seconde vie"},
	{ObjProgramme, "nb_locaux_commerciaux", "Nombre de locaux commerciaux", "Nombre de locaux commerciaux de l'opération"},
	{ObjProgramme, "nb_bureaux", "Nombre de bureaux", "Nombre de bureaux de l'opération"},
	{ObjProgramme, "autres_locaux_hors_convention", "Autres locaux hors convention", "Autres locaux de l'opération hors convention"},
	{ObjProgramme, "nb_logements", "Nombre de logements à conventionner", ""}, // the reference's comment key
	{ObjProgramme, "administration", "Administration", "Administration instructrice"},
	{ObjProgramme, "zone_123", "Zone 1/2/3", ""},
	{ObjProgramme, "zone_abc", "Zone A/B/C", ""},
	// Programme: Cadastre step.
	{ObjProgramme, "permis_construire", "Numéro de permis de construire", "Permis de construire de l'opération"},
	{ObjProgramme, "date_acte_notarie", "Date de l'acte notarié", "Date de l'acte notarié de l'opération"},
	{ObjProgramme, "date_achevement_previsible", "Date d'achèvement prévisible", "Date d'achèvement prévisible de l'opération"},
	{ObjProgramme, "date_achat", "Date d'achat", "Date d'achat telle qu'indiquée sur l'acte notarié"},
	{ObjProgramme, "date_achevement", "Date d'achèvement", "Date d'achèvement ou d'obtention du certificat de conformité de l'opération"},
	{ObjProgramme, "date_achevement_compile", "Date de livraison", ""},
	{ObjProgramme, "date_autorisation_hors_habitat_inclusif", "Date d'autorisation hors habitat inclusif", ""},
	{ObjProgramme, "date_convention_location", "Date de la convention de location", ""},
	{ObjProgramme, "date_residence_argement_gestionnaire_intermediation", "Date de l'agrément du gestionnaire en intermédiation locative", ""},
	{ObjProgramme, "departement_residence_argement_gestionnaire_intermediation", "Département de l'agrément du gestionnaire en intermédiation locative", ""},
	{ObjProgramme, "ville_signature_residence_agrement_gestionnaire_intermediation", "Ville de signature de l'agrément du gestionnaire en intermédiation locative", ""},
	{ObjProgramme, "vendeur", "Vendeur", "Vendeur tel qu'indiqué sur l'acte notarié"},
	{ObjProgramme, "acquereur", "Acquéreur", "Acquéreur tel qu'indiqué sur l'acte notarié"},
	{ObjProgramme, "reference_notaire", "Référence du notaire", "Référence du notaire telle qu'indiquée sur l'acte notarié"},
	{ObjProgramme, "reference_publication_acte", "Référence de publication de l'acte", "Référence de publication de l'acte notarié"},
	{ObjProgramme, "acte_de_propriete", "Acte de propriété ou acte notarial", ""},
	{ObjProgramme, "effet_relatif", "Effet relatif", "Effet relatif de l'opération"},
	{ObjProgramme, "certificat_adressage", "Certificat d'adressage ou autres", ""},
	{ObjProgramme, "reference_cadastrale", "Références cadastrales (documents)", "Références cadastrales de l'opération"},
	// Programme: EDD step.
	{ObjProgramme, "edd_volumetrique", "EDD volumétrique", ""},
	{ObjProgramme, "mention_publication_edd_volumetrique", "Mention de publication de l'EDD volumétrique", ""},
	{ObjProgramme, "edd_classique", "EDD classique", ""},
	{ObjProgramme, "mention_publication_edd_classique", "Mention de publication de l'EDD classique", ""},
	{ObjProgramme, "edd_stationnements", "EDD stationnements", ""},

	// Lot: Logements, Annexes and Collectif steps.
	{ObjLot, "financement", "Financement", "Financement du lot"},
	{ObjLot, "nb_logements", "Nombre de logements à conventionner", ""},
	{ObjLot, "type_habitat", "Type d'habitat", ""},
	{ObjLot, "lgts_mixite_sociale_negocies", "Nombre de logements à louer en plus à des ménages dont les ressources n'excèdent pas le plafond PLAI", "Option de mixité sociale négociée"},
	{ObjLot, "loyer_derogatoire", "Loyer dérogatoire", "Loyer dérogatoire des logements"},
	{ObjLot, "surface_habitable_totale", "Surface habitable totale", ""},
	{ObjLot, "surface_locaux_collectifs_residentiels", "Surface des locaux collectifs résidentiels", ""},
	{ObjLot, "loyer_associations_foncieres", "Loyer des associations foncières", "Loyer maximum des associations foncières et de leurs filiales"},
	{ObjLot, "annexe_caves", "Caves", "Option caves dans les annexes"},
	{ObjLot, "annexe_soussols", "Sous-sols", "Option sous-sols dans les annexes"},
	{ObjLot, "annexe_remises", "Remises", "Option remises dans les annexes"},
	{ObjLot, "annexe_ateliers", "Ateliers", "Option ateliers dans les annexes"},
	{ObjLot, "annexe_sechoirs", "Séchoirs", "Option séchoirs dans les annexes"},
	{ObjLot, "annexe_celliers", "Celliers extérieurs au logement", "Option celliers extérieurs au logement dans les annexes"},
	{ObjLot, "annexe_resserres", "Resserres", "Option resserres dans les annexes"},
	{ObjLot, "annexe_combles", "Combles et greniers aménageables", "Option combles et greniers aménageables dans les annexes"},
	{ObjLot, "annexe_balcons", "Balcons", "Option balcons dans les annexes"},
	{ObjLot, "annexe_loggias", "Loggias et Vérandas", "Option loggias et vérandas dans les annexes"},
	{ObjLot, "annexe_terrasses", "Terrasses", "Option terrasses dans les annexes"},
	{ObjLot, "foyer_residence_nb_garage_parking", "Garages et/ou parkings (nombre)", ""},
	{ObjLot, "foyer_residence_dependance", "Dépendances (nombre et surface)", ""},
	{ObjLot, "foyer_residence_locaux_hors_convention", "Locaux auxquels ne s'applique pas la convention (liste)", ""},
	{ObjLot, "edd_volumetrique", "EDD volumétrique", "EDD volumétrique (ancien emplacement)"},
	{ObjLot, "edd_classique", "EDD classique", "EDD classique (ancien emplacement)"},

	// Logements, surface utile avec loyers.
	{ObjLogement, "designation", "Désignation", "Désignation du logement"},
	{ObjLogement, "typologie", "Type", "Type du logement"},
	{ObjLogement, "financement", "Financement", "Financement du logement"},
	{ObjLogement, "surface_habitable", "Surface habitable", ""},
	{ObjLogement, "surface_annexes", "Surface des annexes réelle", ""},
	{ObjLogement, "surface_annexes_retenue", "Surface des annexes retenue dans la SU", ""},
	{ObjLogement, "surface_utile", "Surface utile", ""},
	{ObjLogement, "loyer_par_metre_carre", "Loyer maximum en € par m² de surface utile", ""},
	{ObjLogement, "coeficient", "Coefficient propre au logement", ""},
	{ObjLogement, "loyer", "Loyer maximum du logement en €", ""},
	// Surface utile sans loyers (avenants).
	{ObjLogementSansLoyer, "designation", "Désignation", "Désignation du logement"},
	{ObjLogementSansLoyer, "typologie", "Type", "Type du logement"},
	{ObjLogementSansLoyer, "financement", "Financement", "Financement du logement"},
	{ObjLogementSansLoyer, "surface_habitable", "Surface habitable", ""},
	{ObjLogementSansLoyer, "surface_annexes", "Surface des annexes réelle", ""},
	{ObjLogementSansLoyer, "surface_annexes_retenue", "Surface des annexes retenue dans la SU", ""},
	{ObjLogementSansLoyer, "surface_utile", "Surface utile", ""},
	// Surface corrigée avec loyers (avenants).
	{ObjLogementCorrigee, "designation", "Désignation", "Désignation du logement"},
	{ObjLogementCorrigee, "typologie", "Type", "Type du logement"},
	{ObjLogementCorrigee, "financement", "Financement", "Financement du logement"},
	{ObjLogementCorrigee, "surface_habitable", "Surface habitable", ""},
	{ObjLogementCorrigee, "surface_corrigee", "Surface corrigée", ""},
	{ObjLogementCorrigee, "loyer_par_metre_carre", "Loyer maximum en € par m² de surface corrigée", ""},
	{ObjLogementCorrigee, "coeficient", "Coefficient propre au logement", ""},
	{ObjLogementCorrigee, "loyer", "Loyer maximum du logement en €", ""},
	// Surface corrigée sans loyers (avenants).
	{ObjLogementCorrigeeSansLoyer, "designation", "Désignation", "Désignation du logement"},
	{ObjLogementCorrigeeSansLoyer, "typologie", "Type", "Type du logement"},
	{ObjLogementCorrigeeSansLoyer, "financement", "Financement", "Financement du logement"},
	{ObjLogementCorrigeeSansLoyer, "surface_habitable", "Surface habitable", ""},
	{ObjLogementCorrigeeSansLoyer, "surface_corrigee", "Surface corrigée", ""},
	// Foyer and résidence logements.
	{ObjLogementFoyerResidence, "designation", "Numéro du logement", ""},
	{ObjLogementFoyerResidence, "typologie", "Type", "Type du logement"},
	{ObjLogementFoyerResidence, "financement", "Financement", "Financement du logement"},
	{ObjLogementFoyerResidence, "surface_habitable", "Surface habitable", ""},
	{ObjLogementFoyerResidence, "loyer", "Redevance maximale", ""},

	// Annexes.
	{ObjAnnexe, "typologie", "Type d'annexe", ""},
	{ObjAnnexe, "financement", "Financement", "Financement du logement de l'annexe"},
	{ObjAnnexe, "logement_designation", "Désignation du logement", ""},
	{ObjAnnexe, "logement_typologie", "Typologie du logement", ""},
	{ObjAnnexe, "surface_hors_surface_retenue", "Surface de l'annexe", ""},
	{ObjAnnexe, "loyer_par_metre_carre", "Loyer unitaire en €", ""},
	{ObjAnnexe, "loyer", "Loyer maximum en €", "Loyer maximum de l'annexe en €"},
	// Stationnements.
	{ObjStationnement, "typologie", "Type de stationnement", ""},
	{ObjStationnement, "financement", "Financement", "Financement du stationnement"},
	{ObjStationnement, "nb_stationnements", "Nombre de stationnements", ""},
	{ObjStationnement, "loyer", "Loyer maximum en €", "Loyer maximum du stationnement en €"},
	// Locaux collectifs.
	{ObjLocauxCollectifs, "type_local", "Type de local", ""},
	{ObjLocauxCollectifs, "surface_habitable", "Surface habitable", "Surface habitable du local collectif"},
	{ObjLocauxCollectifs, "nombre", "Nombre", "Nombre de locaux collectifs"},
	// Prêts.
	{ObjPret, "numero", "Numéro", "Numéro du prêt"},
	{ObjPret, "financement", "Financement", "Financement du prêt"},
	{ObjPret, "preteur", "Prêteur", "Organisme financeur"},
	{ObjPret, "autre", "Préciser le prêteur", "Identité de l'organisme financeur"},
	{ObjPret, "date_octroi", "Date d'octroi", "Date d'octroi du prêt"},
	{ObjPret, "duree", "Durée (en années)", "Durée du prêt"},
	{ObjPret, "montant", "Montant (en €)", "Montant du prêt"},
	// Références cadastrales.
	{ObjReferenceCadastrale, "section", "Section", "Section cadastrale"},
	{ObjReferenceCadastrale, "numero", "Numéro", "Numéro de parcelle"},
	{ObjReferenceCadastrale, "lieudit", "Lieu-dit", ""},
	{ObjReferenceCadastrale, "surface", "Surface", "Surface de la parcelle"},
	{ObjReferenceCadastrale, "autre", "Autre", "Autre information cadastrale"},
	// EDD simplifié.
	{ObjLogementEDD, "designation", "Désignation des logements", ""},
	{ObjLogementEDD, "financement", "Financement", "Financement dans l'EDD simplifié"},
	{ObjLogementEDD, "numero_lot", "Numéro de lot", "Numéro de lot des logements"},
}

var fieldIndex = func() map[string]Field {
	m := make(map[string]Field, len(Fields))
	for _, f := range Fields {
		m[f.Object+"__"+f.Name] = f
	}
	return m
}()

// FieldOf returns the catalogue entry of (object, name).
func FieldOf(object, name string) (Field, bool) {
	f, ok := fieldIndex[object+"__"+name]
	return f, ok
}

// FieldLabel is the label shown beside the input of (object, name). A
// field missing from the catalogue gets a readable label made from its
// name, never the raw column name.
func FieldLabel(object, name string) string {
	if f, ok := FieldOf(object, name); ok {
		return f.Label
	}
	return humanise(name)
}

// CommentLabel is the human label of a comment's target
// (<nom_objet>__<champ_objet>, spec workflows §5): the field's
// description, then the label of the object or table (a comment on a
// table or on one of its rows), then a readable label made from the
// names. It never returns a technical name.
func CommentLabel(nomObjet, champObjet string) string {
	if f, ok := FieldOf(nomObjet, champObjet); ok {
		return f.Describe()
	}
	if l := ObjectLabel(nomObjet); l != "" {
		return l
	}
	switch {
	case nomObjet == "" && champObjet == "":
		return "Champ du formulaire"
	case champObjet == "":
		return humanise(nomObjet)
	case nomObjet == "":
		return humanise(champObjet)
	}
	return humanise(nomObjet) + " : " + lowerFirst(humanise(champObjet))
}

// humanise turns a column name into words: "nb_locaux" → "Nb locaux".
func humanise(name string) string {
	s := strings.TrimSpace(strings.ReplaceAll(name, "_", " "))
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "Champ du formulaire"
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// describe is the description of (object, name) out of context.
func describe(object, name string) string {
	if f, ok := FieldOf(object, name); ok {
		return f.Describe()
	}
	return humanise(name)
}
