package importxlsx

import (
	"archive/zip"
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"github.com/MTES-MCT/apilos-go/internal/programme"
)

// ZipName is the file name of the zip of every template.
const ZipName = "tous_les_templates_xlsx.zip"

// listsSheet holds the drop-down lists of a template. It is not named
// "Data": the reference read the first data row from Data!E2.
const listsSheet = "Listes"

// templateRows is how many rows of a template carry the drop-downs.
const templateRows = MaxRows

// Template builds the empty workbook of a table, as the importer reads
// it: the table's sheet with the headers on row 1 (the catalogue's
// labels), a help text per column on row 2, rows from row 3, drop-down
// lists for the columns with choices, and a notice.
func Template(kind Kind) ([]byte, error) {
	sp, ok := specs[kind]
	if !ok {
		return nil, fmt.Errorf("importxlsx: table inconnue %q", kind)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sp.sheet); err != nil {
		return nil, err
	}
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E3E3FD"}}})
	if err != nil {
		return nil, err
	}
	help, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Italic: true, Color: "666666"},
		Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	if _, err := f.NewSheet(listsSheet); err != nil {
		return nil, err
	}
	lists := 0
	for j, c := range sp.cols {
		col, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetCellStr(sp.sheet, col+"1", sp.header(c)); err != nil {
			return nil, err
		}
		if err := f.SetCellStr(sp.sheet, col+"2", c.help); err != nil {
			return nil, err
		}
		if err := f.SetColWidth(sp.sheet, col, col, 24); err != nil {
			return nil, err
		}
		var choices []string
		switch c.kind {
		case choice, typologie:
			choices = c.choices.Labels()
		case financement:
			choices = uniqueLabels(programme.Financements)
		}
		if len(choices) == 0 {
			continue
		}
		lists++
		lcol, _ := excelize.ColumnNumberToName(lists)
		if err := f.SetCellStr(listsSheet, lcol+"1", sp.header(c)); err != nil {
			return nil, err
		}
		for i, l := range choices {
			if err := f.SetCellStr(listsSheet, fmt.Sprintf("%s%d", lcol, i+2), l); err != nil {
				return nil, err
			}
		}
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s%d:%s%d", col, firstDataRow, col, firstDataRow+templateRows-1)
		dv.SetSqrefDropList(fmt.Sprintf("'%s'!$%s$2:$%s$%d", listsSheet, lcol, lcol, len(choices)+1))
		if err := f.AddDataValidation(sp.sheet, dv); err != nil {
			return nil, err
		}
	}
	last, _ := excelize.ColumnNumberToName(len(sp.cols))
	if err := f.SetCellStyle(sp.sheet, "A1", last+"1", head); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(sp.sheet, "A2", last+"2", help); err != nil {
		return nil, err
	}
	if err := f.SetRowHeight(sp.sheet, 1, 45); err != nil {
		return nil, err
	}
	if err := f.SetPanes(sp.sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	if lists == 0 {
		if err := f.DeleteSheet(listsSheet); err != nil {
			return nil, err
		}
	}
	if err := notice(f, sp); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func uniqueLabels(l programme.List) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range l {
		if !seen[c.Label] {
			seen[c.Label] = true
			out = append(out, c.Label)
		}
	}
	return out
}

// notice is the sheet explaining how to fill the template.
func notice(f *excelize.File, sp *spec) error {
	const sheet = "Notice"
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	lines := []string{
		"Modèle d'import APiLos : " + sp.label,
		"",
		fmt.Sprintf("Remplissez la feuille « %s » à partir de la ligne %d, une ligne par élément.", sp.sheet, firstDataRow),
		"Ne modifiez pas les entêtes de la ligne 1 ; les colonnes ajoutées sont ignorées.",
		"Les nombres s'écrivent avec une virgule (12,5 ou 1 234,56) ; les dates au format jj/mm/aaaa.",
		"Les colonnes à liste déroulante attendent une des valeurs proposées.",
		"L'import remplace toutes les lignes du tableau sur la page de l'étape ; un aperçu est affiché avant l'enregistrement.",
	}
	for i, l := range lines {
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", i+1), l); err != nil {
			return err
		}
	}
	return f.SetColWidth(sheet, "A", "A", 110)
}

// TemplatesZip is the zip of every template.
func TemplatesZip() ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, k := range Kinds {
		b, err := Template(k)
		if err != nil {
			return nil, err
		}
		w, err := z.Create(k.FileName())
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := z.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
