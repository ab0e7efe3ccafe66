package importxlsx

import (
	"archive/zip"
	"bytes"
	"fmt"
	"testing"

	"github.com/xuri/excelize/v2"
)

// filled is the project's template of kind with rows written from row 3
// (numbers as numbers, text as text), as a user fills it.
func filled(t testing.TB, kind Kind, rows [][]any) []byte {
	t.Helper()
	b, err := Template(kind)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, firstDataRow+i)
		if err := f.SetSheetRow(kind.Sheet(), cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// workbook builds a workbook with one sheet from its cells (row 1 first).
func workbook(t testing.TB, sheet string, rows [][]any, edit func(*excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(f)
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipOf is a zip archive of the named parts.
func zipOf(t testing.TB, parts map[string][]byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for name, b := range parts {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// logementsRows are n valid logements rows (PLUS, 50 m² at 6 €/m²).
func logementsRows(n int) [][]any {
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("L%04d", i+1), "T3", "PLUS", 45.0, 10.0, 5.0, 50.0, 6.0, 1.0, 300.0}
	}
	return rows
}

func readErr(t *testing.T, b []byte, kind Kind) *Error {
	t.Helper()
	res, err := Read(bytes.NewReader(b), kind)
	if err == nil {
		t.Fatalf("import accepté (%d lignes), refus attendu", res.Len())
	}
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("erreur %T %v, *Error attendu", err, err)
	}
	return e
}
