package search

// Choice is a code and its French label, for the filter lists.
type Choice struct {
	Code  string
	Label string
}

// Financements is the Financement list of the filter (data-model §7), in
// the reference's order; the labels keep the reference's spelling.
var Financements = []Choice{
	{"PLUS", "PLUS"}, {"PLUS_CD", "PLUS_CD"}, {"PLAI", "PLAI"}, {"PLAI_ADP", "PLAI_ADP"},
	{"PLAI_FTM", "PLAI Foyer de travailleurs migrants"}, {"PLAI_RE", "PLAI Réhabiliation"},
	{"PLUS-PLAI", "PLUS-PLAI"}, {"PLS", "PLS"}, {"PALULOS", "PALULOS"},
	{"PALU_AV_21", "PALULOS avant 2021"}, {"PALUCOM", "PALULOS communal"},
	{"PALU_COM", "PALULOS communal"}, {"PALU_RE", "PALULOS Réhabiliation"},
	{"SANS_FINANCEMENT", "Sans Financement"}, {"LLS", "LLS"}, {"LLTS", "LLTS"}, {"LLTSA", "LLTSA"},
	{"PLS_DOM", "PLS outre-mer"}, {"SALLS_R", "SALLS Réhabiliation"}, {"SALLS_P", "SALLS Parasismique"},
	{"SECD_VIE", "Seconde vie"}, {"RENO", "Renovation"},
}

// NaturesLogement is the NatureLogement list (data-model §5).
var NaturesLogement = []Choice{
	{"LOGEMENTSORDINAIRES", "Logements ordinaires"}, {"AUTRE", "Autres logements foyers"},
	{"HEBERGEMENT", "Hébergement"}, {"RESISDENCESOCIALE", "Résidence sociale"},
	{"PENSIONSDEFAMILLE", "Pensions de famille (Maisons relais)"},
	{"RESIDENCEDACCUEIL", "Résidence d'accueil"}, {"RESIDENCEUNIVERSITAIRE", "Résidence universitaire"},
	{"RHVS", "RHVS"},
}

// Label returns the label of code in list, the code itself when unknown
// (historic values stay readable).
func Label(list []Choice, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return code
}

func known(list []Choice, code string) bool {
	for _, c := range list {
		if c.Code == code {
			return true
		}
	}
	return false
}
