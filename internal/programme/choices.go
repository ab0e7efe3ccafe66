package programme

import "strings"

// Choice is one code of a choice list and its French label.
type Choice struct {
	Code  string
	Label string
}

// List is an ordered choice list: the order is the order of the select.
type List []Choice

// Label is the French label of code. An unknown code (a historic value
// still stored in old rows) is shown as stored; the empty code has the
// empty label.
func (l List) Label(code string) string {
	for _, c := range l {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

// Has reports whether code belongs to the list.
func (l List) Has(code string) bool {
	for _, c := range l {
		if c.Code == code {
			return true
		}
	}
	return false
}

// CodeOf returns the code whose label is label (spreadsheets carry
// labels); false when no label matches exactly.
func (l List) CodeOf(label string) (string, bool) {
	for _, c := range l {
		if c.Label == label {
			return c.Code, true
		}
	}
	return "", false
}

// Codes lists the codes in order.
func (l List) Codes() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Code
	}
	return out
}

// Labels lists the labels in order.
func (l List) Labels() []string {
	out := make([]string, len(l))
	for i, c := range l {
		out[i] = c.Label
	}
	return out
}

// JoinedLabels is the labels separated by ", " (the "doit faire partie des
// valeurs : …" messages).
func (l List) JoinedLabels() string { return strings.Join(l.Labels(), ", ") }

// Financements is the Financement of a lot (data-model §7), in the
// reference's order; labels keep the reference's spelling
// ("Réhabiliation").
var Financements = List{
	{"PLUS", "PLUS"}, {"PLUS_CD", "PLUS_CD"}, {"PLAI", "PLAI"}, {"PLAI_ADP", "PLAI_ADP"},
	{"PLAI_FTM", "PLAI Foyer de travailleurs migrants"}, {"PLAI_RE", "PLAI Réhabiliation"},
	{"PLUS-PLAI", "PLUS-PLAI"}, {"PLS", "PLS"}, {"PALULOS", "PALULOS"},
	{"PALU_AV_21", "PALULOS avant 2021"}, {"PALUCOM", "PALULOS communal"},
	{"PALU_COM", "PALULOS communal"}, {"PALU_RE", "PALULOS Réhabiliation"},
	{"SANS_FINANCEMENT", "Sans Financement"}, {"LLS", "LLS"}, {"LLTS", "LLTS"}, {"LLTSA", "LLTSA"},
	{"PLS_DOM", "PLS outre-mer"}, {"SALLS_R", "SALLS Réhabiliation"}, {"SALLS_P", "SALLS Parasismique"},
	{"SECD_VIE", "Seconde vie"}, {"RENO", "Renovation"},
}

// FinancementsHistoriques are codes that old rows may hold but that are no
// longer offered; their label is the code.
var FinancementsHistoriques = List{{"PSH", "PSH"}, {"PLUS_DOM", "PLUS_DOM"}}

// FinancementLabel is the label of a lot financement, historic codes
// included.
func FinancementLabel(code string) string { return Financements.Label(code) }

// plsLike are the financements with the PLS rules: end-year bounds
// +15..+40 and no CDC loan required (data-model §7).
var plsLike = []string{"PLS", "PLS_DOM", "PALULOS", "PALU_AV_21", "PALUCOM", "PALU_COM", "PALU_RE"}

// IsPLSLike reports whether the financement follows the PLS rules.
func IsPLSLike(financement string) bool { return contains(plsLike, financement) }

// HasMixiteOption reports whether lots of this financement carry the
// négociated social-mix option (PLUS, PLUS_CD).
func HasMixiteOption(financement string) bool {
	return financement == "PLUS" || financement == "PLUS_CD"
}

// FinancementsEDD is the financement of an EDD simplifié row; it is also
// the list offered when a convention is created by hand (ANRU, ajout
// simplifié).
var FinancementsEDD = List{
	{"PLUS", "PLUS"}, {"PLUS_CD", "PLUS_CD"}, {"PLAI", "PLAI"}, {"PLS", "PLS"},
	{"SANS_FINANCEMENT", "Sans Financement"},
}

// TypologiesLogement are the stored typologies of a logement (all of
// them: what the récapitulatif and documents show).
var TypologiesLogement = List{
	{"T1", "T1"}, {"T1bis", "T1 bis"}, {"T1prime", "T1'"}, {"T2", "T2"}, {"T3", "T3"},
	{"T4", "T4"}, {"T5", "T5"}, {"T6", "T6"}, {"T7", "T7"},
}

// TypologiesLogementForm is the select of the logements ordinaires
// tables: no T7, T6 reads "T6 et plus".
var TypologiesLogementForm = List{
	{"T1", "T1"}, {"T1bis", "T1 bis"}, {"T1prime", "T1'"}, {"T2", "T2"}, {"T3", "T3"},
	{"T4", "T4"}, {"T5", "T5"}, {"T6", "T6 et plus"},
}

// TypologiesFoyerResidence is the select of the foyer and résidence
// logements table (T1 to T7).
var TypologiesFoyerResidence = TypologiesLogement

// typologieAliases normalises what spreadsheets hold in the "Type" column
// onto a label of TypologiesLogement (workflows §4.1.6).
var typologieAliases = map[string]string{
	"1": "T1", "1bis": "T1 bis", "1 bis": "T1 bis", "T1bis": "T1 bis",
	"2": "T2", "3": "T3", "4": "T4",
	"5": "T5", "5 et plus": "T5", "T5 et plus": "T5",
	"6": "T6", "T6": "T6", "6 et plus": "T6", "T6 et plus": "T6",
	"7": "T7",
}

// NormaliseTypologie maps a spreadsheet value ("5 et plus", "1 bis", "3")
// onto a typologie label; other values are returned trimmed, unchanged.
func NormaliseTypologie(v string) string {
	v = strings.TrimSpace(v)
	if l, ok := typologieAliases[v]; ok {
		return l
	}
	return v
}

// TypologieFromImport returns the typologie code of a spreadsheet value,
// after normalisation; false when the value is no typologie.
func TypologieFromImport(v string) (string, bool) {
	return TypologiesLogement.CodeOf(NormaliseTypologie(v))
}

// TypologieLabel is the label of a stored typologie (the documents'
// "tl" filter replaces the "T" by "Logement T ").
func TypologieLabel(code string) string { return TypologiesLogement.Label(code) }

// TypologiesAnnexe is the type of an annexe.
var TypologiesAnnexe = List{{"TERRASSE", "Terrasse"}, {"JARDIN", "Jardin"}, {"COUR", "Cour"}}

// TypologiesStationnement is the type of a stationnement (17 values).
var TypologiesStationnement = List{
	{"GARAGE_AERIEN", "Garage aérien"},
	{"GARAGE_ENTERRE", "Garage enterré"},
	{"PLACE_STATIONNEMENT", "Place de stationnement"},
	{"PARKING_EXTERIEUR_PRIVATIF", "Parking extérieur privatif"},
	{"PARKING_SOUSSOL", "Parking en sous-sol ou en superstructure"},
	{"GARAGE_BOXE_SIMPLE", "Garage boxé simple"},
	{"GARAGE_BOXE_DOUBLE", "Garage boxé double"},
	{"EXTERIEUR_BOXE", "extérieur boxé"},
	{"SOUSSOL_BOXE", "en sous-sol boxé"},
	{"CARPORT", "Carport"},
	{"DEUX_ROUES_EXTERIEUR", "2 roues en extérieur"},
	{"DEUX_ROUES_SOUSSOL", "2 roues en sous-sol"},
	{"DOUBLE_SOUSSOL", "Parking double en sous-sol"},
	{"DOUBLE_SUPERSTRUCTURE", "Parking double en superstructure"},
	{"INDIVIDUEL_JUMELES_PAR_2", "Garages individuels jumelés par blocs de 2"},
	{"PLACE_PARKING_ACCOLEE", "Place de parking accolée à chaque garage"},
	{"PARKING_SUPERSTRUCTURE", "Parking en Superstructure"},
}

// Preteurs is the lender of a prêt; AUTRE is the default.
var Preteurs = List{
	{"ETAT", "Etat"}, {"EPCI", "EPCI"}, {"REGION", "Région"}, {"VILLE", "Ville"},
	{"CDCF", "CDC pour le foncier"}, {"CDCL", "CDC pour le logement"},
	{"COMMUNE", "Commune et action logement"}, {"ANRU", "ANRU"}, {"AUTRE", "Autre/Subventions"},
}

// IsCDC reports whether the lender is the Caisse des dépôts (foncier or
// logement).
func IsCDC(preteur string) bool { return preteur == "CDCF" || preteur == "CDCL" }

// PreteurNom is the lender as printed: the "autre" text for AUTRE, and
// "CDC" spelled out.
func PreteurNom(preteur, autre string) string {
	if preteur == "AUTRE" && strings.TrimSpace(autre) != "" {
		return autre
	}
	return strings.Replace(Preteurs.Label(preteur), "CDC", "Caisse de Dépôts et Consignation", 1)
}

// TypesOperation is the type of an opération.
var TypesOperation = List{
	{"SANSOBJET", "Sans Objet"}, {"NEUF", "Construction Neuve"}, {"VEFA", "Construction Neuve > VEFA"},
	{"ACQUIS", "Acquisition"}, {"ACQUISAMELIORATION", "Acquisition-Amélioration"},
	{"REHABILITATION", "Réhabilitation"}, {"ACQUISSANSTRAVAUX", "Acquisition sans travaux"},
	{"SANSTRAVAUX", "Sans aide financière (sans travaux)"}, {"USUFRUIT", "Usufruit"},
}

// TypesHabitat is the type of habitat of a lot.
var TypesHabitat = List{{"MIXTE", "Mixte"}, {"INDIVIDUEL", "Individuel"}, {"COLLECTIF", "Collectif"}}

// NaturesLogement is the nature of the logements of a programme.
var NaturesLogement = List{
	{"LOGEMENTSORDINAIRES", "Logements ordinaires"}, {"AUTRE", "Autres logements foyers"},
	{"HEBERGEMENT", "Hébergement"}, {"RESISDENCESOCIALE", "Résidence sociale"},
	{"PENSIONSDEFAMILLE", "Pensions de famille (Maisons relais)"},
	{"RESIDENCEDACCUEIL", "Résidence d'accueil"}, {"RESIDENCEUNIVERSITAIRE", "Résidence universitaire"},
	{"RHVS", "RHVS"},
}

// NaturesLogementActives is the select offered when a convention is
// created by hand: no RHVS, labels saying which kind of convention
// follows.
var NaturesLogementActives = List{
	{"LOGEMENTSORDINAIRES", "Logements ordinaires"},
	{"AUTRE", "Autres logements foyers (Convention de type Foyer)"},
	{"HEBERGEMENT", "Hébergement (Convention de type Résidence)"},
	{"RESISDENCESOCIALE", "Résidence sociale (Convention de type Résidence)"},
	{"PENSIONSDEFAMILLE", "Pensions de famille, maisons relais (Convention de type Résidence)"},
	{"RESIDENCEDACCUEIL", "Résidence d'accueil (Convention de type Résidence)"},
	{"RESIDENCEUNIVERSITAIRE", "Résidence universitaire"},
}

// Zones123 is the zone 1/2/3 of a programme.
var Zones123 = List{{"1", "01"}, {"2", "02"}, {"3", "03"}, {"1bis", "1bis"}}

// ZonesABC is the zone A/B/C of a programme.
var ZonesABC = List{{"A", "A"}, {"Abis", "Abis"}, {"B1", "B1"}, {"B2", "B2"}, {"C", "C"}, {"DROM", "DROM"}}

// Types1and2 is the Type I / Type II choice of a convention whose bailleur
// is neither HLM nor SEM.
var Types1and2 = List{{"Type1", "Type I"}, {"Type2", "Type II"}}

// AnnexeOptions are the eleven annexe booleans of a lot: the column and
// its label.
var AnnexeOptions = List{
	{"annexe_caves", "Caves"}, {"annexe_soussols", "Sous-sols"}, {"annexe_remises", "Remises"},
	{"annexe_ateliers", "Ateliers"}, {"annexe_sechoirs", "Séchoirs"},
	{"annexe_celliers", "Celliers extérieurs au logement"}, {"annexe_resserres", "Resserres"},
	{"annexe_combles", "Combles et greniers aménageables"}, {"annexe_balcons", "Balcons"},
	{"annexe_loggias", "Loggias et Vérandas"}, {"annexe_terrasses", "Terrasses"},
}

// AttributionTypesFoyer is the kind of public of a foyer (the radio of the
// Attribution step).
var AttributionTypesFoyer = List{
	{"agees", "Personnes âgées seules ou en ménage"},
	{"handicapees", "Personnes handicapées seules ou en ménage"},
	{"inclusif", "Habitat inclusif"},
}

// AttributionsAgees are the booleans of a foyer for elderly people.
var AttributionsAgees = List{
	{"attribution_agees_autonomie", "Résidence autonomie"},
	{"attribution_agees_ephad", "Établissement hébergeant des personnes âgées dépendantes (EHPAD)"},
	{"attribution_agees_desorientees", "Unité pour personnes désorientées (unités Alzheimer, ...)"},
	{"attribution_agees_petite_unite", "Petite unité de vie (établissement de moins de 25 places autorisées)"},
	{"attribution_agees_autre", "Autres [préciser]"},
}

// AttributionsHandicapes are the booleans of a foyer for disabled people.
var AttributionsHandicapes = List{
	{"attribution_handicapes_foyer", "Foyer"},
	{"attribution_handicapes_foyer_de_vie", "Foyer de vie ou occupationnel"},
	{"attribution_handicapes_foyer_medicalise", "Foyer d'accueil médicalisé"},
	{"attribution_handicapes_autre", "Autres [préciser]"},
}

// AttributionsResidence are the three booleans of a résidence.
var AttributionsResidence = List{
	{"attribution_residence_sociale_ordinaire", "Résidence sociale ordinaire"},
	{"attribution_pension_de_famille", "Pension de famille"},
	{"attribution_residence_accueil", "Résidence accueil"},
}

// AvenantTypes are the blocks an avenant may change, in the order of the
// récapitulatif's toggles.
var AvenantTypes = List{
	{"bailleur", "Bailleur"}, {"programme", "Opération"}, {"cadastre", "Cadastre"},
	{"edd", "État descriptif de division"}, {"duree", "Durée et financement"},
	{"logements", "Logements"}, {"stationnement", "Stationnements"},
	{"foyer_attribution", "Attribution (foyer)"}, {"residence_attribution", "Attribution (résidence)"},
	{"variantes", "Variantes"}, {"champ_libre", "Champ libre"}, {"commentaires", "Commentaires"},
	{"denonciation", "Dénonciation"}, {"resiliation", "Résiliation"},
}

// OutreMerDepartements are the overseas départements with their own
// rules (Saint-Pierre-et-Miquelon, 975, deliberately excluded).
var OutreMerDepartements = []string{"971", "972", "973", "974", "976"}

// IsOutreMer reports whether a programme's code_insee_departement is
// overseas.
func IsOutreMer(codeInseeDepartement string) bool {
	return contains(OutreMerDepartements, codeInseeDepartement)
}

// Nature families (data-model §5).

// IsFoyer: nature AUTRE.
func IsFoyer(nature string) bool { return nature == "AUTRE" }

// IsResidence: hébergement, résidence sociale, pension de famille,
// résidence d'accueil.
func IsResidence(nature string) bool {
	switch nature {
	case "HEBERGEMENT", "RESISDENCESOCIALE", "PENSIONSDEFAMILLE", "RESIDENCEDACCUEIL":
		return true
	}
	return false
}

// IsFoyerOrResidence: the natures with the foyer/résidence steps.
func IsFoyerOrResidence(nature string) bool { return IsFoyer(nature) || IsResidence(nature) }

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SousNaturesBailleur is the sous-nature of a bailleur (data-model §3),
// codes spelled as stored, typos included.
var SousNaturesBailleur = List{
	{"ASSOCIATIONS", "Associations"}, {"ANAH", "ANAH"}, {"COMMERCIALES", "entreprises commerciales"},
	{"COMMUNE", "Commune"}, {"COOPERATIVE_HLM_SCIC", "Sté coopérative HLM /SCIC"}, {"CROUS", "CROUS"},
	{"DEPARTEMENT", "Département"}, {"DRE_DDE_CETE_AC_PREF", "DRE,DDE,CETE,AC,Préfect."}, {"EPCI", "EPCI"},
	{"ETC_PUBLIQUE_LOCAL", "Ets public local"}, {"ETS_HOSTIPATIERS_PRIVES", "Ets hospitaliers privés"},
	{"FONDATION", "Fondation"}, {"FONDATION_HLM", "Fondation HLM"}, {"FRONCIERE_LOGEMENT", "Foncière Logement"},
	{"GIP", "GIP"}, {"MUTUELLE", "Mutuelle"}, {"NONRENSEIGNE", "Non renseigné"},
	{"OFFICE_PUBLIC_HLM", "Office public HLM (OPH)"}, {"PACT_ARIM", "Pact-Arim"}, {"PARTICULIERS", "Particuliers"},
	{"SA_HLM_ESH", "SA HLM / ESH"}, {"SACI_CAP", "SACI CAP"}, {"SEM_EPL", "SEM / EPL"}, {"UES", "UES"},
}
