package importxlsx

import "github.com/MTES-MCT/apilos-go/internal/programme"

// Kind is one importable table; its value is the template's name
// (/conventions/load_xlsx_model/<kind>, spec workflows §4.2).
type Kind string

// The importable tables.
const (
	Logements                  Kind = "logements"
	LogementsSansLoyer         Kind = "logements_sans_loyer"
	LogementsCorrigee          Kind = "logements_corrigee"
	LogementsCorrigeeSansLoyer Kind = "logements_corrigee_sans_loyer"
	FoyerResidenceLogements    Kind = "foyer_residence_logements"
	Annexes                    Kind = "annexes"
	Stationnements             Kind = "stationnements"
	Cadastre                   Kind = "cadastre"
	EDD                        Kind = "logements_edd"
	Financement                Kind = "financement"
	LocauxCollectifs           Kind = "locaux_collectifs"
)

// Kinds lists every table, in the order of the zip of templates.
var Kinds = []Kind{Logements, LogementsSansLoyer, LogementsCorrigee, LogementsCorrigeeSansLoyer,
	FoyerResidenceLogements, Annexes, Stationnements, Cadastre, EDD, Financement, LocauxCollectifs}

// ParseKind returns the kind named s; false for an unknown name.
func ParseKind(s string) (Kind, bool) {
	_, ok := specs[Kind(s)]
	return Kind(s), ok
}

// Step is the step of the convention's form whose table the kind fills.
func (k Kind) Step() programme.Step { return specs[k].step }

// Sheet is the name of the sheet the rows are read from.
func (k Kind) Sheet() string { return specs[k].sheet }

// Label is the title of the table, as the step shows it.
func (k Kind) Label() string { return specs[k].label }

// FileName is the template's file name.
func (k Kind) FileName() string { return string(k) + ".xlsx" }

// logementKind is the logements table of a logements ordinaires kind.
func (k Kind) logementKind() (programme.Kind, bool) {
	switch k {
	case Logements:
		return programme.KindAvecLoyer, true
	case LogementsSansLoyer:
		return programme.KindSansLoyer, true
	case LogementsCorrigee:
		return programme.KindCorrigeeAvecLoyer, true
	case LogementsCorrigeeSansLoyer:
		return programme.KindCorrigeeSansLoyer, true
	}
	return 0, false
}

// valueKind is how a cell is read.
type valueKind int

const (
	text        valueKind = iota
	number                // decimal, rounded to places when the cell is a number
	integer               // whole number
	date                  // Excel date, or a date typed "15/03/2024"
	choice                // a label (or code) of choices
	financement           // a lot financement: a label becomes its code, other values are kept
	typologie             // a logement typologie (normalised: "3" → T3, "5 et plus" → T5)
)

// column is one expected column of a table.
type column struct {
	field   string // the programme field (the row input's column)
	kind    valueKind
	places  int32          // number: decimals kept
	choices programme.List // choice, typologie: the drop-down list of the template
	// aliases are the headers of the reference's templates: a header is
	// matched by its label (the catalogue's) or one of these.
	aliases []string
	help    string // row 2 of the template
}

// spec describes one importable table.
type spec struct {
	kind   Kind
	label  string
	sheet  string
	step   programme.Step
	table  string // programme.Table…: where the step's problems name it
	object string // the catalogue object of the labels
	cols   []column
}

func (s *spec) header(c column) string { return programme.FieldLabel(s.object, c.field) }

const (
	helpSurface = "En m², deux décimales au plus (par exemple 45,50)"
	helpLoyer   = "En €, deux décimales au plus (par exemple 312,45)"
	helpFin     = "Financement du lot (PLUS, PLAI, PLS…)"
)

func logementsCols(corrigee, loyer bool) []column {
	cols := []column{
		{field: "designation", aliases: []string{"Désignation des logements"}, help: "Identifiant unique du logement (par exemple A12)"},
		{field: "typologie", kind: typologie, choices: programme.TypologiesLogementForm, help: "T1, T1 bis, T1', T2… T6 et plus"},
		{field: "financement", kind: financement, help: helpFin},
		{field: "surface_habitable", kind: number, places: 2, aliases: []string{"Surface habitable (article"}, help: helpSurface},
	}
	if corrigee {
		cols = append(cols, column{field: "surface_corrigee", kind: number, places: 2, help: helpSurface})
	} else {
		cols = append(cols,
			column{field: "surface_annexes", kind: number, places: 2, aliases: []string{"Surface des annexes Réelle"}, help: helpSurface},
			column{field: "surface_annexes_retenue", kind: number, places: 2, aliases: []string{"Surface des annexes Retenue dans la SU"}, help: helpSurface},
			column{field: "surface_utile", kind: number, places: 2,
				aliases: []string{"Surface utile (surface habitable augmentée de 50% de la surface des annexes)"},
				help:    "Surface habitable augmentée de 50 % de la surface des annexes"})
	}
	if loyer {
		lpmc := "Loyer maximum en € par m² de surface utile"
		formula := "Loyer maximum du logement en € (col 5 * col 6 * col 7)"
		if corrigee {
			lpmc = "Loyer maximum en € par m² de surface corrigée"
			formula = "Loyer maximum du logement en € (col 4 * col 5 * col 6)"
		}
		cols = append(cols,
			column{field: "loyer_par_metre_carre", kind: number, places: 2, aliases: []string{lpmc}, help: helpLoyer},
			column{field: "coeficient", kind: number, places: 4, help: "Quatre décimales au plus (par exemple 1,0500)"},
			column{field: "loyer", kind: number, places: 2, aliases: []string{formula},
				help: "Surface × loyer au m² × coefficient, à 1 € près"})
	}
	return cols
}

var specs = map[Kind]*spec{}

func init() {
	logement := func(k Kind, pk programme.Kind, corrigee, loyer bool) {
		specs[k] = &spec{kind: k, label: pk.Label(), sheet: "Logements", step: programme.StepLogements,
			table: pk.Table(), object: pk.Object(), cols: logementsCols(corrigee, loyer)}
	}
	logement(Logements, programme.KindAvecLoyer, false, true)
	logement(LogementsSansLoyer, programme.KindSansLoyer, false, false)
	logement(LogementsCorrigee, programme.KindCorrigeeAvecLoyer, true, true)
	logement(LogementsCorrigeeSansLoyer, programme.KindCorrigeeSansLoyer, true, false)

	add := func(s *spec) { specs[s.kind] = s }
	add(&spec{kind: FoyerResidenceLogements, label: "Logements du foyer ou de la résidence", sheet: "Logements",
		step: programme.StepFoyerResidenceLogements, table: programme.TableFoyerLogements, object: programme.ObjLogementFoyerResidence,
		cols: []column{
			{field: "designation", help: "Numéro unique du logement"},
			{field: "typologie", kind: typologie, choices: programme.TypologiesFoyerResidence, help: "T1, T1 bis, T1', T2… T7"},
			{field: "financement", kind: financement, help: helpFin},
			{field: "surface_habitable", kind: number, places: 2, help: helpSurface},
			{field: "loyer", kind: number, places: 2, help: helpLoyer},
		}})
	add(&spec{kind: Annexes, label: "Annexes", sheet: "Annexes", step: programme.StepAnnexes,
		table: programme.TableAnnexes, object: programme.ObjAnnexe,
		cols: []column{
			{field: "typologie", kind: choice, choices: programme.TypologiesAnnexe, help: "Terrasse, Jardin ou Cour"},
			{field: "financement", kind: financement, help: "Financement du logement de l'annexe"},
			{field: "logement_designation", aliases: []string{"Désignation des logements"}, help: "Désignation du logement tel que dans le tableau des logements"},
			{field: "logement_typologie", aliases: []string{"Typologie des logements"}, help: "Typologie du logement (T1, T2…)"},
			{field: "surface_hors_surface_retenue", kind: number, places: 2, help: helpSurface},
			{field: "loyer_par_metre_carre", kind: number, places: 2, help: "En € par m²"},
			{field: "loyer", kind: number, places: 2, help: "Au plus surface × loyer unitaire + 0,10 €"},
		}})
	add(&spec{kind: Stationnements, label: "Stationnements", sheet: "Stationnements", step: programme.StepStationnements,
		table: programme.TableStationnements, object: programme.ObjStationnement,
		cols: []column{
			{field: "typologie", kind: choice, choices: programme.TypologiesStationnement, help: "Choisir dans la liste"},
			{field: "financement", kind: financement, help: helpFin},
			{field: "nb_stationnements", kind: integer, help: "Nombre entier"},
			{field: "loyer", kind: number, places: 2, help: helpLoyer},
		}})
	add(&spec{kind: Cadastre, label: "Références cadastrales", sheet: "Références Cadastrales", step: programme.StepCadastre,
		table: programme.TableReferencesCadastrales, object: programme.ObjReferenceCadastrale,
		cols: []column{
			{field: "section", help: "Section cadastrale"},
			{field: "numero", help: "Numéro de parcelle"},
			{field: "lieudit", aliases: []string{"Lieudit"}, help: "Lieu-dit"},
			{field: "surface", help: "Surface de la parcelle"},
			{field: "autre", help: "Facultatif"},
		}})
	add(&spec{kind: EDD, label: "EDD simplifié", sheet: "EDD Simplifié", step: programme.StepEDD,
		table: programme.TableEDD, object: programme.ObjLogementEDD,
		cols: []column{
			{field: "designation", help: "Désignation du logement"},
			{field: "financement", kind: choice, choices: programme.FinancementsEDD, help: "PLUS, PLUS_CD, PLAI, PLS ou Sans Financement"},
			{field: "numero_lot", aliases: []string{"Numéro de lot des logements"}, help: "Numéro de lot dans l'EDD"},
		}})
	add(&spec{kind: Financement, label: "Prêts et financements", sheet: "Financements", step: programme.StepFinancement,
		table: programme.TablePrets, object: programme.ObjPret,
		cols: []column{
			{field: "numero", aliases: []string{"Numéro (caractères alphanuméric)"}, help: "Caractères alphanumériques"},
			{field: "financement", kind: financement, help: helpFin},
			{field: "date_octroi", kind: date, aliases: []string{"Date d'octroi (format dd/mm/yyyy)"}, help: "Format jj/mm/aaaa"},
			{field: "duree", kind: integer, help: "Nombre entier d'années"},
			{field: "montant", kind: number, places: 2, help: "En €, deux décimales au plus"},
			{field: "preteur", kind: choice, choices: programme.Preteurs,
				aliases: []string{"Organisme financeur (choisir dans la liste déroulante)"}, help: "Choisir dans la liste"},
			{field: "autre", aliases: []string{"Préciser l'identité de l'organisme financeur si vous avez sélectionné 'Autre'"},
				help: "Obligatoire si le prêteur est « Autre/Subventions »"},
		}})
	add(&spec{kind: LocauxCollectifs, label: "Locaux collectifs", sheet: "Locaux Collectifs", step: programme.StepCollectif,
		table: programme.TableLocauxCollectifs, object: programme.ObjLocauxCollectifs,
		cols: []column{
			{field: "type_local", help: "Par exemple : salle commune"},
			{field: "surface_habitable", kind: number, places: 2, help: helpSurface},
			{field: "nombre", kind: integer, help: "Nombre entier"},
		}})
}
