package programme

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"
)

// Pure tests of the rules of every step: each case is an accepted or a
// refused input with the exact problems expected.

var (
	lotPLUS = uuid.MustParse("00000000-0000-0000-0000-0000000000a1")
	lotPLAI = uuid.MustParse("00000000-0000-0000-0000-0000000000a2")
	convU   = uuid.MustParse("00000000-0000-0000-0000-0000000000c1")
	progU   = uuid.MustParse("00000000-0000-0000-0000-0000000000b1")
)

func dec(s string) decimal.NullDecimal {
	return decimal.NullDecimal{Decimal: decimal.RequireFromString(s), Valid: true}
}

func intp(n int) *int { return &n }

// contentLO is a logements ordinaires convention with one PLUS lot of two
// logements (A1, A2: 50 m² SU at 6 €/m², 300 €).
func contentLO() *Content {
	c := &Content{
		Convention: ConventionFields{ID: 1, UUID: convU, Statut: "1. Projet", SignataireNom: "Mme Martin"},
		Programme: Programme{ID: 1, UUID: progU, Nom: "Les Lilas", CodePostal: "75011", Ville: "Paris",
			CodeInseeDepartement: "75", TypeOperation: "NEUF", NatureLogement: "LOGEMENTSORDINAIRES"},
		Bailleur: Bailleur{Nom: "Paris Habitat", NatureBailleur: "HLM"},
		Lots: []Lot{{ID: 1, UUID: lotPLUS, Financement: "PLUS", TypeHabitat: "COLLECTIF", NbLogements: intp(2),
			Annexes: map[string]bool{}}},
		ProgrammeFinancements: []string{"PLUS"},
	}
	for i := 1; i <= 2; i++ {
		c.Lots[0].Logements = append(c.Lots[0].Logements, Logement{ID: int64(i), UUID: uuid.New(), Designation: fmt.Sprintf("A%d", i),
			Typologie: "T2", SurfaceHabitable: dec("45"), SurfaceAnnexes: dec("10"), SurfaceAnnexesRetenue: dec("5"),
			SurfaceUtile: dec("50"), LoyerParMetreCarre: dec("6"), Coeficient: dec("1"), Loyer: dec("300")})
	}
	return c
}

func contentFoyer() *Content {
	c := contentLO()
	c.Programme.NatureLogement = "AUTRE"
	for i := range c.Lots[0].Logements {
		lg := &c.Lots[0].Logements[i]
		*lg = Logement{ID: lg.ID, UUID: lg.UUID, Designation: lg.Designation, Typologie: "T1", SurfaceHabitable: dec("20"), Loyer: dec("400")}
	}
	return c
}

func mixte(c *Content) *Content {
	c.Lots = append(c.Lots, Lot{ID: 2, UUID: lotPLAI, Financement: "PLAI", TypeHabitat: "COLLECTIF", NbLogements: intp(1), Annexes: map[string]bool{}})
	c.ProgrammeFinancements = []string{"PLAI", "PLUS"}
	return c
}

var today = NewDate(2025, time.March, 10)        // before July
var todayLate = NewDate(2025, time.September, 1) // after June

// want is an expected problem: "table/row/field: message" (table and
// row omitted for the step's fields; "?" prefix for an optional one).
func describeProblems(ps Problems) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		s := ""
		if p.Optional {
			s = "?"
		}
		if p.Table != "" {
			s += fmt.Sprintf("%s/%d/", p.Table, p.Row)
		}
		out[i] = s + p.Field + ": " + p.Message
	}
	return out
}

type ruleCase struct {
	name    string
	content func() *Content
	in      Input
	env     Env
	want    []string
}

func runRules(t *testing.T, cases []ruleCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.content()
			env := tc.env
			if env.Today.IsZero() {
				env.Today = today
			}
			got := describeProblems(Validate(c, tc.in, env))
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("problems:\n  got  %q\n  want %q", got, tc.want)
			}
		})
	}
}

func TestBailleurRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"signataire", contentLO, BailleurInput{SignataireNom: "M. Durand", SignataireDateDeliberation: "12/01/2024"}, Env{}, nil},
		{"sans signataire", contentLO, BailleurInput{}, Env{}, []string{"signataire_nom: " + MsgSignataireNom}},
		{"identification sans détail", contentLO, BailleurInput{IdentificationBailleur: true}, Env{},
			[]string{"identification_bailleur_detail: " + MsgIdentificationDetail}},
		{"identification avec détail", contentLO, BailleurInput{IdentificationBailleur: true, IdentificationBailleurDetail: "SCI X"}, Env{}, nil},
		{"date illisible", contentLO, BailleurInput{SignataireNom: "X", SignataireDateDeliberation: "31/02/2024"}, Env{},
			[]string{"signataire_date_deliberation: Date de délibération : « 31/02/2024 » n'est pas une date ; saisissez par exemple 15/03/2024"}},
		{"nom trop long", contentLO, BailleurInput{SignataireNom: strings.Repeat("é", 256)}, Env{},
			[]string{"signataire_nom: Nom du signataire : 255 caractères au plus (256 saisis)"}},
		{"gestionnaire incomplet", contentFoyer, BailleurInput{SignataireNom: "X", Gestionnaire: "Adoma"}, Env{}, []string{
			"gestionnaire_signataire_nom: " + MsgGestionnaireSignataire,
			"gestionnaire_signataire_fonction: " + MsgGestionnaireFonction,
			"gestionnaire_signataire_date_deliberation: " + MsgGestionnaireDeliberation}},
		{"gestionnaire complet", contentFoyer, BailleurInput{SignataireNom: "X", Gestionnaire: "Adoma", GestionnaireSignataireNom: "Y",
			GestionnaireSignataireFonction: "Directeur", GestionnaireSignataireDateDeliberation: "2024-01-12"}, Env{}, nil},
	})
}

func TestProgrammeRules(t *testing.T) {
	ok := ProgrammeInput{Nom: "Les Lilas", Adresse: "1 rue X", CodePostal: "75011", Ville: "Paris", TypeHabitat: "MIXTE", NbBureaux: "2"}
	sansFin := func() *Content { c := contentLO(); c.Lots[0].Financement = "SANS_FINANCEMENT"; return c }
	avenant := func() *Content { c := contentLO(); c.Convention.ParentID = new(int64); return c }
	runRules(t, []ruleCase{
		{"complet", contentLO, ok, Env{}, nil},
		{"vide", contentLO, ProgrammeInput{}, Env{}, []string{"nom: " + MsgNomProgramme, "adresse: " + MsgAdresse,
			"code_postal: " + MsgCodePostal, "ville: " + MsgVille}},
		{"code postal court", contentLO, with(ok, func(p *ProgrammeInput) { p.CodePostal = "7501" }), Env{}, []string{"code_postal: " + MsgCodePostal}},
		{"type d'habitat inconnu", contentLO, with(ok, func(p *ProgrammeInput) { p.TypeHabitat = "TOUR" }), Env{},
			[]string{"type_habitat: Type d'habitat : « TOUR » ne fait pas partie des valeurs possibles (Mixte, Individuel, Collectif)"}},
		{"bureaux négatifs", contentLO, with(ok, func(p *ProgrammeInput) { p.NbBureaux = "-1" }), Env{},
			[]string{"nb_bureaux: Nombre de bureaux : la valeur ne peut pas être négative"}},
		{"type d'opération verrouillé", sansFin, with(ok, func(p *ProgrammeInput) { p.TypeOperation = "VEFA" }), Env{},
			[]string{"type_operation: " + MsgTypeOperationLocked}},
		{"type d'opération inchangé", sansFin, with(ok, func(p *ProgrammeInput) { p.TypeOperation = "NEUF" }), Env{}, nil},
		{"avenant: nom et adresse seuls", avenant, ProgrammeInput{Nom: "B", Adresse: "2 rue Y"}, Env{}, nil},
	})
}

func with[T any](v T, f func(*T)) T { f(&v); return v }

func TestCadastreRules(t *testing.T) {
	ref := ReferenceCadastraleInput{Section: "AB", Numero: "12", Lieudit: "Les Prés", Surface: "5 a"}
	runRules(t, []ruleCase{
		{"complet", contentLO, CadastreInput{PermisConstruire: "PC 75", DateAchat: "2024-01-02", References: []ReferenceCadastraleInput{ref}}, Env{}, nil},
		{"ligne incomplète", contentLO, CadastreInput{References: []ReferenceCadastraleInput{ref, {Section: "AC"}}}, Env{}, []string{
			"references_cadastrales/1/numero: Numéro : ce champ est obligatoire",
			"references_cadastrales/1/lieudit: Lieu-dit : ce champ est obligatoire",
			"references_cadastrales/1/surface: Surface : ce champ est obligatoire"}},
		{"ligne d'une autre convention", contentLO, CadastreInput{References: []ReferenceCadastraleInput{with(ref, func(r *ReferenceCadastraleInput) { r.UUID = uuid.NewString() })}}, Env{},
			[]string{"references_cadastrales/0/: Cette ligne n'appartient pas à ce tableau : rechargez la page et recommencez"}},
		{"date illisible", contentLO, CadastreInput{DateAchevement: "demain"}, Env{},
			[]string{"date_achevement: Date d'achèvement : « demain » n'est pas une date ; saisissez par exemple 15/03/2024"}},
	})
}

func TestEDDRules(t *testing.T) {
	row := func(d, f string) LogementEDDInput {
		return LogementEDDInput{Designation: d, NumeroLot: "1", Financement: f}
	}
	mix := func() *Content { return mixte(contentLO()) }
	runRules(t, []ruleCase{
		{"complet", mix, EDDInput{Rows: []LogementEDDInput{row("A1", "PLUS"), row("B1", "PLAI")}}, Env{}, nil},
		{"vide: pas de couverture exigée", mix, EDDInput{}, Env{}, nil},
		{"financement manquant (ignorable)", mix, EDDInput{Rows: []LogementEDDInput{row("A1", "PLUS")}}, Env{},
			[]string{"?logements_edd/-1/: L'EDD simplifié doit comporter tous les logements du programme quelquesoit leur financement. Les financements connus pour ce programme sont PLAI, PLUS"}},
		{"un seul financement connu", contentLO, EDDInput{Rows: []LogementEDDInput{row("A1", "PLAI")}}, Env{},
			[]string{"?logements_edd/-1/: L'EDD simplifié doit comporter tous les logements du programme quelquesoit leur financement. Le seul financement connu pour ce programme est PLUS"}},
		{"ligne incomplète", contentLO, EDDInput{Rows: []LogementEDDInput{row("A1", "PLUS"), {Financement: "PALULOS"}}}, Env{}, []string{
			"logements_edd/1/designation: Désignation des logements : ce champ est obligatoire",
			"logements_edd/1/numero_lot: Numéro de lot : ce champ est obligatoire",
			"logements_edd/1/financement: Financement : « PALULOS » ne fait pas partie des valeurs possibles (PLUS, PLUS_CD, PLAI, PLS, Sans Financement)"}},
	})
}

func TestFinancementRules(t *testing.T) {
	cdc := PretInput{Financement: "PLUS", Numero: "P1", Preteur: "CDCL", DateOctroi: "2024-01-15", Duree: "40", Montant: "100 000,00"}
	in := func(annee string, prets ...PretInput) FinancementInput {
		return FinancementInput{AnneeFinConventionnement: annee, Prets: prets}
	}
	pls := func() *Content { c := contentLO(); c.Lots[0].Financement = "PLS"; return c }
	plsFoyer := func() *Content { c := pls(); c.Programme.NatureLogement = "AUTRE"; return c }
	plsAvenant := func() *Content {
		c := pls()
		c.Convention.ParentID = new(int64)
		c.ParentSigneeLe = NewDate(2020, time.August, 1)
		return c
	}
	sansTravaux := func() *Content { c := contentLO(); c.Programme.TypeOperation = "SANSTRAVAUX"; return c }
	outreMer := func() *Content { c := contentLO(); c.Programme.CodeInseeDepartement = "974"; return c }
	foyer := contentFoyer
	autre := PretInput{Financement: "PLUS", Preteur: "ETAT", Montant: "1000"}
	plsPret := with(autre, func(p *PretInput) { p.Financement = "PLS" })
	runRules(t, []ruleCase{
		// Prêt rows.
		{"prêt CDC complet", contentLO, in("2065", cdc), Env{}, nil},
		{"prêt CDC incomplet", contentLO, in("2065", PretInput{Financement: "PLUS", Preteur: "CDCF", Montant: "10"}), Env{}, []string{
			"prets/0/date_octroi: " + MsgCDCDateOctroi, "prets/0/duree: " + MsgCDCDuree, "prets/0/numero: " + MsgCDCNumero}},
		{"prêteur autre non précisé", contentLO, in("2065", cdc, PretInput{Financement: "PLUS", Montant: "10"}), Env{},
			[]string{"prets/1/autre: " + MsgPreteurAutre}},
		{"prêteur autre précisé", contentLO, in("2065", cdc, PretInput{Financement: "PLUS", Autre: "Région", Montant: "10"}), Env{}, nil},
		{"sans financement ni montant", contentLO, in("2065", cdc, PretInput{Preteur: "ETAT"}), Env{},
			[]string{"prets/1/financement: " + MsgFinancementRequis, "prets/1/montant: " + MsgMontant}},
		{"financement d'un autre lot", contentLO, in("2065", cdc, with(autre, func(p *PretInput) { p.Financement = "PLAI" })), Env{},
			[]string{"prets/1/financement: " + MsgLotInconnu("PLAI")}},
		{"montant français", contentLO, in("2065", with(cdc, func(p *PretInput) { p.Montant = "1 234,56" })), Env{}, nil},
		{"montant trop grand", contentLO, in("2065", with(cdc, func(p *PretInput) { p.Montant = "10000000000" })), Env{},
			[]string{"prets/0/montant: " + MsgMontantMax}},
		// Table rule.
		{"pas de prêt CDC", contentLO, in("2065", autre), Env{}, []string{"prets/-1/: " + MsgCDCRequis("PLUS")}},
		{"pas de prêt CDC: PLS dispensé", pls, in("2045", plsPret), Env{}, nil},
		{"pas de prêt CDC: sans travaux dispensé", sansTravaux, in("2035", autre), Env{}, nil},
		// End year.
		{"année manquante", contentLO, in("", cdc), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFin}},
		{"année trop ancienne", contentLO, in("1970"), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(1977)}},
		{"année trop lointaine", contentLO, in("2526"), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMax(2525)}},
		{"sans prêt: pas de borne", pls, in("2030"), Env{}, nil},
		{"PLS avant juillet: min", pls, in("2039", plsPret), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2040)}},
		{"PLS avant juillet: bornes", pls, in("2040", plsPret), Env{}, nil},
		{"PLS avant juillet: max", pls, in("2066", plsPret), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMax(2065)}},
		{"PLS après juin: min +1", pls, in("2040", plsPret), Env{Today: todayLate}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2041)}},
		{"PLS après juin: accepté", pls, in("2041", plsPret), Env{Today: todayLate}, nil},
		{"PLS après juin: max +1", pls, in("2067", plsPret), Env{Today: todayLate}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMax(2066)}},
		{"PLS foyer: pas de max", plsFoyer, in("2090", plsPret), Env{}, nil},
		{"PLS avenant: date de signature du parent, pas de max", plsAvenant, in("2035", plsPret), Env{},
			[]string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2036)}},
		{"PLS avenant: accepté", plsAvenant, in("2099", plsPret), Env{}, nil},
		{"sans travaux: min +9", sansTravaux, in("2033", autre), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2034)}},
		{"sans travaux: accepté", sansTravaux, in("2034", autre), Env{}, nil},
		{"sans travaux après juin", sansTravaux, in("2034", autre), Env{Today: todayLate}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2035)}},
		{"CDC: fin du dernier prêt", contentLO, in("2063", cdc), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2064)}},
		{"CDC: fin après juin +1", contentLO, in("2064", with(cdc, func(p *PretInput) { p.DateOctroi = "2024-09-01" })), Env{},
			[]string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2065)}},
		{"CDC: au moins octroi + 9", contentLO, in("2031", with(cdc, func(p *PretInput) { p.Duree = "2" })), Env{},
			[]string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2033)}},
		{"CDC foyer: pas de +1 après juin", foyer, in("2064", with(cdc, func(p *PretInput) { p.DateOctroi = "2024-09-01" })), Env{}, nil},
		{"outre-mer: +9", outreMer, in("2033", with(cdc, func(p *PretInput) { p.Duree = "5" })), Env{},
			[]string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2034)}},
		{"outre-mer: fin des prêts", outreMer, in("2063", cdc), Env{}, []string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2064)}},
		{"outre-mer: accepté", outreMer, in("2064", cdc), Env{}, nil},
		{"mixte: règle CDC", func() *Content { return mixte(pls()) }, in("2063", with(cdc, func(p *PretInput) { p.Financement = "PLAI" })), Env{},
			[]string{"annee_fin_conventionnement: " + MsgAnneeFinMin(2064)}},
		{"prêts invalides: pas de contrôle de l'année", contentLO, in("2030", with(cdc, func(p *PretInput) { p.Numero = "" })), Env{},
			[]string{"prets/0/numero: " + MsgCDCNumero}},
		{"fonds propres illisibles", contentLO, FinancementInput{AnneeFinConventionnement: "2060", FondPropre: "beaucoup"}, Env{},
			[]string{"fond_propre: Fonds propres : « beaucoup » n'est pas un nombre ; saisissez par exemple 1 234,56"}},
		{"fonds propres français", contentLO, FinancementInput{AnneeFinConventionnement: "2060", FondPropre: "12 500,50"}, Env{}, nil},
	})
}

func TestFinancementDateFin(t *testing.T) {
	for _, tc := range []struct {
		c    *Content
		want string
	}{{contentLO(), "2060-06-30"}, {contentFoyer(), "2060-12-31"}} {
		pl, ps := FinancementInput{AnneeFinConventionnement: "2060"}.check(tc.c, Env{Today: today})
		if len(ps) > 0 {
			t.Fatal(ps)
		}
		if got := pl.(*financementPlan).dateFin.String(); got != tc.want {
			t.Errorf("date de fin %s, want %s", got, tc.want)
		}
	}
}

// lgt is a valid row of the first table (50 m² at 6 €/m², coef 1).
func lgt(des string) LogementInput {
	return LogementInput{Designation: des, Typologie: "T2", Financement: "PLUS", SurfaceHabitable: "45", SurfaceAnnexes: "10",
		SurfaceAnnexesRetenue: "5", SurfaceUtile: "50", LoyerParMetreCarre: "6,00", Coeficient: "1,0000", Loyer: "300"}
}

func logements(nb string, rows ...LogementInput) LogementsInput {
	var in LogementsInput
	in.Lots = []LotInput{{UUID: lotPLUS.String(), NbLogements: nb}}
	in.Tables[KindAvecLoyer] = rows
	return in
}

func TestLogementsRules(t *testing.T) {
	withEDD := func() *Content {
		c := contentLO()
		c.EDD = []LogementEDD{{Designation: "A1", Financement: "PLUS"}, {Designation: "A2", Financement: "PLUS"},
			{Designation: "A2", Financement: "PLUS"}, {Designation: "A3", Financement: "PLAI"}}
		return c
	}
	avenant := func() *Content { c := contentLO(); c.Convention.ParentID = new(int64); return c }
	runRules(t, []ruleCase{
		{"deux logements", contentLO, logements("2", lgt("A1"), lgt("A2")), Env{}, nil},
		// Scenario 18: 50 × 6 × 1 = 300; 305 is refused, 300,90 accepted.
		{"loyer hors tolérance", contentLO, logements("2", lgt("A1"), with(lgt("A2"), func(l *LogementInput) { l.Loyer = "305" })), Env{},
			[]string{"avec_loyer/1/loyer: Le loyer doit être le produit de la surface utile, du loyer par mètre carré et du coefficient, soit 300,00\u00a0€, avec une tolérance de 1 €"}},
		{"loyer dans la tolérance", contentLO, logements("2", lgt("A1"), with(lgt("A2"), func(l *LogementInput) { l.Loyer = "300,90" })), Env{}, nil},
		// Scenario 19: two loyers/m² in one lot.
		{"loyer au m² différent", contentLO, logements("2", lgt("A1"), with(lgt("A2"), func(l *LogementInput) {
			l.LoyerParMetreCarre, l.Loyer = "7", "350"
		})), Env{}, []string{
			"avec_loyer/0/loyer_par_metre_carre: " + MsgMemeLoyerM2("PLUS"), "avec_loyer/1/loyer_par_metre_carre: " + MsgMemeLoyerM2("PLUS")}},
		{"désignations en double", contentLO, logements("2", lgt("A1"), lgt("A1")), Env{}, []string{
			"avec_loyer/0/designation: " + MsgDesignationsUniques, "avec_loyer/1/designation: " + MsgDesignationsUniques}},
		// Scenario 20: 10 declared, 9 rows (here 3 declared, 2 rows).
		{"nombre déclaré différent (ignorable)", contentLO, logements("3", lgt("A1"), lgt("A2")), Env{},
			[]string{"?lots/0/nb_logements: " + MsgNbLogementsDeclares(3, 2)}},
		{"avenant: nombre non contrôlé", avenant, logements("3", lgt("A1"), lgt("A2")), Env{}, nil},
		{"nombre manquant", contentLO, logements("", lgt("A1")), Env{}, []string{"lots/0/nb_logements: " + MsgNbLogements}},
		{"coefficients au-delà de la tolérance", contentLO, logements("2",
			with(lgt("A1"), func(l *LogementInput) { l.Coeficient, l.Loyer = "1,2", "360" }), lgt("A2")), Env{},
			[]string{"avec_loyer/-1/: " + MsgCoefficients("PLUS", decimal.RequireFromString("660"), decimal.RequireFromString("600"), 2)}},
		{"coefficients dans la tolérance", contentLO, logements("2",
			with(lgt("A1"), func(l *LogementInput) { l.Coeficient, l.Loyer = "1,0066", "302" }), lgt("A2")), Env{}, nil},
		{"EDD: absent, en double, autre financement", withEDD, logements("4", lgt("A1"), lgt("A2"), lgt("A3"), lgt("A4")), Env{}, []string{
			"avec_loyer/1/designation: " + MsgPlusieursFoisDansEDD, "avec_loyer/2/designation: " + MsgFinancementEDD("PLAI"),
			"avec_loyer/3/designation: " + MsgPasDansEDD}},
		{"EDD: présent", withEDD, logements("1", lgt("A1")), Env{}, nil},
		{"valeurs illisibles", contentLO, logements("1", LogementInput{Designation: "A1", Typologie: "T9", Financement: "PLUS",
			SurfaceHabitable: "45,123", SurfaceAnnexes: "0", SurfaceAnnexesRetenue: "0", SurfaceUtile: "dix", LoyerParMetreCarre: "10000",
			Coeficient: "1,00001", Loyer: "-3"}), Env{}, []string{
			"avec_loyer/0/typologie: Type : « T9 » ne fait pas partie des valeurs possibles (T1, T1 bis, T1', T2, T3, T4, T5, T6, T7)",
			"avec_loyer/0/surface_habitable: Surface habitable : 2 chiffres après la virgule au plus",
			"avec_loyer/0/surface_utile: Surface utile : « dix » n'est pas un nombre ; saisissez par exemple 1 234,56",
			"avec_loyer/0/loyer_par_metre_carre: Loyer maximum en € par m² de surface utile : la valeur doit être inférieure à 10\u00a0000",
			"avec_loyer/0/coeficient: Coefficient propre au logement : 4 chiffres après la virgule au plus",
			"avec_loyer/0/loyer: Loyer maximum du logement en € : la valeur ne peut pas être négative"}},
		{"lot inconnu", contentLO, LogementsInput{Lots: []LotInput{{UUID: uuid.NewString(), NbLogements: "1"}}}, Env{},
			[]string{"lots/0/: " + MsgLotInconnuUUID}},
		{"avenant: surface corrigée", avenant, func() Input {
			in := logements("2", lgt("A1"))
			in.Tables[KindCorrigeeAvecLoyer] = []LogementInput{{Designation: "A2", Typologie: "T3", Financement: "PLUS", SurfaceHabitable: "60",
				SurfaceCorrigee: "70", LoyerParMetreCarre: "5", Coeficient: "1", Loyer: "360"}}
			return in
		}(), Env{}, []string{"corrigee_avec_loyer/0/loyer: Le loyer doit être le produit de la surface corrigée, du loyer par mètre carré et du coefficient, soit 350,00\u00a0€, avec une tolérance de 1 €"}},
		{"avenant: désignation unique sur les quatre tableaux", avenant, func() Input {
			in := logements("2", lgt("A1"))
			in.Tables[KindSansLoyer] = []LogementInput{{Designation: "A1", Typologie: "T3", Financement: "PLUS", SurfaceHabitable: "60",
				SurfaceAnnexes: "0", SurfaceAnnexesRetenue: "0", SurfaceUtile: "60"}}
			return in
		}(), Env{}, []string{"avec_loyer/0/designation: " + MsgDesignationsUniques, "sans_loyer/0/designation: " + MsgDesignationsUniques}},
	})
}

func TestFoyerLogementsRules(t *testing.T) {
	row := func(des, typ, sh, loyer string) LogementInput {
		return LogementInput{Designation: des, Typologie: typ, SurfaceHabitable: sh, Loyer: loyer}
	}
	in := func(nb, total string, rows ...LogementInput) FoyerResidenceLogementsInput {
		return FoyerResidenceLogementsInput{Lots: []LotInput{{UUID: lotPLUS.String(), NbLogements: nb, SurfaceHabitableTotale: total}}, Rows: rows}
	}
	runRules(t, []ruleCase{
		{"redevances identiques", contentFoyer, in("2", "40", row("1", "T1", "20", "400"), row("2", "T1", "20", "400,00")), Env{}, nil},
		{"redevances différentes", contentFoyer, in("3", "", row("1", "T1", "20", "400"), row("2", "T1", "20", "410"), row("3", "T7", "90", "900")), Env{}, []string{
			"logements/0/loyer: " + MsgRedevanceTypologie("T1"), "logements/1/loyer: " + MsgRedevanceTypologie("T1")}},
		{"surface totale insuffisante", contentFoyer, in("2", "39,99", row("1", "T1", "20", "400"), row("2", "T1", "20", "400")), Env{},
			[]string{"lots/0/surface_habitable_totale: " + MsgSurfaceTotale(decimal.RequireFromString("39.99"), decimal.RequireFromString("40"))}},
		{"nombre déclaré différent (ignorable)", contentFoyer, in("3", "", row("1", "T1", "20", "400")), Env{},
			[]string{"?lots/0/nb_logements: " + MsgNbLogementsDeclares(3, 1)}},
		{"champs obligatoires", contentFoyer, in("1", "", LogementInput{Financement: "PLUS"}), Env{}, []string{
			"logements/0/designation: Numéro du logement : ce champ est obligatoire", "logements/0/typologie: Type : ce champ est obligatoire",
			"logements/0/surface_habitable: Surface habitable : ce champ est obligatoire", "logements/0/loyer: Redevance maximale : ce champ est obligatoire"}},
	})
}

func TestAnnexesRules(t *testing.T) {
	row := func(des, fin, surface, lpmc, loyer string) AnnexeInput {
		return AnnexeInput{Typologie: "TERRASSE", LogementDesignation: des, LogementTypologie: "T2", Financement: fin,
			SurfaceHorsSurfaceRetenue: surface, LoyerParMetreCarre: lpmc, Loyer: loyer}
	}
	in := func(rows ...AnnexeInput) AnnexesInput {
		return AnnexesInput{Lots: []AnnexeOptionsInput{{UUID: lotPLUS.String(), Options: map[string]bool{"annexe_caves": true}}}, Rows: rows}
	}
	runRules(t, []ruleCase{
		{"loyer dans la tolérance", contentLO, in(row("A1", "PLUS", "10", "1,50", "15,10")), Env{}, nil},
		{"loyer au-delà", contentLO, in(row("A1", "PLUS", "10", "1,50", "15,11")), Env{},
			[]string{"annexes/0/loyer: " + MsgLoyerAnnexe(decimal.RequireFromString("15"))}},
		{"logement inconnu", contentLO, in(row("Z9", "PLUS", "10", "1", "10")), Env{}, []string{"annexes/0/logement_designation: " + MsgLogementInconnu}},
		{"financement inconnu", contentLO, in(row("A1", "PLAI", "10", "1", "10")), Env{}, []string{"annexes/0/financement: " + MsgFinancementInconnuAp}},
		{"champs obligatoires", contentLO, in(AnnexeInput{}), Env{}, []string{
			"annexes/0/typologie: Type d'annexe : ce champ est obligatoire", "annexes/0/financement: Financement : ce champ est obligatoire",
			"annexes/0/logement_designation: Désignation du logement : ce champ est obligatoire",
			"annexes/0/logement_typologie: Typologie du logement : ce champ est obligatoire",
			"annexes/0/surface_hors_surface_retenue: Surface de l'annexe : ce champ est obligatoire",
			"annexes/0/loyer_par_metre_carre: Loyer unitaire en € : ce champ est obligatoire",
			"annexes/0/loyer: Loyer maximum en € : ce champ est obligatoire"}},
	})
}

func TestStationnementsRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"complet", contentLO, StationnementsInput{Rows: []StationnementInput{{Typologie: "CARPORT", Financement: "PLUS", NbStationnements: "3", Loyer: "35,5"}}}, Env{}, nil},
		{"incomplet", contentLO, StationnementsInput{Rows: []StationnementInput{{Typologie: "GARAGE", NbStationnements: "2,5"}}}, Env{}, []string{
			"stationnements/0/typologie: Type de stationnement : « GARAGE » ne fait pas partie des valeurs possibles (" + TypologiesStationnement.JoinedLabels() + ")",
			"stationnements/0/financement: " + MsgFinancementRequis,
			"stationnements/0/nb_stationnements: Nombre de stationnements : « 2,5 » n'est pas un nombre entier",
			"stationnements/0/loyer: Loyer maximum en € : ce champ est obligatoire"}},
	})
}

func TestCollectifRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"complet", contentFoyer, CollectifInput{Lots: []CollectifLotInput{{UUID: lotPLUS.String(), FoyerResidenceNbGarageParking: "4"}},
			Rows: []LocalCollectifInput{{TypeLocal: "Salle", SurfaceHabitable: "30", Nombre: "1"}}}, Env{}, nil},
		{"incomplet", contentFoyer, CollectifInput{Rows: []LocalCollectifInput{{SurfaceHabitable: "10000"}}}, Env{}, []string{
			"locaux_collectifs/0/type_local: Type de local : ce champ est obligatoire",
			"locaux_collectifs/0/surface_habitable: Surface habitable : la valeur doit être inférieure à 10\u00a0000",
			"locaux_collectifs/0/nombre: Nombre : ce champ est obligatoire"}},
	})
}

func TestAttributionRules(t *testing.T) {
	base := AttributionInput{ReservationPrefectorale: "30", ModalitesReservations: "M", ModalitesChoixPersonnes: "C"}
	residence := func() *Content { c := contentFoyer(); c.Programme.NatureLogement = "RESISDENCESOCIALE"; return c }
	runRules(t, []ruleCase{
		{"foyer âgées", contentFoyer, with(base, func(a *AttributionInput) { a.Type, a.AgeesEphad = "agees", true }), Env{}, nil},
		{"communs manquants", contentFoyer, AttributionInput{Type: "agees"}, Env{}, []string{
			"attribution_reservation_prefectorale: " + MsgReservationPrefectorale,
			"attribution_modalites_reservations: " + MsgModalitesReservations,
			"attribution_modalites_choix_personnes: " + MsgModalitesChoixPersonnes}},
		{"pourcentage", contentFoyer, with(base, func(a *AttributionInput) { a.Type, a.ReservationPrefectorale = "agees", "120" }), Env{},
			[]string{"attribution_reservation_prefectorale: " + MsgReservationPourcentage}},
		{"type manquant", contentFoyer, base, Env{}, []string{"attribution_type: " + MsgAttributionType}},
		{"inclusif incomplet", contentFoyer, with(base, func(a *AttributionInput) { a.Type, a.InclusifActivites = "inclusif", "Jardin" }), Env{}, []string{
			"attribution_inclusif_conditions_specifiques: " + MsgInclusifRequis, "attribution_inclusif_conditions_admission: " + MsgInclusifRequis,
			"attribution_inclusif_modalites_attribution: " + MsgInclusifRequis, "attribution_inclusif_partenariats: " + MsgInclusifRequis}},
		{"autre sans détail", contentFoyer, with(base, func(a *AttributionInput) { a.Type, a.HandicapesAutre = "handicapees", true }), Env{},
			[]string{"attribution_handicapes_autre_detail: " + MsgAutreEtablissementDetail}},
		{"autre d'un type non choisi ignoré", contentFoyer, with(base, func(a *AttributionInput) { a.Type, a.AgeesAutre = "handicapees", true }), Env{}, nil},
		{"résidence", residence, with(base, func(a *AttributionInput) { a.Residence, a.PensionDeFamille = true, true }), Env{}, nil},
	})
}

func TestAttributionResetsOtherTypes(t *testing.T) {
	c := contentFoyer()
	c.Convention.AttributionAgeesEphad, c.Convention.AttributionInclusifActivites = true, "Jardin"
	pl, ps := AttributionInput{ReservationPrefectorale: "0", ModalitesReservations: "M", ModalitesChoixPersonnes: "C",
		Type: "handicapees", HandicapesFoyer: true, AgeesAutonomie: true}.check(c, Env{})
	if len(ps) > 0 {
		t.Fatal(ps)
	}
	v := pl.(*attributionPlan).values
	if v.AttributionAgeesEphad || v.AttributionAgeesAutonomie || v.AttributionInclusifActivites != "" || !v.AttributionHandicapesFoyer ||
		v.AttributionType() != "handicapees" {
		t.Errorf("values %+v", v)
	}
}

func TestVariantesRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"variante 1", contentFoyer, VariantesInput{Variante1: true}, Env{}, nil},
		{"aucune", contentFoyer, VariantesInput{}, Env{}, []string{"foyer_residence_variante_1: " + MsgUneVariante}},
		{"variante 2 sans travaux", contentFoyer, VariantesInput{Variante2: true}, Env{}, []string{"foyer_residence_variante_2_travaux: " + MsgVariante2Travaux}},
		{"variante 2 complète", contentFoyer, VariantesInput{Variante2: true, Variante2Travaux: "Toiture", Variante2NbTranches: "2", Variante2NbAnnees: "5"}, Env{}, nil},
	})
}

func TestCommentairesRules(t *testing.T) {
	runRules(t, []ruleCase{
		{"commentaire", contentLO, CommentairesInput{Commentaires: "Merci"}, Env{}, nil},
		{"trop long", contentLO, CommentairesInput{Commentaires: strings.Repeat("x", 5001)}, Env{},
			[]string{"commentaires: Commentaires à l'attention de l'instructeur : 5000 caractères au plus (5001 saisis)"}},
		{"champ libre", contentLO, ChampLibreInput{ChampLibreAvenant: "Texte"}, Env{}, nil},
		{"champ libre trop long", contentLO, ChampLibreInput{ChampLibreAvenant: strings.Repeat("x", 5001)}, Env{},
			[]string{"champ_libre_avenant: Champ libre de l'avenant : 5000 caractères au plus (5001 saisis)"}},
	})
}

func TestProblemString(t *testing.T) {
	p := Problem{Table: TablePrets, Row: 1, Field: "date_octroi", Message: MsgCDCDateOctroi}
	if got := p.String(); got != "Tableau des prêts et financements, ligne 2, Date d'octroi : "+MsgCDCDateOctroi {
		t.Errorf("String = %q", got)
	}
	if got := (Problem{Table: TableLots, Row: 0, Field: "nb_logements", Message: "x"}).String(); got != "Lot 1, Nombre de logements à conventionner : x" {
		t.Errorf("lots: %q", got)
	}
	ps := Problems{p, {Field: "nom", Message: "m"}, {Table: TablePrets, Row: -1, Message: "t"}}
	if len(ps.Cell(TablePrets, 1, "date_octroi")) != 1 || len(ps.Field("nom")) != 1 || len(ps.Table(TablePrets)) != 1 {
		t.Error("lookups")
	}
}
