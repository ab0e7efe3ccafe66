package document

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// The mixité figures of spec workflows §6.3.
func TestMixite(t *testing.T) {
	n := func(v int) *int { return &v }
	for _, c := range []struct {
		name string
		lots []programme.Lot
		want map[string]int
	}{
		{"sans PLUS", []programme.Lot{{Financement: "PLAI", NbLogements: n(20)}},
			map[string]int{"mixPLUS_10pc": 0, "mixPLUS_30pc": 0, "mixPLUSinf10_30pc": 0, "mixPLUSinf10_10pc": 0, "mixPLUSsup10_30pc": 0}},
		{"5 PLUS", []programme.Lot{{Financement: "PLUS", NbLogements: n(5)}},
			map[string]int{"mixPLUS_10pc": 1, "mixPLUS_30pc": 2, "mixPLUSinf10_30pc": 2, "mixPLUSinf10_10pc": 1, "mixPLUSsup10_30pc": 2}},
		{"15 PLUS et PLUS_CD", []programme.Lot{{Financement: "PLUS", NbLogements: n(11)}, {Financement: "PLUS_CD", NbLogements: n(4)}, {Financement: "PLAI", NbLogements: n(9)}},
			map[string]int{"mixPLUS_10pc": 1, "mixPLUS_30pc": 5, "mixPLUSinf10_30pc": 5, "mixPLUSinf10_10pc": 2, "mixPLUSsup10_30pc": 5}},
		{"21 PLUS", []programme.Lot{{Financement: "PLUS", NbLogements: n(21)}},
			map[string]int{"mixPLUS_10pc": 2, "mixPLUS_30pc": 7, "mixPLUSinf10_30pc": 6, "mixPLUSinf10_10pc": 2, "mixPLUSsup10_30pc": 7}},
	} {
		got := mixite(&programme.Content{Lots: c.lots})
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s : %s = %d, attendu %d", c.name, k, got[k], v)
			}
		}
	}
}

func TestListeDesAnnexes(t *testing.T) {
	a := func(typ string) *annexeView { return &annexeView{Annexe: programme.Annexe{Typologie: typ}} }
	s := func(typ string, n int) *stationnementView {
		return &stationnementView{Stationnement: programme.Stationnement{Typologie: typ, NbStationnements: n}}
	}
	got := listeDesAnnexes([]*annexeView{a("TERRASSE"), a("JARDIN"), a("TERRASSE")},
		[]*stationnementView{s("GARAGE_AERIEN", 3), s("CARPORT", 1), s("GARAGE_AERIEN", 2)})
	want := "2 annexe(s) de type terrasse, 1 annexe(s) de type jardin, 5 stationnement(s) de type garage aérien, 1 stationnement(s) de type carport"
	if got != want {
		t.Errorf("%q", got)
	}
	if got := listeDesAnnexes(nil, nil); got != "" {
		t.Errorf("vide : %q", got)
	}
}

// The watermark follows the statut; WithoutFiligrane drops it (the
// convention is rendered as à signer) without changing the stored statut.
func TestFiligrane(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	for statut, want := range map[string]string{
		"1. Projet": "Projet de convention", "2. Instruction requise": "Convention en cours d'instruction",
		"3. Corrections requises": "Convention en cours d'instruction", "4. A signer": "", "5. Signée": "",
	} {
		m := w.make(spec{statut: statut})
		doc, err := Build(ctx, w.pool, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		header := partText(t, doc.Docx, "word/header1.xml")
		if !strings.HasPrefix(header, want) || (want == "" && strings.Contains(header, "onvention en cours")) {
			t.Errorf("%s : en-tête %q", statut, header)
		}
		doc, err = Build(ctx, w.pool, m.ID, WithoutFiligrane())
		if err != nil {
			t.Fatal(err)
		}
		if h := partText(t, doc.Docx, "word/header1.xml"); strings.Contains(h, "Projet de convention") || strings.Contains(h, "en cours d'instruction") {
			t.Errorf("%s sans filigrane : %q", statut, h)
		}
	}
}

// partText is the text of one XML part of a .docx.
func partText(t *testing.T, doc []byte, part string) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name == part {
			rc, _ := f.Open()
			var b bytes.Buffer
			_, _ = b.ReadFrom(rc)
			rc.Close()
			var text strings.Builder
			for _, m := range strings.Split(b.String(), "<w:t")[1:] {
				if i := strings.Index(m, ">"); i >= 0 {
					if j := strings.Index(m[i:], "</w:t>"); j >= 0 {
						text.WriteString(m[i+1 : i+j])
					}
				}
			}
			return text.String()
		}
	}
	t.Fatalf("partie %s absente", part)
	return ""
}

// An uploaded CERFA replaces the generation (spec workflows §6.2); the
// images of the programme's fields are inserted, other files left out.
func TestOverrideAndImages(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	st, err := storage.NewLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m := w.make(spec{})
	put := func(realname, contentType string, data []byte) string {
		var id string
		if err := w.pool.QueryRow(ctx, `INSERT INTO upload_uploadedfile (uuid, filename, realname, dirpath, size, content_type, cree_le, mis_a_jour_le)
			VALUES (gen_random_uuid(), $1, $1, $2, $3, $4, now(), now()) RETURNING uuid::text`,
			realname, "conventions/"+m.UUID.String()+"/media", fmt.Sprint(len(data)), contentType).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if err := st.Put(ctx, "conventions/"+m.UUID.String()+"/media/"+id+"_"+realname, bytes.NewReader(data), int64(len(data)), contentType); err != nil {
			t.Fatal(err)
		}
		return id
	}
	img := image.NewNRGBA(image.Rect(0, 0, 40, 20))
	for x := 0; x < 40; x++ {
		img.Set(x, x/2, color.NRGBA{R: 200, A: 255})
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	picture := put("plan-cadastral.png", "image/png", pngData.Bytes())
	pdf := put("acte.pdf", "application/pdf", []byte("%PDF-1.4\n%%EOF\n"))
	w.exec(`UPDATE programmes_programme SET vendeur = $2, reference_cadastrale = $3 WHERE id = $1`, m.Programme,
		`{"files": {"`+pdf+`": {"uuid": "`+pdf+`"}}, "text": "SCI Les Oliviers"}`,
		`{"files": {"`+picture+`": {"uuid": "`+picture+`"}}, "text": ""}`)

	doc, err := Build(ctx, w.pool, m.ID, WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}
	media := 0
	zr, _ := zip.NewReader(bytes.NewReader(doc.Docx), int64(len(doc.Docx)))
	for _, f := range zr.File {
		if strings.HasPrefix(f.Name, "word/media/") {
			media++
		}
	}
	if media != 1 {
		t.Errorf("%d images dans le document, attendu 1 (le PDF est laissé de côté)", media)
	}
	checkDocx(t, "images", doc.Docx)

	// A broken picture is refused with the file's name.
	broken := put("photo.png", "image/png", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 20)...))
	w.exec(`UPDATE programmes_programme SET edd_classique = $2 WHERE id = $1`, m.Programme, `{"files": {"`+broken+`": {}}, "text": ""}`)
	_, err = Build(ctx, w.pool, m.ID, WithStorage(st))
	if e, ok := err.(*Error); !ok || e.Message != MsgImage("photo.png") {
		t.Errorf("image illisible : %v", err)
	}
	w.exec(`UPDATE programmes_programme SET edd_classique = '' WHERE id = $1`, m.Programme)

	cerfa := []byte("PK\x03\x04 le CERFA de la DDTM")
	id := put("CERFA DDTM 13.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", cerfa)
	w.exec(`UPDATE conventions_convention SET fichier_override_cerfa = $2 WHERE id = $1`, m.ID, `{"files": {"`+id+`": {"uuid": "`+id+`"}}}`)
	doc, err = Build(ctx, w.pool, m.ID, WithStorage(st))
	if err != nil {
		t.Fatal(err)
	}
	if !doc.Override || doc.Name != "CERFA DDTM 13" || !bytes.Equal(doc.Docx, cerfa) {
		t.Errorf("CERFA téléversé : %+v", doc.Name)
	}
	// Without storage the generation is used.
	doc, err = Build(ctx, w.pool, m.ID)
	if err != nil || doc.Override || doc.Template != TplHLM {
		t.Errorf("sans stockage : %v %+v", err, doc)
	}
}

func TestFileName(t *testing.T) {
	if got := FileName("Aix-en-Provence - Les Cèdres/Œuvre - 12 lgts - Collectif - PLUS"); got != "Aix-en-Provence - Les Cedres__uvre - 12 lgts - Collectif - PLUS" {
		t.Errorf("%q", got)
	}
}
