package importxlsx

import (
	"testing"
)

// FuzzImport: whatever the bytes, reading any table answers rows or a
// French refusal, never a panic (readBytes has no recover, unlike Read).
// Without -fuzz it runs the seed corpus, as part of the ordinary tests.
func FuzzImport(f *testing.F) {
	for i, k := range Kinds {
		f.Add(mustTemplateF(f, k), uint8(i))
	}
	f.Add(filled(f, Logements, logementsRows(3)), uint8(0))
	f.Add(filled(f, Financement, [][]any{{"P1", "PLUS", 45366, 2.5, "1 000,5", "Banque", ""}}), uint8(9))
	f.Add(workbook(f, "Logements", [][]any{{"Désignation des logements", "Type"}, {}, {"A1", "T1"}}, nil), uint8(4))
	f.Add(zipOf(f, map[string][]byte{"[Content_Types].xml": []byte("<Types/>"), "xl/workbook.xml": []byte("<workbook><sheets><sheet name=\"Logements\" r:id=\"x\"/></sheets></workbook>")}), uint8(0))
	f.Add([]byte("PK\x03\x04garbage"), uint8(1))
	f.Add([]byte("Désignation;Type\n"), uint8(2))
	f.Add([]byte{}, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, k uint8) {
		kind := Kinds[int(k)%len(Kinds)]
		res, err := readBytes(b, kind)
		switch {
		case err != nil:
			e, ok := AsError(err)
			if !ok || len(e.All()) == 0 {
				t.Fatalf("refus sans message français : %v", err)
			}
		case res == nil || res.Len() == 0 || len(res.Lines) != len(res.Values):
			t.Fatalf("résultat incohérent : %+v", res)
		}
	})
}

func mustTemplateF(f *testing.F, k Kind) []byte {
	b, err := Template(k)
	if err != nil {
		f.Fatal(err)
	}
	return b
}
