package programme

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/shopspring/decimal"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
)

var testEnv = Options{Env: Env{Today: today}}

// save runs Save in a transaction committed on success.
func (w *world) save(s *access.Subject, id uuid.UUID, in Input, opt Options) (*Result, error) {
	w.t.Helper()
	var res *Result
	err := pgxTx(w.t, w, func(tx pgx.Tx) (err error) {
		res, err = Save(context.Background(), tx, s, id, in, opt)
		return err
	})
	return res, err
}

func (w *world) mustSave(s *access.Subject, id uuid.UUID, in Input) *Result {
	w.t.Helper()
	res, err := w.save(s, id, in, testEnv)
	if err != nil {
		w.t.Fatalf("%s : %v", in.Step(), err)
	}
	return res
}

// Posting the stored form of every step back is accepted and changes
// nothing, for every nature (logements ordinaires with and without EDD,
// foyer, résidence, avenant).
func TestSaveStoredFormChangesNothing(t *testing.T) {
	w := newWorld(t)
	cases := map[string]made{
		"logements ordinaires": w.makeConvention(conv{}),
		"type I/II mixte":      w.makeConvention(conv{bailleur: w.assoc, financement: []string{"PLUS", "PLAI"}}),
		"foyer":                w.makeConvention(conv{nature: "AUTRE"}),
		"résidence":            w.makeConvention(conv{nature: "RESIDENCEDACCUEIL"}),
	}
	parent := w.makeConvention(conv{statut: "5. Signée"})
	av := w.makeConvention(conv{parent: parent.ID})
	w.exec(`INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id) SELECT $1, id FROM conventions_avenanttype WHERE nom NOT IN ('denonciation', 'resiliation')`, av.ID)
	cases["avenant"] = av
	for name, m := range cases {
		w.exec(`INSERT INTO programmes_logementedd (programme_id, designation, financement, numero_lot)
			SELECT $1, lg.designation, l.financement, '1' FROM programmes_logement lg JOIN programmes_lot l ON l.id = lg.lot_id
			WHERE l.convention_id = $2`, m.Programme, m.ID)
		c := w.load(m.ID)
		for _, s := range Steps(c) {
			before := w.dump(m.ID)
			res, err := w.save(w.bailleur, m.UUID, StoredInput(c, s), testEnv)
			if err != nil {
				t.Errorf("%s, %s : %v", name, s, err)
				continue
			}
			if res.Changed {
				t.Errorf("%s, %s : le formulaire enregistré est vu comme modifié", name, s)
			}
			if after := w.dump(m.ID); after != before {
				t.Errorf("%s, %s : le contenu a changé\navant %s\naprès %s", name, s, before, after)
			}
		}
	}
}

func TestSaveBailleurProgrammeCadastre(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{})
	w.exec(`UPDATE programmes_programme SET code_insee_departement = '', code_insee_region = '' WHERE id = $1`, m.Programme)
	w.mustSave(w.bailleur, m.UUID, BailleurInput{SignataireNom: "M. Durand", SignataireFonction: "Directeur", SignataireDateDeliberation: "12/01/2024"})
	w.mustSave(w.bailleur, m.UUID, ProgrammeInput{Nom: "Les Iris", Adresse: "3 rue Paradis", CodePostal: "13001", Ville: "Marseille",
		TypeHabitat: "INDIVIDUEL", TypeOperation: "VEFA", Anru: true, NbLocauxCommerciaux: "2", NbBureaux: "0"})
	c := w.load(m.ID)
	in := CadastreInputOf(c)
	in.DateAchevementPrevisible, in.Vendeur = "30/06/2027", "SCI Soleil"
	in.References[0].Lieudit = "Le Moulin"
	in.References = append(in.References, ReferenceCadastraleInput{Section: "AC", Numero: "7", Lieudit: "Les Vignes", Surface: "1 ha"})
	w.mustSave(w.bailleur, m.UUID, in)

	c = w.load(m.ID)
	cv, p := c.Convention, c.Programme
	if cv.SignataireNom != "M. Durand" || cv.SignataireDateDeliberation.String() != "2024-01-12" {
		t.Errorf("signataire %+v", cv)
	}
	if p.Nom != "Les Iris" || c.Adresse() != "3 rue Paradis" || cv.Adresse != "3 rue Paradis" || p.Ville != "Marseille" ||
		p.TypeOperation != "VEFA" || !p.Anru || *p.NbLocauxCommerciaux != 2 || c.Lots[0].TypeHabitat != "INDIVIDUEL" {
		t.Errorf("opération %+v", p)
	}
	if p.CodeInseeDepartement != "13" || p.CodeInseeRegion != "93" {
		t.Errorf("INSEE %q %q", p.CodeInseeDepartement, p.CodeInseeRegion)
	}
	if p.DateAchevementCompile.String() != "2027-06-30" || p.Vendeur.Text != "SCI Soleil" {
		t.Errorf("cadastre %+v", p)
	}
	if len(c.ReferencesCadastrales) != 2 || c.ReferencesCadastrales[0].Lieudit != "Le Moulin" || c.ReferencesCadastrales[1].Lieudit != "Les Vignes" {
		t.Errorf("références %+v", c.ReferencesCadastrales)
	}
	// Removing a row deletes it.
	in = CadastreInputOf(c)
	in.References = in.References[1:]
	w.mustSave(w.bailleur, m.UUID, in)
	if c = w.load(m.ID); len(c.ReferencesCadastrales) != 1 || c.ReferencesCadastrales[0].Section != "AC" {
		t.Errorf("après suppression %+v", c.ReferencesCadastrales)
	}
}

func TestSaveFinancementAndEDD(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{bailleur: w.assoc, financement: []string{"PLUS", "PLAI"}})
	c := w.load(m.ID)
	in := FinancementInputOf(c)
	in.AnneeFinConventionnement, in.FondPropre = "2066", "12 500,50"
	// The PLAI lot's prêt moves to PLUS; a new CDC prêt for PLAI.
	in.Prets[1].Financement = "PLUS"
	in.Prets = append(in.Prets, PretInput{Financement: "PLAI", Preteur: "CDCL", Numero: "P9", DateOctroi: "2024-03-01", Duree: "40", Montant: "5 000"})
	w.mustSave(w.bailleur, m.UUID, in)
	c = w.load(m.ID)
	if c.Convention.DateFinConventionnement.String() != "2066-06-30" || *c.Convention.FondPropre != 12500.5 {
		t.Errorf("financement %+v", c.Convention)
	}
	if len(c.Lots[0].Prets) != 2 || len(c.Lots[1].Prets) != 1 || c.Lots[1].Prets[0].Numero != "P9" ||
		!c.Lots[1].Prets[0].Montant.Equal(decimal.NewFromInt(5000)) {
		t.Errorf("prêts %+v / %+v", c.Lots[0].Prets, c.Lots[1].Prets)
	}

	// EDD: covering one financement only needs the confirmation, which is
	// recorded.
	edd := EDDInput{EDDClassique: "Acte du 12/01/2020", Rows: []LogementEDDInput{{Designation: "A1", NumeroLot: "1", Financement: "PLUS"}}}
	before := w.dump(m.ID)
	_, err := w.save(w.bailleur, m.UUID, edd, testEnv)
	if v, ok := AsValidationError(err); !ok || !v.NeedsConfirmation() {
		t.Fatalf("EDD incomplet sans confirmation : %v", err)
	}
	if w.dump(m.ID) != before {
		t.Error("l'EDD non confirmé a été enregistré")
	}
	res, err := w.save(w.bailleur, m.UUID, edd, Options{IgnoreOptional: true, Env: testEnv.Env})
	if err != nil || len(res.Overridden) != 1 {
		t.Fatalf("EDD confirmé : %v %+v", err, res)
	}
	c = w.load(m.ID)
	if len(c.EDD) != 1 || c.Programme.EDDClassique.Text != "Acte du 12/01/2020" {
		t.Errorf("EDD %+v", c.EDD)
	}
	ov, err := Overrides(context.Background(), w.pool, m.ID)
	if err != nil || len(ov) != 1 || ov[0].Step != StepEDD || ov[0].UserName != "Bailleur Test" ||
		!strings.HasPrefix(ov[0].Messages[0], "Tableau de l'EDD simplifié : L'EDD simplifié doit comporter") {
		t.Errorf("dérogation enregistrée %+v %v", ov, err)
	}
}

func TestSaveLogements(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{financement: []string{"PLUS", "PLAI"}, logements: 2})
	c := w.load(m.ID)
	in := LogementsInputOf(c)
	rows := in.Tables[KindAvecLoyer]
	// A2 changes, B1 moves to PLUS, B2 is removed, A3 is new.
	rows[1].Loyer, rows[1].Coeficient = "303", "1,01"
	rows[2].Financement = "PLUS"
	rows = append(rows[:3], lgt("A3"))
	in.Tables[KindAvecLoyer] = rows
	in.Lots[0].NbLogements, in.Lots[1].NbLogements = "4", "0"
	in.Lots[0].LoyerDerogatoire = "7,5"
	res := w.mustSave(w.bailleur, m.UUID, in)
	if !res.Changed {
		t.Error("modification non vue")
	}
	c = w.load(m.ID)
	var des []string
	for _, lg := range c.Lots[0].Logements {
		des = append(des, lg.Designation)
	}
	if strings.Join(des, ",") != "A1,A2,B1,A3" || len(c.Lots[1].Logements) != 0 || *c.Lots[0].NbLogements != 4 ||
		!c.Lots[0].LoyerDerogatoire.Decimal.Equal(decimal.RequireFromString("7.5")) {
		t.Errorf("logements %v, lots %+v", des, c.Lots)
	}
	if lg := c.Lots[0].Logements[1]; !lg.Loyer.Decimal.Equal(decimal.NewFromInt(303)) || lg.UUID.String() != rows[1].UUID {
		t.Errorf("A2 %+v", lg)
	}
	// The annexe of A1 stayed with its logement.
	if len(c.Lots[0].Logements[0].Annexes) != 1 {
		t.Error("annexe perdue")
	}

	// Scenario 20: a count that differs needs the confirmation.
	in = LogementsInputOf(c)
	in.Lots[0].NbLogements = "5"
	before := w.dump(m.ID)
	if _, err := w.save(w.bailleur, m.UUID, in, testEnv); err == nil {
		t.Fatal("nombre différent enregistré sans confirmation")
	} else if v, ok := AsValidationError(err); !ok || !v.NeedsConfirmation() ||
		v.Problems[0].Message != MsgNbLogementsDeclares(5, 4) {
		t.Fatalf("%v", err)
	}
	if w.dump(m.ID) != before {
		t.Error("enregistré sans confirmation")
	}
	if _, err := w.save(w.bailleur, m.UUID, in, Options{IgnoreOptional: true, Env: testEnv.Env}); err != nil {
		t.Fatal(err)
	}
	// Scenario 18: a blocking problem writes nothing, whatever the flag.
	in = LogementsInputOf(w.load(m.ID))
	in.Tables[KindAvecLoyer][0].Loyer = "305"
	before = w.dump(m.ID)
	_, err := w.save(w.bailleur, m.UUID, in, Options{IgnoreOptional: true, Env: testEnv.Env})
	if v, ok := AsValidationError(err); !ok || v.NeedsConfirmation() || len(v.Problems.Cell(TableAvecLoyer, 0, "loyer")) != 1 {
		t.Fatalf("loyer hors tolérance : %v", err)
	}
	if w.dump(m.ID) != before {
		t.Error("une étape refusée a été enregistrée")
	}
}

func TestSaveAnnexesStationnements(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{})
	c := w.load(m.ID)
	an := AnnexesInputOf(c)
	an.Lots[0].Options["annexe_caves"] = true
	an.Rows = append(an.Rows, AnnexeInput{Typologie: "JARDIN", LogementDesignation: "A2", LogementTypologie: "T2", Financement: "PLUS",
		SurfaceHorsSurfaceRetenue: "20", LoyerParMetreCarre: "0,5", Loyer: "10,10"})
	w.mustSave(w.bailleur, m.UUID, an)
	st := StationnementsInput{Rows: []StationnementInput{{Typologie: "CARPORT", Financement: "PLUS", NbStationnements: "4", Loyer: "25"}}}
	w.mustSave(w.bailleur, m.UUID, st)
	c = w.load(m.ID)
	if !c.Lots[0].Annexes["annexe_caves"] || len(c.Lots[0].Logements[1].Annexes) != 1 || c.Lots[0].Logements[1].Annexes[0].Typologie != "JARDIN" {
		t.Errorf("annexes %+v", c.Lots[0])
	}
	if len(c.Lots[0].Stationnements) != 1 || c.Lots[0].Stationnements[0].Typologie != "CARPORT" {
		t.Errorf("stationnements %+v", c.Lots[0].Stationnements)
	}
}

func TestSaveFoyerAndResidence(t *testing.T) {
	w := newWorld(t)
	f := w.makeConvention(conv{nature: "AUTRE"})
	c := w.load(f.ID)
	lg := FoyerResidenceLogementsInputOf(c)
	lg.Lots[0].SurfaceHabitableTotale = "60"
	lg.Lots[0].NbLogements = "3"
	lg.Rows = append(lg.Rows, LogementInput{Designation: "A3", Typologie: "T1", SurfaceHabitable: "20", Loyer: "400"})
	w.mustSave(w.bailleur, f.UUID, lg)
	col := CollectifInputOf(w.load(f.ID))
	col.Lots[0].FoyerResidenceNbGarageParking = "4"
	col.Rows = append(col.Rows, LocalCollectifInput{TypeLocal: "Laverie", SurfaceHabitable: "12", Nombre: "1"})
	w.mustSave(w.bailleur, f.UUID, col)
	w.mustSave(w.bailleur, f.UUID, AttributionInput{ReservationPrefectorale: "25", ModalitesReservations: "M", ModalitesChoixPersonnes: "C",
		Type: "inclusif", InclusifConditionsSpecifiques: "a", InclusifConditionsAdmission: "b", InclusifModalitesAttribution: "c",
		InclusifPartenariats: "d", InclusifActivites: "e"})
	w.mustSave(w.bailleur, f.UUID, VariantesInput{Variante1: true})
	fin := FinancementInputOf(w.load(f.ID))
	fin.AnneeFinConventionnement, fin.HistoriqueFinancementPublic = "2070", "PLAI 1990"
	w.mustSave(w.bailleur, f.UUID, fin)
	c = w.load(f.ID)
	v := c.Convention
	if len(c.Lots[0].Logements) != 3 || !c.Lots[0].SurfaceHabitableTotale.Decimal.Equal(decimal.NewFromInt(60)) {
		t.Errorf("logements %+v", c.Lots[0])
	}
	if *c.Lots[0].FoyerResidenceNbGarageParking != 4 || len(c.Lots[0].LocauxCollectifs) != 2 {
		t.Errorf("collectif %+v", c.Lots[0])
	}
	if v.AttributionType() != "inclusif" || v.AttributionAgeesAutonomie || *v.AttributionReservationPrefectorale != 25 {
		t.Errorf("attribution %+v", v)
	}
	if !v.Variante1 || v.Variante2 || v.Variante2Travaux != "" || v.Variante3 {
		t.Errorf("variantes %+v", v)
	}
	if v.DateFinConventionnement.String() != "2070-12-31" || v.HistoriqueFinancementPublic != "PLAI 1990" {
		t.Errorf("financement %+v", v)
	}
	// The total surface rule, now applied.
	lg = FoyerResidenceLogementsInputOf(c)
	lg.Lots[0].SurfaceHabitableTotale = "59"
	if _, err := w.save(w.bailleur, f.UUID, lg, testEnv); err == nil || !strings.Contains(err.Error(), "surface habitable totale") {
		t.Errorf("surface totale : %v", err)
	}

	r := w.makeConvention(conv{nature: "PENSIONSDEFAMILLE"})
	w.mustSave(w.bailleur, r.UUID, AttributionInput{Residence: true, ReservationPrefectorale: "10", ModalitesReservations: "M",
		ModalitesChoixPersonnes: "C", PensionDeFamille: true})
	if c := w.load(r.ID); !c.Convention.AttributionPensionDeFamille || !c.Convention.AttributionAgeesAutonomie {
		t.Errorf("résidence %+v", c.Convention)
	}
	// A step of another nature is refused.
	if _, err := w.save(w.bailleur, r.UUID, AttributionInput{ReservationPrefectorale: "10", ModalitesReservations: "M",
		ModalitesChoixPersonnes: "C", Type: "agees"}, testEnv); !isRefusal(err, MsgStepNotHere) {
		t.Errorf("attribution de foyer sur une résidence : %v", err)
	}
}

func TestSaveAvenant(t *testing.T) {
	w := newWorld(t)
	parent := w.makeConvention(conv{statut: "5. Signée"})
	av := w.makeConvention(conv{parent: parent.ID})
	// Without the logements type, the step is refused.
	c := w.load(av.ID)
	if _, err := w.save(w.bailleur, av.UUID, LogementsInputOf(c), testEnv); !isRefusal(err, MsgAvenantTypeNotTicked(StepLogements)) {
		t.Fatalf("type non coché : %v", err)
	}
	w.exec(`INSERT INTO conventions_convention_avenant_types (convention_id, avenanttype_id)
		SELECT $1, id FROM conventions_avenanttype WHERE nom IN ('logements', 'champ_libre')`, av.ID)
	in := LogementsInputOf(w.load(av.ID))
	// A2 moves to the corrigée sans loyer table; a new sans loyer row.
	a2 := in.Tables[KindAvecLoyer][1]
	in.Tables[KindAvecLoyer] = in.Tables[KindAvecLoyer][:1]
	in.Tables[KindCorrigeeSansLoyer] = []LogementInput{{UUID: a2.UUID, Designation: "A2", Typologie: "T2", Financement: "PLUS",
		SurfaceHabitable: "45", SurfaceCorrigee: "61,5"}}
	in.Tables[KindSansLoyer] = []LogementInput{{Designation: "A3", Typologie: "T4", Financement: "PLUS", SurfaceHabitable: "80",
		SurfaceAnnexes: "0", SurfaceAnnexesRetenue: "0", SurfaceUtile: "80"}}
	in.Lots[0].NbLogements = "9" // not checked on avenants
	w.mustSave(w.bailleur, av.UUID, in)
	w.mustSave(w.bailleur, av.UUID, ChampLibreInput{ChampLibreAvenant: "Article 3 modifié."})
	c = w.load(av.ID)
	if len(c.Logements(KindAvecLoyer)) != 1 || len(c.Logements(KindSansLoyer)) != 1 || len(c.Logements(KindCorrigeeSansLoyer)) != 1 ||
		c.Logements(KindCorrigeeSansLoyer)[0].UUID.String() != a2.UUID || c.Convention.ChampLibreAvenant != "Article 3 modifié." {
		t.Errorf("avenant %+v", c.Lots[0].Logements)
	}
	// An empty table removes its logements.
	in = LogementsInputOf(c)
	in.Tables[KindSansLoyer] = nil
	w.mustSave(w.bailleur, av.UUID, in)
	if c = w.load(av.ID); len(c.Logements(KindSansLoyer)) != 0 || len(c.Lots[0].Logements) != 2 {
		t.Errorf("tableau vidé %+v", c.Lots[0].Logements)
	}
}

func isRefusal(err error, msg string) bool {
	r, ok := convention.AsRefusal(err)
	return ok && r.Message == msg
}

// Editability on the server: who may change what, and nothing written
// when refused.
func TestSaveEditability(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{statut: "3. Corrections requises"})
	c := w.load(m.ID)
	// An open comment on the programme's name and on the logements table.
	w.exec(`INSERT INTO comments_comment (nom_objet, champ_objet, uuid_objet, convention_id, user_id, message, statut)
		VALUES ('programme', 'nom', $2, $1, $3, 'Nom ?', 'OUVERT'), ('programme', 'ville', $2, $1, $3, 'Ville ?', 'RESOLU'),
		('logement', 'logements', $4, $1, $3, 'Loyers ?', 'OUVERT')`,
		m.ID, c.Programme.UUID, w.instructeur.UserID, c.Lots[0].UUID)

	// Scenario 24: the commented field changes, the others keep theirs.
	in := ProgrammeInputOf(c)
	in.Nom = "Nouveau nom"
	w.mustSave(w.bailleur, m.UUID, in)
	if c = w.load(m.ID); c.Programme.Nom != "Nouveau nom" {
		t.Errorf("nom %q", c.Programme.Nom)
	}
	// A field whose comment is resolved stays locked.
	before := w.dump(m.ID)
	in = ProgrammeInputOf(c)
	in.Nom, in.Ville = "Encore", "Lyon"
	_, err := w.save(w.bailleur, m.UUID, in, testEnv)
	if !isRefusal(err, MsgFieldLocked("Ville de l'opération")) {
		t.Errorf("ville verrouillée : %v", err)
	}
	if w.dump(m.ID) != before {
		t.Error("un enregistrement refusé a écrit")
	}
	// The commented table: rows change, are added and removed.
	lg := LogementsInputOf(c)
	lg.Tables[KindAvecLoyer][1].Loyer = "300,50"
	w.mustSave(w.bailleur, m.UUID, lg)
	// Its lot's fields are not commented.
	lg = LogementsInputOf(w.load(m.ID))
	lg.Lots[0].LoyerDerogatoire = "9"
	if _, err := w.save(w.bailleur, m.UUID, lg, testEnv); !isRefusal(err, MsgFieldLocked("Loyer dérogatoire des logements (PLUS)")) {
		t.Errorf("lot verrouillé : %v", err)
	}
	// Another step, posted back unchanged, is fine; changed, refused.
	w.mustSave(w.bailleur, m.UUID, BailleurInputOf(c))
	if _, err := w.save(w.bailleur, m.UUID, BailleurInput{SignataireNom: "Autre"}, testEnv); !isRefusal(err,
		MsgFieldLocked("Nom du signataire de la convention")) {
		t.Errorf("signataire verrouillé : %v", err)
	}
	// The instructeur edits everything in correction.
	w.mustSave(w.instructeur, m.UUID, BailleurInput{SignataireNom: "Autre"})
	// A read-only instructeur changes nothing.
	if _, err := w.save(w.readonly, m.UUID, BailleurInput{SignataireNom: "Encore"}, testEnv); !isRefusal(err, convention.MsgReadOnly) {
		t.Errorf("lecture seule : %v", err)
	}

	// In instruction, the bailleur changes nothing, even commented fields.
	i := w.makeConvention(conv{statut: "2. Instruction requise"})
	ci := w.load(i.ID)
	in = ProgrammeInputOf(ci)
	in.Nom = "X"
	if _, err := w.save(w.bailleur, i.UUID, in, testEnv); !isRefusal(err, MsgNotEditable) {
		t.Errorf("instruction : %v", err)
	}
	// A signed convention: nobody, except in expert mode.
	s := w.makeConvention(conv{statut: "5. Signée"})
	in = ProgrammeInputOf(w.load(s.ID))
	in.Nom = "X"
	if _, err := w.save(w.instructeur, s.UUID, in, testEnv); !isRefusal(err, MsgNotEditable) {
		t.Errorf("signée : %v", err)
	}
	expert := *w.instructeur
	expert.Expert = true
	w.mustSave(&expert, s.UUID, in)

	// Out of scope: not found, nothing written.
	other := w.id(`INSERT INTO bailleurs_bailleur (nom, siret, siren, nature_bailleur) VALUES ('Autre', '50000000000011', '500000000', 'HLM') RETURNING id`)
	o := w.makeConvention(conv{bailleur: other})
	before = w.dump(o.ID)
	in = ProgrammeInputOf(w.load(o.ID))
	in.Nom = "X"
	if _, err := w.save(w.bailleur, o.UUID, in, testEnv); !isRefusal(err, convention.MsgNotVisible) {
		t.Errorf("hors périmètre : %v", err)
	}
	if _, err := w.save(w.bailleur, uuid.New(), in, testEnv); !isRefusal(err, convention.MsgNotVisible) {
		t.Errorf("inconnue : %v", err)
	}
	if w.dump(o.ID) != before {
		t.Error("hors périmètre : écrit")
	}
}
