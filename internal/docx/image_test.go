package docx

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"regexp"
	"strings"
	"testing"
)

// picture encodes a w×h image in the given format ("png", "jpeg", "gif").
func picture(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		for y := 0; y < h; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, img)
	case "jpeg":
		err = jpeg.Encode(&buf, img, nil)
	case "gif":
		err = gif.Encode(&buf, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var reExtent = regexp.MustCompile(`<wp:extent cx="(\d+)" cy="(\d+)"/>`)

func TestImages(t *testing.T) {
	logo := Image{Name: "logo <DDT>.png", Data: picture(t, "png", 96, 48)}
	plan := Image{Name: "plan.jpg", Data: picture(t, "jpeg", 200, 100), Width: 5 * Inch}
	croquis := &Image{Name: "croquis.gif", Data: picture(t, "gif", 30, 60), Height: 2 * Cm}
	d := testDoc{
		body: para(run("Logo : {{ logo }} fin")) +
			para(run("avant "), run("{{r logo }}"), run(" après")) +
			text("{{p plan }}") +
			text("{%p for img in images %}") + text("{{ img }}") + text("{%p endfor %}"),
		header: para(run("{{ logo }} Préfecture")),
	}
	ctx := map[string]any{"logo": logo, "plan": &plan, "images": []any{croquis, logo}}
	out := render(t, d, ctx)
	files := unzip(t, out)

	if got, want := partText(t, files["word/document.xml"]), "Logo : [image] fin\navant [image] après\n[image]\n[image]\n[image]\n"; got != want {
		t.Errorf("corps : %q, attendu %q", got, want)
	}
	if got := partText(t, files["word/header1.xml"]); got != "[image] Préfecture\n" {
		t.Errorf("en-tête : %q", got)
	}

	var media []string
	for name := range files {
		if strings.HasPrefix(name, "word/media/") {
			media = append(media, name)
		}
	}
	if len(media) != 3 {
		t.Errorf("le logo utilisé 4 fois doit être stocké une fois ; images du zip : %v", media)
	}
	ct := string(files["[Content_Types].xml"])
	for _, ext := range []string{`Extension="png" ContentType="image/png"`, `Extension="jpg" ContentType="image/jpeg"`, `Extension="gif" ContentType="image/gif"`} {
		if !strings.Contains(ct, ext) {
			t.Errorf("[Content_Types].xml sans %s :\n%s", ext, ct)
		}
	}
	docRels := string(files["word/_rels/document.xml.rels"])
	if n := strings.Count(docRels, imageRelType); n != 3 {
		t.Errorf("document.xml.rels : %d relations d'image, 3 attendues :\n%s", n, docRels)
	}
	if !strings.Contains(docRels, `Target="header1.xml"`) {
		t.Errorf("les relations existantes doivent rester :\n%s", docRels)
	}
	if hdrRels := string(files["word/_rels/header1.xml.rels"]); strings.Count(hdrRels, imageRelType) != 1 {
		t.Errorf("header1.xml.rels doit être créé avec la relation du logo :\n%s", hdrRels)
	}

	doc := string(files["word/document.xml"])
	var sizes []string
	for _, m := range reExtent.FindAllStringSubmatch(doc, -1) {
		sizes = append(sizes, m[1]+"x"+m[2])
	}
	// logo: natural size at 96 dpi; plan: 5 inches wide, ratio kept;
	// croquis: 2 cm high, ratio kept.
	want := []string{"914400x457200", "914400x457200", "4572000x2286000", "360000x720000", "914400x457200"}
	if strings.Join(sizes, " ") != strings.Join(want, " ") {
		t.Errorf("tailles %v, attendues %v", sizes, want)
	}
	if !strings.Contains(doc, `descr="logo &lt;DDT&gt;.png"`) {
		t.Errorf("le nom de l'image doit être échappé dans la description")
	}
}

func TestInvalidImage(t *testing.T) {
	ctx := map[string]any{"plan": Image{Name: "plan.pdf", Data: []byte("%PDF-1.4 pas une image")}}
	e := renderErr(t, testDoc{body: text("Plan : {{ plan }}")}, ctx)
	want := "L'image « plan.pdf » n'a pas pu être traitée. Veuillez vérifier que le fichier est une image valide (PNG, JPEG) et réessayer."
	if e.Reason != want || e.Tag != "{{ plan }}" {
		t.Errorf("erreur = %v", e)
	}
}
