// Package wordgen writes the project's Word templates: a small builder of
// WordprocessingML (paragraphs, runs, tables, header and footer) whose
// output is a valid .docx with docxtpl tags typed in its text. The bytes
// are deterministic (fixed zip dates, fixed part order), so the templates
// checked into the repository can be compared with their generator.
package wordgen

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"time"
)

const (
	nsW = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// Run is a piece of text with its formatting.
type Run struct {
	Text   string
	Bold   bool
	Italic bool
	Size   int // half-points; 0 keeps the paragraph's style
	Color  string
}

// T is plain text, B bold text, I italic text.
func T(s string) Run { return Run{Text: s} }
func B(s string) Run { return Run{Text: s, Bold: true} }
func I(s string) Run { return Run{Text: s, Italic: true} }

// Doc is a document being written.
type Doc struct {
	body   strings.Builder
	header strings.Builder
	footer strings.Builder
}

// Para is a paragraph's layout.
type Para struct {
	Style     string // a style of styles.xml: Titre, Article, Normal, Petit, Centre, Tableau
	Align     string // left, center, right, both
	KeepNext  bool
	SpaceLine bool // add space after
}

func esc(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return r.Replace(s)
}

func runXML(r Run) string {
	var b strings.Builder
	b.WriteString("<w:r>")
	if r.Bold || r.Italic || r.Size > 0 || r.Color != "" {
		b.WriteString("<w:rPr>")
		if r.Bold {
			b.WriteString("<w:b/>")
		}
		if r.Italic {
			b.WriteString("<w:i/>")
		}
		if r.Color != "" {
			fmt.Fprintf(&b, `<w:color w:val="%s"/>`, r.Color)
		}
		if r.Size > 0 {
			fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.Size, r.Size)
		}
		b.WriteString("</w:rPr>")
	}
	fmt.Fprintf(&b, `<w:t xml:space="preserve">%s</w:t></w:r>`, esc(r.Text))
	return b.String()
}

func paraXML(p Para, runs []Run) string {
	var b strings.Builder
	b.WriteString("<w:p>")
	if p.Style != "" || p.Align != "" || p.KeepNext {
		b.WriteString("<w:pPr>")
		if p.Style != "" {
			fmt.Fprintf(&b, `<w:pStyle w:val="%s"/>`, p.Style)
		}
		if p.KeepNext {
			b.WriteString("<w:keepNext/>")
		}
		if p.Align != "" {
			fmt.Fprintf(&b, `<w:jc w:val="%s"/>`, p.Align)
		}
		b.WriteString("</w:pPr>")
	}
	for _, r := range runs {
		b.WriteString(runXML(r))
	}
	b.WriteString("</w:p>")
	return b.String()
}

// P adds a paragraph.
func (d *Doc) P(p Para, runs ...Run) { d.body.WriteString(paraXML(p, runs)) }

// Text adds a justified paragraph of body text.
func (d *Doc) Text(runs ...Run) { d.P(Para{Style: "Normal", Align: "both"}, runs...) }

// Line adds a body paragraph of plain text.
func (d *Doc) Line(s string) { d.Text(T(s)) }

// Title adds a centred title.
func (d *Doc) Title(s string) { d.P(Para{Style: "Titre", Align: "center"}, T(s)) }

// Subtitle adds a centred bold line.
func (d *Doc) Subtitle(s string) { d.P(Para{Style: "Centre", Align: "center"}, B(s)) }

// Article adds an article heading.
func (d *Doc) Article(s string) { d.P(Para{Style: "Article", KeepNext: true}, T(s)) }

// Tag adds a paragraph holding only a paragraph tag ({%p ... %}), which
// the renderer removes.
func (d *Doc) Tag(tag string) { d.P(Para{}, T(tag)) }

// If wraps paragraphs in {%p if cond %} ... {%p endif %}.
func (d *Doc) If(cond string, body func()) {
	d.Tag("{%p if " + cond + " %}")
	body()
	d.Tag("{%p endif %}")
}

// Bullet adds an indented "– " paragraph.
func (d *Doc) Bullet(runs ...Run) {
	d.P(Para{Style: "Liste", Align: "both"}, append([]Run{T("– ")}, runs...)...)
}

// PageBreak starts a new page.
func (d *Doc) PageBreak() { d.body.WriteString(`<w:p><w:r><w:br w:type="page"/></w:r></w:p>`) }

// Table is a table with a header row, optional rows repeated by a
// {%tr for %} loop and an optional total row.
type Table struct {
	Widths []int    // column widths in twentieths of a point
	Header []string // header cells
	Loop   string   // "for l in logements": the Cells row repeats per item
	Cells  []string // the repeated (or single) row
	Total  []string // a last row in bold; nil for none
	Rows   [][]string
}

func cellXML(width int, text string, bold, shade bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, width)
	if shade {
		b.WriteString(`<w:shd w:val="clear" w:color="auto" w:fill="E3E3FD"/>`)
	}
	b.WriteString(`</w:tcPr>`)
	b.WriteString(paraXML(Para{Style: "Tableau"}, []Run{{Text: text, Bold: bold}}))
	b.WriteString(`</w:tc>`)
	return b.String()
}

func rowXML(widths []int, cells []string, bold, shade, header bool) string {
	var b strings.Builder
	b.WriteString("<w:tr>")
	if header {
		b.WriteString(`<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>`)
	} else {
		b.WriteString(`<w:trPr><w:cantSplit/></w:trPr>`)
	}
	for i, c := range cells {
		b.WriteString(cellXML(widths[i], c, bold, shade))
	}
	b.WriteString("</w:tr>")
	return b.String()
}

// tagRowXML is a row holding a {%tr %} tag in its first cell, the other
// cells empty (the renderer removes the whole row).
func tagRowXML(widths []int, tag string) string {
	cells := make([]string, len(widths))
	cells[0] = tag
	return rowXML(widths, cells, false, false, false)
}

// Table adds a table.
func (d *Doc) Table(t Table) {
	n := len(t.Widths)
	for _, r := range append([][]string{t.Header, t.Cells, t.Total}, t.Rows...) {
		if r != nil && len(r) != n {
			panic(fmt.Sprintf("wordgen: row of %d cells in a table of %d columns: %q", len(r), n, r))
		}
	}
	total := 0
	for _, w := range t.Widths {
		total += w
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<w:tbl><w:tblPr><w:tblStyle w:val="Grille"/><w:tblW w:w="%d" w:type="dxa"/>`, total)
	b.WriteString(`<w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="666666"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>`)
	for _, w := range t.Widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, w)
	}
	b.WriteString(`</w:tblGrid>`)
	if t.Header != nil {
		b.WriteString(rowXML(t.Widths, t.Header, true, true, true))
	}
	for _, r := range t.Rows {
		b.WriteString(rowXML(t.Widths, r, false, false, false))
	}
	if t.Cells != nil {
		if t.Loop != "" {
			b.WriteString(tagRowXML(t.Widths, "{%tr "+t.Loop+" %}"))
		}
		b.WriteString(rowXML(t.Widths, t.Cells, false, false, false))
		if t.Loop != "" {
			b.WriteString(tagRowXML(t.Widths, "{%tr endfor %}"))
		}
	}
	if t.Total != nil {
		b.WriteString(rowXML(t.Widths, t.Total, true, false, false))
	}
	b.WriteString(`</w:tbl>`)
	d.body.WriteString(b.String())
	// Word needs a paragraph between two tables.
	d.P(Para{Style: "Petit"})
}

// Signatures adds a borderless two-column table of signature blocks.
func (d *Doc) Signatures(left, right []string) {
	col := func(lines []string) string {
		var b strings.Builder
		b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="4536" w:type="dxa"/></w:tcPr>`)
		for i, l := range lines {
			b.WriteString(paraXML(Para{Style: "Normal", Align: "center"}, []Run{{Text: l, Bold: i == 0}}))
		}
		b.WriteString(`</w:tc>`)
		return b.String()
	}
	d.body.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="9072" w:type="dxa"/><w:tblLayout w:type="fixed"/></w:tblPr>` +
		`<w:tblGrid><w:gridCol w:w="4536"/><w:gridCol w:w="4536"/></w:tblGrid><w:tr><w:trPr><w:cantSplit/></w:trPr>` +
		col(left) + col(right) + `</w:tr></w:tbl>`)
	d.P(Para{Style: "Petit"})
}

// HeaderP adds a paragraph to the page header.
func (d *Doc) HeaderP(p Para, runs ...Run) { d.header.WriteString(paraXML(p, runs)) }

// FooterP adds a paragraph to the page footer.
func (d *Doc) FooterP(p Para, runs ...Run) { d.footer.WriteString(paraXML(p, runs)) }

// FooterPageNumber adds "Page N / M" to the footer, with Word fields.
func (d *Doc) FooterPageNumber(prefix string) {
	fld := func(instr string) string {
		return `<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> ` + instr +
			` </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>`
	}
	d.footer.WriteString(`<w:p><w:pPr><w:pStyle w:val="Petit"/><w:jc w:val="right"/></w:pPr>` +
		runXML(T(prefix+"Page ")) + fld("PAGE") + runXML(T(" / ")) + fld("NUMPAGES") + `</w:p>`)
}

const decl = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\r\n"

var styles = decl + `<w:styles xmlns:w="` + nsW + `">` +
	`<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Liberation Sans" w:hAnsi="Liberation Sans" w:cs="Liberation Sans" w:eastAsia="Liberation Sans"/>` +
	`<w:sz w:val="20"/><w:szCs w:val="20"/><w:lang w:val="fr-FR"/></w:rPr></w:rPrDefault>` +
	`<w:pPrDefault><w:pPr><w:spacing w:after="80" w:line="264" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
	`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Titre"><w:name w:val="Title"/><w:basedOn w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:spacing w:before="120" w:after="120"/><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:caps/><w:sz w:val="28"/><w:szCs w:val="28"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Centre"><w:name w:val="Centre"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Article"><w:name w:val="heading 2"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:qFormat/>` +
	`<w:pPr><w:keepNext/><w:pBdr><w:bottom w:val="single" w:sz="4" w:space="1" w:color="000091"/></w:pBdr><w:spacing w:before="240" w:after="120"/><w:outlineLvl w:val="1"/></w:pPr>` +
	`<w:rPr><w:b/><w:color w:val="000091"/><w:sz w:val="22"/><w:szCs w:val="22"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Liste"><w:name w:val="Liste"/><w:basedOn w:val="Normal"/><w:pPr><w:ind w:left="567" w:hanging="284"/></w:pPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Petit"><w:name w:val="Petit"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0"/></w:pPr><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Tableau"><w:name w:val="Tableau"/><w:basedOn w:val="Normal"/><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/></w:rPr></w:style>` +
	`<w:style w:type="paragraph" w:styleId="Filigrane"><w:name w:val="Filigrane"/><w:basedOn w:val="Normal"/><w:pPr><w:jc w:val="center"/></w:pPr><w:rPr><w:b/><w:caps/><w:color w:val="C9191E"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>` +
	`<w:style w:type="table" w:styleId="Grille"><w:name w:val="Table Grid"/><w:tblPr><w:tblCellMar><w:left w:w="70" w:type="dxa"/><w:right w:w="70" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
	`</w:styles>`

// Bytes is the .docx file; title goes to the document properties.
func (d *Doc) Bytes(title string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	stamp := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	add := func(name, content string) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: stamp})
		if err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			panic(err)
		}
	}
	ct := "application/vnd.openxmlformats-officedocument.wordprocessingml."
	add("[Content_Types].xml", decl+`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Default Extension="xml" ContentType="application/xml"/>`+
		`<Default Extension="png" ContentType="image/png"/><Default Extension="jpeg" ContentType="image/jpeg"/>`+
		`<Override PartName="/word/document.xml" ContentType="`+ct+`document.main+xml"/>`+
		`<Override PartName="/word/styles.xml" ContentType="`+ct+`styles+xml"/>`+
		`<Override PartName="/word/settings.xml" ContentType="`+ct+`settings+xml"/>`+
		`<Override PartName="/word/header1.xml" ContentType="`+ct+`header+xml"/>`+
		`<Override PartName="/word/footer1.xml" ContentType="`+ct+`footer+xml"/>`+
		`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>`+
		`</Types>`)
	add("_rels/.rels", decl+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>`+
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>`+
		`</Relationships>`)
	add("docProps/core.xml", decl+`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" `+
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`+
		`<dc:title>`+esc(title)+`</dc:title><dc:creator>APiLos</dc:creator><dc:language>fr-FR</dc:language></cp:coreProperties>`)
	add("word/_rels/document.xml.rels", decl+`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="`+nsR+`/styles" Target="styles.xml"/>`+
		`<Relationship Id="rId2" Type="`+nsR+`/settings" Target="settings.xml"/>`+
		`<Relationship Id="rId3" Type="`+nsR+`/header" Target="header1.xml"/>`+
		`<Relationship Id="rId4" Type="`+nsR+`/footer" Target="footer1.xml"/>`+
		`</Relationships>`)
	add("word/styles.xml", styles)
	add("word/settings.xml", decl+`<w:settings xmlns:w="`+nsW+`"><w:defaultTabStop w:val="708"/><w:characterSpacingControl w:val="doNotCompress"/></w:settings>`)
	hdr := d.header.String()
	if hdr == "" {
		hdr = "<w:p/>"
	}
	ftr := d.footer.String()
	if ftr == "" {
		ftr = "<w:p/>"
	}
	add("word/header1.xml", decl+`<w:hdr xmlns:w="`+nsW+`" xmlns:r="`+nsR+`">`+hdr+`</w:hdr>`)
	add("word/footer1.xml", decl+`<w:ftr xmlns:w="`+nsW+`" xmlns:r="`+nsR+`">`+ftr+`</w:ftr>`)
	add("word/document.xml", decl+`<w:document xmlns:w="`+nsW+`" xmlns:r="`+nsR+`"><w:body>`+d.body.String()+
		`<w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:footerReference w:type="default" r:id="rId4"/>`+
		`<w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" w:header="567" w:footer="567" w:gutter="0"/>`+
		`</w:sectPr></w:body></w:document>`)
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}
