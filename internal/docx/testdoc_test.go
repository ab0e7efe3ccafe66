package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"
	"testing"
)

// The tests build their .docx files here, part by part, the way Word
// writes them (a tag typed in one go often arrives split over several
// runs, with spelling marks between them), instead of shipping binary
// templates.

const nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// testDoc is a minimal Word document.
type testDoc struct {
	body   string // XML inside <w:body>
	header string // XML inside <w:hdr>; "" for no header
	footer string // XML inside <w:ftr>; "" for no footer
}

func (d testDoc) docx(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, content string) {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	const decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n"
	overrides := `<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>`
	docRels := ""
	sect := `<w:sectPr>`
	if d.header != "" {
		overrides += `<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>`
		docRels += `<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>`
		sect += `<w:headerReference w:type="default" r:id="rId1"/>`
	}
	if d.footer != "" {
		overrides += `<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>`
		docRels += `<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/>`
		sect += `<w:footerReference w:type="default" r:id="rId2"/>`
	}
	sect += `<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1417" w:right="1417" w:bottom="1417" w:left="1417" w:header="708" w:footer="708" w:gutter="0"/></w:sectPr>`
	add("[Content_Types].xml", decl+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+overrides+`</Types>`)
	add("_rels/.rels", decl+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)
	add("word/document.xml", decl+`<w:document xmlns:w="`+nsW+`" xmlns:r="`+nsR+`" xmlns:wp="`+nsWP+`"><w:body>`+d.body+sect+`</w:body></w:document>`)
	if docRels != "" {
		add("word/_rels/document.xml.rels", decl+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+docRels+`</Relationships>`)
	}
	if d.header != "" {
		add("word/header1.xml", decl+`<w:hdr xmlns:w="`+nsW+`" xmlns:r="`+nsR+`">`+d.header+`</w:hdr>`)
	}
	if d.footer != "" {
		add("word/footer1.xml", decl+`<w:ftr xmlns:w="`+nsW+`" xmlns:r="`+nsR+`">`+d.footer+`</w:ftr>`)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// run is a run of plain text.
func run(text string) string {
	return `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r>`
}

// bold is a run with properties, as Word writes a formatting change.
func bold(text string) string {
	return `<w:r w:rsidR="00A1B2C3"><w:rPr><w:b/><w:bCs/></w:rPr><w:t>` + text + `</w:t></w:r>`
}

// spell is the spelling mark Word puts between runs.
const spell = `<w:proofErr w:type="spellStart"/>`

// para is a paragraph of runs.
func para(runs ...string) string {
	return `<w:p w:rsidR="00112233"><w:pPr><w:jc w:val="left"/></w:pPr>` + strings.Join(runs, "") + `</w:p>`
}

// text is a paragraph of one run of plain text.
func text(s string) string { return para(run(s)) }

// table is a table of rows of cells; each cell holds one paragraph.
func table(rows ...[]string) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/><w:tblBorders><w:insideH w:val="single" w:sz="4"/></w:tblBorders></w:tblPr><w:tblGrid>`)
	for range rows[0] {
		b.WriteString(`<w:gridCol w:w="3000"/>`)
	}
	b.WriteString(`</w:tblGrid>`)
	for _, r := range rows {
		b.WriteString(`<w:tr w:rsidR="00AA0000"><w:trPr><w:cantSplit/></w:trPr>`)
		for _, c := range r {
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="3000" w:type="dxa"/></w:tcPr>` + c + `</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// render renders a test document and checks the result is a sound package.
func render(t testing.TB, d testDoc, ctx map[string]any) []byte {
	t.Helper()
	out, err := Render("test.docx", d.docx(t), ctx)
	if err != nil {
		t.Fatalf("Render : %v", err)
	}
	checkPackage(t, out)
	return out
}

// renderErr renders a document that must fail and returns the error.
func renderErr(t testing.TB, d testDoc, ctx map[string]any) *Error {
	t.Helper()
	_, err := Render("test.docx", d.docx(t), ctx)
	if err == nil {
		t.Fatal("Render a réussi, une erreur était attendue")
	}
	e, ok := err.(*Error)
	if !ok {
		t.Fatalf("erreur de type %T, *Error attendu : %v", err, err)
	}
	return e
}

func unzip(t testing.TB, b []byte) map[string][]byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("le résultat n'est pas un zip : %v", err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s : %v", f.Name, err)
		}
		if _, dup := files[f.Name]; dup {
			t.Fatalf("%s est deux fois dans le zip", f.Name)
		}
		files[f.Name] = data
	}
	return files
}

var (
	reTarget = regexp.MustCompile(`<Relationship\b[^>]*\bTarget="([^"]*)"[^>]*>`)
	reDocID  = regexp.MustCompile(`<wp:docPr\b[^>]*\bid="(\d+)"`)
)

// checkPackage checks what Word and LibreOffice need: every XML part
// parses, no tag is left in the text, every relationship points to an
// entry, every entry has a content type, drawing ids are unique.
func checkPackage(t testing.TB, out []byte) {
	t.Helper()
	files := unzip(t, out)
	ct := string(files["[Content_Types].xml"])
	ids := map[string]bool{}
	for name, data := range files {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if err := checkXML(string(data)); err != nil {
				t.Fatalf("%s n'est pas un XML valide : %v\n%s", name, err, data)
			}
		}
		if strings.HasPrefix(name, "word/") && strings.HasSuffix(name, ".xml") {
			txt := partText(t, data)
			for _, left := range []string{"{{", "{%", "}}", "%}", "{#"} {
				if strings.Contains(txt, left) {
					t.Fatalf("%s garde « %s » : %q", name, left, txt)
				}
			}
			for _, m := range reDocID.FindAllStringSubmatch(string(data), -1) {
				if ids[m[1]] {
					t.Fatalf("deux dessins portent l'id %s", m[1])
				}
				ids[m[1]] = true
			}
		}
		if strings.HasSuffix(name, ".rels") {
			dir := strings.TrimSuffix(strings.TrimSuffix(name, "_rels/"+name[strings.LastIndex(name, "/")+1:]), "/")
			for _, m := range reTarget.FindAllStringSubmatch(string(data), -1) {
				target := m[1]
				if strings.Contains(m[0], `TargetMode="External"`) {
					continue
				}
				full := strings.TrimPrefix(target, "/")
				if !strings.HasPrefix(target, "/") && dir != "" {
					full = dir + "/" + target
				}
				if _, ok := files[full]; !ok {
					t.Fatalf("%s pointe vers %s, absent du zip", name, full)
				}
			}
		}
		ext := name[strings.LastIndex(name, ".")+1:]
		if !strings.Contains(ct, `Extension="`+ext+`"`) && !strings.Contains(ct, `PartName="/`+name+`"`) && name != "[Content_Types].xml" {
			t.Fatalf("%s n'a pas de type de contenu", name)
		}
	}
}

// partText is the text of a part: paragraphs end with "\n", a line break
// is "⏎", a tab "⇥", a page break "⤓", an image "[image]".
func partText(t testing.TB, data []byte) string {
	t.Helper()
	var b strings.Builder
	d := xml.NewDecoder(bytes.NewReader(data))
	inText := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("XML invalide : %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch e.Name.Local {
			case "t":
				inText = true
			case "br":
				if attr(e, "type") == "page" {
					b.WriteString("⤓")
				} else {
					b.WriteString("⏎")
				}
			case "tab":
				b.WriteString("⇥")
			case "drawing":
				b.WriteString("[image]")
			}
		case xml.EndElement:
			switch e.Name.Local {
			case "t":
				inText = false
			case "p":
				b.WriteString("\n")
			case "tc":
				b.WriteString("|")
			}
		case xml.CharData:
			if inText {
				b.Write(e)
			}
		}
	}
	return b.String()
}

func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// bodyText renders and returns the text of the body.
func bodyText(t testing.TB, d testDoc, ctx map[string]any) string {
	t.Helper()
	out := render(t, d, ctx)
	return partText(t, unzip(t, out)["word/document.xml"])
}

// zipOf zips the given entries.
func zipOf(t testing.TB, entries map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, content); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
