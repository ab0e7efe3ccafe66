package programme

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/shopspring/decimal"
)

func TestLoadContent(t *testing.T) {
	w := newWorld(t)
	m := w.makeConvention(conv{financement: []string{"PLUS", "PLAI"}, logements: 3})
	w.exec(`INSERT INTO programmes_logementedd (programme_id, designation, financement, numero_lot) VALUES ($1, 'A1', 'PLUS', '1')`, m.Programme)
	// A corrigée logement without loyer, to check the four kinds.
	w.exec(`INSERT INTO programmes_logement (designation, lot_id, typologie, surface_habitable, surface_corrigee) VALUES ('C1', $1, 'T3', 60, 70)`, m.Lots[1])
	c := w.load(m.ID)
	if c.Convention.UUID != m.UUID || c.Convention.IsAvenant() || c.Convention.SignataireNom != "Mme Martin" {
		t.Fatalf("convention %+v", c.Convention)
	}
	if c.Convention.AnneeFinConventionnement() != 2065 || c.Convention.DateFinConventionnement.String() != "2065-06-30" {
		t.Errorf("fin %v", c.Convention.DateFinConventionnement)
	}
	if c.Programme.Ville != "Paris" || c.Bailleur.Nom != "Paris Habitat OPH" || !c.Bailleur.IsHLMOrSEM() || c.Programme.AdministrationCode != "DD75" {
		t.Errorf("programme %+v bailleur %+v", c.Programme, c.Bailleur)
	}
	if len(c.Lots) != 2 || c.Lots[0].Financement != "PLUS" || c.Lots[1].Financement != "PLAI" || !c.IsMixte() || c.NbLogements() != 6 {
		t.Fatalf("lots %+v", c.Lots)
	}
	l := c.Lots[0]
	if len(l.Logements) != 3 || l.Logements[0].Designation != "A1" || len(l.Logements[0].Annexes) != 1 || len(l.Logements[1].Annexes) != 0 {
		t.Errorf("logements %+v", l.Logements)
	}
	if !l.Logements[0].Loyer.Decimal.Equal(decimal.NewFromInt(300)) || !l.Logements[0].Coeficient.Decimal.Equal(decimal.NewFromInt(1)) {
		t.Errorf("loyer %v", l.Logements[0].Loyer)
	}
	if len(l.Prets) != 1 || l.Prets[0].Preteur != "CDCF" || l.Prets[0].DateOctroi.Year != 2024 || *l.Prets[0].Duree != 40 {
		t.Errorf("prêts %+v", l.Prets)
	}
	if len(l.Stationnements) != 1 || len(c.ReferencesCadastrales) != 1 || len(c.EDD) != 1 || c.EDD[0].NumeroLot != "1" {
		t.Errorf("rows %+v %+v %+v", l.Stationnements, c.ReferencesCadastrales, c.EDD)
	}
	if n := len(c.Logements(KindAvecLoyer)); n != 6 {
		t.Errorf("%d avec loyer", n)
	}
	cs := c.Logements(KindCorrigeeSansLoyer)
	if len(cs) != 1 || cs[0].Designation != "C1" || cs[0].Financement != "PLAI" {
		t.Errorf("corrigée sans loyer %+v", cs)
	}
	if c.LotOf("PLAI") != &c.Lots[1] || c.LotOf("PLS") != nil {
		t.Error("LotOf")
	}
	if _, err := Load(t.Context(), w.pool, 999999); err != ErrNotFound {
		t.Errorf("unknown: %v", err)
	}
}

func TestTextFiles(t *testing.T) {
	cases := []struct {
		in, text string
		files    int
	}{
		{"", "", 0},
		{"texte libre", "texte libre", 0},
		{`{"text": "a", "files": {"u1": {"uuid": "u1"}}}`, "a", 1},
		{`{"text": "b", "files": []}`, "b", 0},
		{`{pas du json`, `{pas du json`, 0},
	}
	for _, c := range cases {
		tf := ParseTextFiles(c.in)
		if tf.Text != c.text || len(tf.Files) != c.files {
			t.Errorf("ParseTextFiles(%q) = %+v", c.in, tf)
		}
	}
	tf := ParseTextFiles(`{"text": "a", "files": {"u1": {"uuid": "u1"}}}`).WithText("é \"x\"")
	if got := tf.Encode(); got != `{"files": {"u1": {"uuid": "u1"}}, "text": "é \"x\""}` {
		t.Errorf("Encode = %s", got)
	}
	if (TextFiles{}).Encode() != "" {
		t.Error("empty encodes to \"\"")
	}
}

func TestFileEdits(t *testing.T) {
	stored := ParseTextFiles(`{"files": {"u1": {"uuid": "u1", "realname": "acte.pdf"}, "u2": {"filename": "plan.png"}}, "text": "t"}`)
	add := map[string]json.RawMessage{"u3": json.RawMessage(`{"realname": "neuf.pdf"}`)}
	for _, c := range []struct {
		name  string
		edits FileEdits
		want  []AttachedFile
		same  bool
	}{
		{"aucune modification", nil, []AttachedFile{{"u1", "acte.pdf"}, {"u2", "plan.png"}}, true},
		{"autre champ", FileEdits{"acquereur": {Remove: []string{"u1"}}}, []AttachedFile{{"u1", "acte.pdf"}, {"u2", "plan.png"}}, true},
		{"ajout", FileEdits{"vendeur": {Add: add}}, []AttachedFile{{"u1", "acte.pdf"}, {"u2", "plan.png"}, {"u3", "neuf.pdf"}}, false},
		{"retrait", FileEdits{"vendeur": {Remove: []string{"u2", "inconnu"}}}, []AttachedFile{{"u1", "acte.pdf"}}, false},
		{"retrait inconnu", FileEdits{"vendeur": {Remove: []string{"inconnu"}}}, []AttachedFile{{"u1", "acte.pdf"}, {"u2", "plan.png"}}, true},
		{"tout retiré", FileEdits{"vendeur": {Remove: []string{"u1", "u2"}}}, nil, false},
	} {
		got := c.edits.apply("vendeur", stored)
		if got.Text != "t" || !reflect.DeepEqual(got.Attached(), c.want) || sameFiles(stored, got) != c.same {
			t.Errorf("%s : %+v", c.name, got.Attached())
		}
	}
	if got := (TextFiles{Files: map[string]json.RawMessage{"u9": json.RawMessage(`null`)}}).Attached(); len(got) != 1 || got[0].Name != "u9" {
		t.Errorf("fichier sans nom : %+v", got)
	}
}

// Every text+files field of the step inputs takes its file edit: the
// plan holds the edited files with the stored text, and lists the field
// as changed only when its files change.
func TestStepFileEdits(t *testing.T) {
	stored := `{"files": {"u1": {"realname": "acte.pdf"}}, "text": "t"}`
	add := map[string]json.RawMessage{"u3": json.RawMessage(`{"realname": "neuf.pdf"}`)}
	cad := func(c *Content, e FileEdits) Input { in := CadastreInputOf(c); in.Files = e; return in }
	edd := func(c *Content, e FileEdits) Input { in := EDDInputOf(c); in.Files = e; return in }
	com := func(c *Content, e FileEdits) Input {
		return CommentairesInput{Commentaires: c.Convention.Commentaires.Text, Files: e}
	}
	pr := func(c *Content) *Programme { return &c.Programme }
	for _, tc := range []struct {
		col    string
		object string
		set    func(c *Content) *TextFiles
		input  func(*Content, FileEdits) Input
		got    func(plan) TextFiles
	}{
		{"vendeur", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).Vendeur }, cad, func(p plan) TextFiles { return p.(*cadastrePlan).vendeur }},
		{"acquereur", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).Acquereur }, cad, func(p plan) TextFiles { return p.(*cadastrePlan).acquereur }},
		{"reference_notaire", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).ReferenceNotaire }, cad, func(p plan) TextFiles { return p.(*cadastrePlan).refNotaire }},
		{"reference_publication_acte", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).ReferencePublicationActe }, cad, func(p plan) TextFiles { return p.(*cadastrePlan).refPub }},
		{"edd_volumetrique", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).EDDVolumetrique }, edd, func(p plan) TextFiles { return p.(*eddPlan).vol }},
		{"edd_classique", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).EDDClassique }, edd, func(p plan) TextFiles { return p.(*eddPlan).cla }},
		{"edd_stationnements", ObjProgramme, func(c *Content) *TextFiles { return &pr(c).EDDStationnements }, edd, func(p plan) TextFiles { return p.(*eddPlan).sta }},
		{"commentaires", ObjConvention, func(c *Content) *TextFiles { return &c.Convention.Commentaires }, com, func(p plan) TextFiles { return p.(*commentairesPlan).text }},
	} {
		c := contentLO()
		*tc.set(c) = ParseTextFiles(stored)
		if got := c.TextFilesOf(tc.col); !reflect.DeepEqual(got.Attached(), []AttachedFile{{"u1", "acte.pdf"}}) {
			t.Errorf("%s : TextFilesOf lit %+v", tc.col, got)
		}
		owner := c.Programme.UUID
		if tc.object == ObjConvention {
			owner = c.Convention.UUID
		}
		key := FieldKey(tc.object, tc.col, owner)
		for _, e := range []struct {
			name  string
			edits FileEdits
			want  []AttachedFile
		}{
			{"sans modification", nil, []AttachedFile{{"u1", "acte.pdf"}}},
			{"autre champ", FileEdits{"autre": {Remove: []string{"u1"}}}, []AttachedFile{{"u1", "acte.pdf"}}},
			{"ajout et retrait", FileEdits{tc.col: {Add: add, Remove: []string{"u1"}}}, []AttachedFile{{"u3", "neuf.pdf"}}},
		} {
			p, _ := tc.input(c, e.edits).check(c, Env{Today: today})
			got := tc.got(p)
			changed := false
			for _, ch := range p.changes() {
				for _, k := range ch.keys {
					changed = changed || k == key
				}
			}
			wantChanged := e.edits[tc.col].Add != nil
			if got.Text != "t" || !reflect.DeepEqual(got.Attached(), e.want) || changed != wantChanged {
				t.Errorf("%s, %s : %+v, changé %v", tc.col, e.name, got, changed)
			}
		}
	}
}
