package comment

// fieldLabels are the human descriptions of commented fields, by
// "nom_objet__champ_objet" (a part of the reference dictionary; others
// fall back on the object label).
var fieldLabels = map[string]string{
	"bailleur__nom":                            "Nom du bailleur",
	"bailleur__siret":                          "SIRET du bailleur",
	"bailleur__siren":                          "SIREN du bailleur",
	"bailleur__adresse":                        "Adresse du bailleur",
	"bailleur__code_postal":                    "Code postal du bailleur",
	"bailleur__ville":                          "Ville du bailleur",
	"bailleur__capital_social":                 "Capital social du bailleur",
	"bailleur__signataire_nom":                 "Nom du signataire de la convention",
	"bailleur__signataire_fonction":            "Fonction du signataire de la convention",
	"bailleur__signataire_date_deliberation":   "Date de délibération du signataire",
	"bailleur__signataire_bloc_signature":      "Bloc signature du signataire",
	"convention__signataire_nom":               "Nom du signataire de la convention",
	"convention__signataire_fonction":          "Fonction du signataire de la convention",
	"convention__gestionnaire":                 "Gestionnaire",
	"programme__nom":                           "Nom de l'opération",
	"programme__adresse":                       "Adresse de l'opération",
	"programme__code_postal":                   "Code postal de l'opération",
	"programme__ville":                         "Ville de l'opération",
	"programme__nb_locaux_commerciaux":         "Nombre de locaux commerciaux",
	"programme__nb_bureaux":                    "Nombre de bureaux",
	"programme__autres_locaux_hors_convention": "Autres locaux hors convention",
	"programme__type_operation":                "Type d'opération",
	"programme__anru":                          "Opération ANRU",
	"programme__permis_construire":             "Numéro de permis de construire",
	"programme__date_achevement_previsible":    "Date d'achèvement prévisible",
	"programme__date_achat":                    "Date d'achat",
	"programme__date_achevement":               "Date d'achèvement",
	"programme__vendeur":                       "Vendeur",
	"programme__acquereur":                     "Acquéreur",
	"programme__date_acte_notarie":             "Date de l'acte notarié",
	"programme__reference_notaire":             "Référence du notaire",
	"programme__reference_publication_acte":    "Référence de publication de l'acte",
	"programme__edd_volumetrique":              "EDD volumétrique",
	"programme__edd_classique":                 "EDD classique",
	"lot__nb_logements":                        "Nombre de logements",
	"lot__financement":                         "Financement",
	"lot__type_habitat":                        "Type d'habitat",
	"lot__loyer_derogatoire":                   "Loyer dérogatoire",
	"lot__surface_habitable_totale":            "Surface habitable totale",
	"convention__date_fin_conventionnement":    "Date de fin de conventionnement",
	"convention__fond_propre":                  "Fonds propres",
	"convention__commentaires":                 "Commentaires à l'attention de l'instructeur",
	"convention__champ_libre_avenant":          "Champ libre de l'avenant",
}

// objectLabels are the fallbacks per object.
var objectLabels = map[string]string{
	"logement":                      "Tableau des logements en surface utile avec loyers",
	"logements_sans_loyer":          "Tableau des logements en surface utile sans loyers",
	"logements_corrigee":            "Tableau des logements en surface corrigée avec loyers",
	"logements_corrigee_sans_loyer": "Tableau des logements en surface corrigée sans loyers",
	"annexe":                        "Tableau des annexes",
	"type_stationnement":            "Tableau des stationnements",
	"locaux_collectifs":             "Tableau des locaux collectifs",
	"pret":                          "Tableau des prêts",
	"reference_cadastrale":          "Tableau des références cadastrales",
	"logement_edd":                  "Tableau de l'état descriptif de division",
}

// FieldLabel describes a commented field: the fixed dictionary, then the
// object's label, then "nom_objet - champ_objet".
func FieldLabel(nomObjet, champObjet string) string {
	if l, ok := fieldLabels[nomObjet+"__"+champObjet]; ok {
		return l
	}
	if l, ok := objectLabels[nomObjet]; ok {
		return l
	}
	return nomObjet + " - " + champObjet
}
