package importxlsx

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// Every table read from the project's own template, filled as a user
// would: labels of the drop-downs, numbers, a date.
func TestReadTemplates(t *testing.T) {
	cases := []struct {
		kind Kind
		row  []any
		want any
	}{
		{Logements, []any{"A1", "T1 bis", "PLUS", 45.5, 10, 5, 50.5, 6.1, 1.05, 323.45},
			programme.LogementInput{Designation: "A1", Typologie: "T1bis", Financement: "PLUS", SurfaceHabitable: "45.5",
				SurfaceAnnexes: "10", SurfaceAnnexesRetenue: "5", SurfaceUtile: "50.5", LoyerParMetreCarre: "6.1", Coeficient: "1.05", Loyer: "323.45"}},
		{LogementsSansLoyer, []any{"A2", "T6 et plus", "PLAI", 90, 0, 0, 90},
			programme.LogementInput{Designation: "A2", Typologie: "T6", Financement: "PLAI", SurfaceHabitable: "90",
				SurfaceAnnexes: "0", SurfaceAnnexesRetenue: "0", SurfaceUtile: "90"}},
		{LogementsCorrigee, []any{"A3", "T2", "PLS", 40, 55, 4.5, 1, 247.5},
			programme.LogementInput{Designation: "A3", Typologie: "T2", Financement: "PLS", SurfaceHabitable: "40",
				SurfaceCorrigee: "55", LoyerParMetreCarre: "4.5", Coeficient: "1", Loyer: "247.5"}},
		{LogementsCorrigeeSansLoyer, []any{"A4", "T4", "PLUS", 70, 80},
			programme.LogementInput{Designation: "A4", Typologie: "T4", Financement: "PLUS", SurfaceHabitable: "70", SurfaceCorrigee: "80"}},
		{FoyerResidenceLogements, []any{"101", "T7", "PLAI", 18, 412.3},
			programme.LogementInput{Designation: "101", Typologie: "T7", Financement: "PLAI", SurfaceHabitable: "18", Loyer: "412.3"}},
		{Annexes, []any{"Jardin", "PLUS", "A1", "T3", 20, 0.5, 10},
			programme.AnnexeInput{Typologie: "JARDIN", Financement: "PLUS", LogementDesignation: "A1", LogementTypologie: "T3",
				SurfaceHorsSurfaceRetenue: "20", LoyerParMetreCarre: "0.5", Loyer: "10"}},
		{Stationnements, []any{"Garage enterré", "PLUS", 12, 35},
			programme.StationnementInput{Typologie: "GARAGE_ENTERRE", Financement: "PLUS", NbStationnements: "12", Loyer: "35"}},
		{Cadastre, []any{"AB", 123, "Les Prés", "1 200 m²", ""},
			programme.ReferenceCadastraleInput{Section: "AB", Numero: "123", Lieudit: "Les Prés", Surface: "1 200 m²"}},
		{EDD, []any{"A1", "Sans Financement", "12"},
			programme.LogementEDDInput{Designation: "A1", Financement: "SANS_FINANCEMENT", NumeroLot: "12"}},
		{Financement, []any{"P-1", "PLUS", 45366, 40, 1234567.891, "CDC pour le logement", ""},
			programme.PretInput{Numero: "P-1", Financement: "PLUS", DateOctroi: "2024-03-15", Duree: "40", Montant: "1234567.89", Preteur: "CDCL"}},
		{LocauxCollectifs, []any{"Salle commune", 30.25, 2},
			programme.LocalCollectifInput{TypeLocal: "Salle commune", SurfaceHabitable: "30.25", Nombre: "2"}},
	}
	if len(cases) != len(Kinds) {
		t.Fatalf("%d cas pour %d tableaux", len(cases), len(Kinds))
	}
	for _, c := range cases {
		t.Run(string(c.kind), func(t *testing.T) {
			res, err := Read(bytes.NewReader(filled(t, c.kind, [][]any{c.row})), c.kind)
			if err != nil {
				t.Fatal(err)
			}
			if res.Len() != 1 || res.Lines[0] != 3 {
				t.Fatalf("lignes %v, attendu la ligne 3", res.Lines)
			}
			if got := first(res); !reflect.DeepEqual(got, c.want) {
				t.Errorf("lu %+v\nattendu %+v", got, c.want)
			}
			if len(res.Warnings) != 0 {
				t.Errorf("avertissements inattendus : %v", res.Warnings)
			}
		})
	}
}

func first(res *Result) any {
	switch {
	case len(res.Logements) > 0:
		return res.Logements[0]
	case len(res.Annexes) > 0:
		return res.Annexes[0]
	case len(res.Stationnements) > 0:
		return res.Stationnements[0]
	case len(res.References) > 0:
		return res.References[0]
	case len(res.EDD) > 0:
		return res.EDD[0]
	case len(res.Prets) > 0:
		return res.Prets[0]
	case len(res.LocauxCollectifs) > 0:
		return res.LocauxCollectifs[0]
	}
	return nil
}

// French decimals typed as text, numbers rounded half-up to the field's
// decimals, dates typed as text.
func TestFrenchDecimalsAndDates(t *testing.T) {
	res, err := Read(bytes.NewReader(filled(t, Logements, [][]any{
		{"A1", "3", "PLUS", "1 234,56", "12,5", "6,25", 45.555, "6,10 €", "1,0000", 0.1 + 0.2},
		{"A2", "5 et plus", "PLUS", "45.5", "1\u00a0000,5", "0", "50", "6", "1", "300"},
	})), Logements)
	if err != nil {
		t.Fatal(err)
	}
	want := []programme.LogementInput{
		{Designation: "A1", Typologie: "T3", Financement: "PLUS", SurfaceHabitable: "1234.56", SurfaceAnnexes: "12.5",
			SurfaceAnnexesRetenue: "6.25", SurfaceUtile: "45.56", LoyerParMetreCarre: "6.1", Coeficient: "1", Loyer: "0.3"},
		{Designation: "A2", Typologie: "T5", Financement: "PLUS", SurfaceHabitable: "45.5", SurfaceAnnexes: "1000.5",
			SurfaceAnnexesRetenue: "0", SurfaceUtile: "50", LoyerParMetreCarre: "6", Coeficient: "1", Loyer: "300"},
	}
	if !reflect.DeepEqual(res.Logements, want) {
		t.Errorf("lu %+v\nattendu %+v", res.Logements, want)
	}
	pr, err := Read(bytes.NewReader(filled(t, Financement, [][]any{
		{"P1", "PLAI", "15/03/2024", "25", "12 000,00", "Autre/Subventions", "Région"},
		{"P2", "PLAI", "2024-01-31", 10, 500, "Etat", ""},
	})), Financement)
	if err != nil {
		t.Fatal(err)
	}
	if pr.Prets[0].DateOctroi != "2024-03-15" || pr.Prets[1].DateOctroi != "2024-01-31" || pr.Prets[0].Montant != "12000" || pr.Prets[0].Preteur != "AUTRE" {
		t.Errorf("prêts lus : %+v", pr.Prets)
	}
}

// The reference's headers (line breaks, longer texts, a header merged
// over two columns whose sub-headers are on row 2, a header merged down
// two rows), an extra column in the middle: all read.
func TestHeadersOfOtherSpreadsheets(t *testing.T) {
	b := workbook(t, "Logements", [][]any{
		{"Désignation des logements", "Type", "Commentaire interne", "Financement", "Surface habitable\n(article R.331-10)",
			"Surface des annexes", nil, "Surface utile\n(surface habitable augmentée de 50% de la surface des annexes)",
			"Loyer maximum en € par m² de surface utile", "Coefficient propre au logement", "Loyer maximum du logement en €\n(col 5 * col 6 * col 7)"},
		{nil, "Col 1", "", "", "", "Réelle", "Retenue dans la SU"},
		{"B12", "T2", "à vérifier", "PLUS", 45, 10, 5, 50, 6, 1, 300},
	}, func(f *excelize.File) {
		f.MergeCell("Logements", "F1", "G1")
		f.MergeCell("Logements", "A1", "A2")
	})
	res, err := Read(bytes.NewReader(b), Logements)
	if err != nil {
		t.Fatal(err)
	}
	want := programme.LogementInput{Designation: "B12", Typologie: "T2", Financement: "PLUS", SurfaceHabitable: "45",
		SurfaceAnnexes: "10", SurfaceAnnexesRetenue: "5", SurfaceUtile: "50", LoyerParMetreCarre: "6", Coeficient: "1", Loyer: "300"}
	if len(res.Logements) != 1 || res.Logements[0] != want {
		t.Fatalf("lu %+v\nattendu %+v", res.Logements, want)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "Commentaire interne") {
		t.Errorf("avertissements %v : la colonne en trop doit être signalée et ignorée", res.Warnings)
	}
	if res.Columns["surface_annexes_retenue"] != "G" || res.Columns["loyer"] != "K" {
		t.Errorf("colonnes %v", res.Columns)
	}
}

// The reference's logements templates start at the row named in Data!E2.
func TestFirstRowFromDataSheet(t *testing.T) {
	b := workbook(t, "EDD Simplifié", [][]any{
		{"Désignation des logements", "Financement", "Numéro de lot des logements"},
		{"aide"}, {"Col 1", "Col 2", "Col 3"},
		{"A1", "PLUS", "7"},
	}, func(f *excelize.File) {
		f.NewSheet("Data")
		f.SetCellValue("Data", "E2", 4)
	})
	res, err := Read(bytes.NewReader(b), EDD)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 1 || res.Lines[0] != 4 || res.EDD[0].NumeroLot != "7" {
		t.Errorf("lu %+v aux lignes %v", res.EDD, res.Lines)
	}
}

// Empty rows (in the middle and at the end, styled or holding spaces)
// are ignored; the lines of the rows read are the spreadsheet's.
func TestEmptyRowsIgnored(t *testing.T) {
	b := filled(t, Stationnements, [][]any{
		{"Carport", "PLUS", 2, 20},
		{nil, nil, nil, nil},
		{"Carport", "PLUS", 3, 25},
		{"  ", "", nil, "   "},
	})
	b = restyle(t, b, Stationnements.Sheet(), "A20", "D40")
	res, err := Read(bytes.NewReader(b), Stationnements)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(res.Lines, []int{3, 5}) {
		t.Errorf("lignes %v, attendu [3 5]", res.Lines)
	}
}

// restyle gives cells a style without a value (trailing rows a user
// formatted in advance).
func restyle(t *testing.T, b []byte, sheet, from, to string) []byte {
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFFF00"}}})
	if err := f.SetCellStyle(sheet, from, to, st); err != nil {
		t.Fatal(err)
	}
	buf, _ := f.WriteToBuffer()
	return buf.Bytes()
}

// Files refused as a whole, with the French message and nothing read.
func TestRefusedFiles(t *testing.T) {
	big := make([]byte, MaxFileSize+10)
	copy(big, "PK\x03\x04")
	bomb := zipOf(t, map[string][]byte{"[Content_Types].xml": make([]byte, maxUnzipped+1)})
	tpl, _ := Template(Logements)
	cases := []struct {
		name string
		b    []byte
		kind Kind
		want string
	}{
		{"vide", nil, Logements, MsgFormat},
		{"texte", []byte("désignation;type\nA1;T1\n"), Logements, MsgFormat},
		{"pdf", []byte("%PDF-1.7\n"), Logements, MsgFormat},
		{"zip sans classeur", zipOf(t, map[string][]byte{"a.txt": []byte("bonjour")}), Logements, ""},
		{"classeur tronqué", tpl[:len(tpl)/2], Logements, MsgFormat},
		{"trop gros", big, Logements, MsgTooLarge},
		{"bombe", bomb, Logements, MsgUnzipLimit},
		{"mauvaise feuille", workbook(t, "Feuil1", [][]any{{"Section"}}, nil), Cadastre, MsgSheet("Références Cadastrales")},
		{"entête manquante", workbook(t, "Références Cadastrales", [][]any{{"Section", "Numéro", "Surface", "Autre"}, {}, {"A", "1", "2", ""}}, nil),
			Cadastre, MsgHeader("Lieu-dit")},
		{"aucune ligne", filled(t, Annexes, nil), Annexes, MsgEmpty},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := readErr(t, c.b, c.kind)
			if len(e.Messages) == 0 {
				t.Fatalf("aucun message : %v", e)
			}
			if c.want != "" && e.Messages[0] != c.want {
				t.Errorf("message %q, attendu %q", e.Messages[0], c.want)
			}
		})
	}
}

// Every unreadable cell is reported with its sheet, line and column, in
// one go.
func TestCellErrors(t *testing.T) {
	e := readErr(t, filled(t, Financement, [][]any{
		{"P1", "PLUS", "hier", 2.5, 1000, "Banque", ""},
		{"P1", "PLUS", 45366, 10, 1000, "Etat", ""},
		{"P2", "PLUS", -4, 10, 1000, "Etat", ""},
	}), Financement)
	got := e.All()
	want := []string{
		"Feuille « Financements », ligne 3, colonne D (Durée (en années)) : La valeur « 2.5 » doit être un nombre entier",
		"Feuille « Financements », ligne 3, colonne F (Prêteur) : La valeur « Banque » doit faire partie des valeurs : " + programme.Preteurs.JoinedLabels(),
		"Feuille « Financements », ligne 5, colonne C (Date d'octroi) : La valeur « -4 » doit être une date",
		"Feuille « Financements », ligne 4, colonne A (Numéro) : " + MsgNumeroPret("P1", "PLUS"),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("messages\n%s\nattendu\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFiveThousandRows(t *testing.T) {
	res, err := Read(bytes.NewReader(filled(t, Logements, logementsRows(5000))), Logements)
	if err != nil {
		t.Fatal(err)
	}
	if res.Len() != 5000 || res.Lines[4999] != 5002 || res.Logements[4999].Designation != "L5000" {
		t.Errorf("%d lignes, dernière %d", res.Len(), res.Lines[len(res.Lines)-1])
	}
}

func TestTooManyRows(t *testing.T) {
	e := readErr(t, filled(t, LocauxCollectifs, func() [][]any {
		rows := make([][]any, MaxRows+1)
		for i := range rows {
			rows[i] = []any{"Salle", 10, 1}
		}
		return rows
	}()), LocauxCollectifs)
	if e.Messages[0] != MsgTooManyRows {
		t.Errorf("message %q", e.Messages[0])
	}
}

// Each template's headers are exactly what the importer matches: every
// column found, none ignored, and the zip holds every template.
func TestTemplates(t *testing.T) {
	for _, k := range Kinds {
		f, err := excelize.OpenReader(bytes.NewReader(mustTemplate(t, k)))
		if err != nil {
			t.Fatal(err)
		}
		row1, _ := f.GetRows(k.Sheet())
		f.Close()
		var want []string
		for _, c := range specs[k].cols {
			want = append(want, programme.FieldLabel(specs[k].object, c.field))
		}
		if !reflect.DeepEqual(row1[0], want) {
			t.Errorf("%s : entêtes %q, attendu %q", k, row1[0], want)
		}
	}
	z, err := TemplatesZip()
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(z, []byte("PK\x01\x02")); n != len(Kinds) {
		t.Errorf("%d modèles dans le zip, attendu %d", n, len(Kinds))
	}
}

func mustTemplate(t *testing.T, k Kind) []byte {
	b, err := Template(k)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func BenchmarkRead5000Logements(b *testing.B) {
	file := filled(b, Logements, logementsRows(5000))
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(bytes.NewReader(file), Logements); err != nil {
			b.Fatal(err)
		}
	}
}
