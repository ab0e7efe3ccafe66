package demo

// Fictional organisations in real places: the communes, postcodes and
// INSEE codes are real (Bouches-du-Rhône, region 93), the names, SIRETs and
// street numbers are made up.

type commune struct {
	ville       string
	codePostal  string
	codeInsee   string
	departement string
	region      string
	zone123     string // Zone123 code
	zoneABC     string
	admin       int // index in administrations: the service that instructs there
	rues        []string
	lieuxdits   []string
}

const (
	adminMetropole = 0
	adminDDTM      = 1
)

var communes = []commune{
	{"Marseille", "13013", "13055", "13", "93", "2", "B1", adminMetropole,
		[]string{"chemin de Château-Gombert", "avenue de Frais-Vallon", "boulevard de la Grande Bastide"},
		[]string{"La Rose", "Château-Gombert", "Les Olives"}},
	{"Aix-en-Provence", "13090", "13001", "13", "93", "2", "A", adminMetropole,
		[]string{"avenue de Brédasque", "chemin de la Blaque", "rue Jean-Andréani"},
		[]string{"Jas de Bouffan", "La Blaque", "Encagnane"}},
	{"Aubagne", "13400", "13005", "13", "93", "2", "B1", adminMetropole,
		[]string{"avenue des Goums", "chemin de la Penne", "boulevard Lakanal"},
		[]string{"Les Passons", "La Tourtelle", "Le Charrel"}},
	{"Martigues", "13500", "13056", "13", "93", "2", "B1", adminMetropole,
		[]string{"avenue Louis Sammut", "chemin de Paradis", "quai Lucien Toulmond"},
		[]string{"Ferrières", "Jonquières", "Canto-Perdrix"}},
	{"La Ciotat", "13600", "13028", "13", "93", "2", "B1", adminMetropole,
		[]string{"avenue Émile Bodin", "boulevard Jean Jaurès", "chemin de la Garde"},
		[]string{"Abeille", "Fardeloup", "Le Jonquier"}},
	{"Vitrolles", "13127", "13117", "13", "93", "2", "B1", adminMetropole,
		[]string{"avenue de Marseille", "chemin du Griffon", "boulevard de l'Europe"},
		[]string{"Les Pins", "Le Liourat", "Les Vignettes"}},
	{"Arles", "13200", "13004", "13", "93", "3", "B2", adminDDTM,
		[]string{"avenue de Stalingrad", "chemin de Barriol", "rue Émile Fassin"},
		[]string{"Trébon", "Griffeuille", "Barriol"}},
	{"Tarascon", "13150", "13108", "13", "93", "3", "C", adminDDTM,
		[]string{"boulevard Victor Hugo", "chemin du Lavadou", "avenue de la République"},
		[]string{"Lavadou", "Ferrages", "Kilomètre Delta"}},
	{"Châteaurenard", "13160", "13027", "13", "93", "3", "B2", adminDDTM,
		[]string{"avenue Marcel Pagnol", "chemin de la Crau", "boulevard Genevet"},
		[]string{"La Crau", "Les Confignes", "Le Grand Mas"}},
}

type administration struct {
	nom, code, adresse, codePostal, ville string
	exemplaires                           int
	bloc                                  string
}

var administrations = []administration{
	{"Métropole Aix-Marseille-Provence", "13055", "58 boulevard Charles Livon", "13007", "Marseille", 2,
		"Pour la Présidente de la Métropole et par délégation,\nLe Directeur de l'Habitat"},
	{"DDTM des Bouches-du-Rhône", "DD013", "16 rue Antoine Zattara", "13003", "Marseille", 3,
		"Pour le Préfet et par délégation,\nLa Directrice départementale des territoires et de la mer"},
}

type bailleur struct {
	nom, sirenStem, adresse, codePostal, ville string
	nature, sousNature                         string
	capital                                    float64
	signataireNom, signataireFonction          string
	deliberation                               string
}

// Nature values are the stored labels; sous-natures the codes (§3).
const (
	natureHLM    = "HLM"
	natureSEM    = "SEM"
	natureAutres = "Autres bailleurs sociaux non HLM"
)

const (
	bailleurHLM = iota
	bailleurSEM
	bailleurAsso
)

var bailleurs = []bailleur{
	{"Habitat Calanques Méditerranée OPH", "27130042", "12 rue de la Joliette", "13002", "Marseille",
		natureHLM, "OFFICE_PUBLIC_HLM", 0, "Claire Roubaud", "Directrice générale", "2021-06-24"},
	{"Provence Logement SEM", "38492175", "4 cours Mirabeau", "13100", "Aix-en-Provence",
		natureSEM, "SEM_EPL", 4572000, "Olivier Pastré", "Président-directeur général", "2022-03-15"},
	{"Association Toit Solidaire Provence", "44861209", "27 rue du Docteur Fanton", "13200", "Arles",
		natureAutres, "ASSOCIATIONS", 0, "Nadia Benali", "Présidente", "2023-01-19"},
}

// luhnComplete appends the Luhn check digit that INSEE numbers (SIREN,
// SIRET) carry.
func luhnComplete(stem string) string {
	for d := byte('0'); d <= '9'; d++ {
		if s := stem + string(d); luhn(s) {
			return s
		}
	}
	panic("unreachable")
}

func luhn(s string) bool {
	sum := 0
	for i := 0; i < len(s); i++ {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// Rent ceilings per m² of surface utile by financement and zone 123
// (orders of magnitude of the 2024 national ceilings); each programme adds
// a local margin on top.
var loyerPlafond = map[string]map[string]int64{
	"PLAI":    {"1": 613, "2": 538, "3": 499},
	"PLUS":    {"1": 688, "2": 604, "3": 561},
	"PLUS_CD": {"1": 688, "2": 604, "3": 561},
	"PLS":     {"1": 1337, "2": 909, "3": 843},
}
