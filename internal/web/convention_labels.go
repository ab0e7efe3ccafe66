package web

// French labels of the codes shown on the convention pages (data-model
// §5–§9). Unknown codes are shown as stored.

var typeOperationLabels = map[string]string{
	"SANSOBJET": "Sans Objet", "NEUF": "Construction Neuve", "VEFA": "Construction Neuve > VEFA",
	"ACQUIS": "Acquisition", "ACQUISAMELIORATION": "Acquisition-Amélioration", "REHABILITATION": "Réhabilitation",
	"ACQUISSANSTRAVAUX": "Acquisition sans travaux", "SANSTRAVAUX": "Sans aide financière (sans travaux)",
	"USUFRUIT": "Usufruit",
}

var typeHabitatLabels = map[string]string{"MIXTE": "Mixte", "INDIVIDUEL": "Individuel", "COLLECTIF": "Collectif"}

var annexeLabels = map[string]string{"TERRASSE": "Terrasse", "JARDIN": "Jardin", "COUR": "Cour"}

var stationnementLabels = map[string]string{
	"GARAGE_AERIEN": "Garage aérien", "GARAGE_ENTERRE": "Garage enterré", "PLACE_STATIONNEMENT": "Place de stationnement",
	"PARKING_EXTERIEUR_PRIVATIF": "Parking extérieur privatif", "PARKING_SOUSSOL": "Parking en sous-sol ou en superstructure",
	"GARAGE_BOXE_SIMPLE": "Garage boxé simple", "GARAGE_BOXE_DOUBLE": "Garage boxé double",
	"EXTERIEUR_BOXE": "extérieur boxé", "SOUSSOL_BOXE": "en sous-sol boxé",
}

var preteurLabels = map[string]string{
	"ETAT": "Etat", "EPCI": "EPCI", "REGION": "Région", "VILLE": "Ville", "CDCF": "CDC pour le foncier",
	"CDCL": "CDC pour le logement", "COMMUNE": "Commune et action logement", "ANRU": "ANRU", "AUTRE": "Autre/Subventions",
}

// avenantTypeLabels are the titles of the avenant blocks.
var avenantTypeLabels = map[string]string{
	"bailleur": "Bailleur", "logements": "Logements", "duree": "Durée et financement", "commentaires": "Commentaires",
	"programme": "Opération", "champ_libre": "Champ libre", "denonciation": "Dénonciation", "resiliation": "Résiliation",
	"cadastre": "Cadastre", "edd": "État descriptif de division", "stationnement": "Stationnements",
	"foyer_attribution": "Attribution (foyer)", "residence_attribution": "Attribution (résidence)", "variantes": "Variantes",
}

func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	if code == "" {
		return "—"
	}
	return code
}
