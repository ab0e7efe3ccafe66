package demo

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

// pdfLine is one line of a generated page.
type pdfLine struct {
	Text string
	Bold bool
	Size int // points; 11 when zero
	Gap  int // extra space before the line, in points
}

// onePagePDF writes a valid one-page A4 PDF 1.4 with the lines, in the
// standard Helvetica fonts (WinAnsi encoding, so French accents print;
// characters outside it become "?"). No dependency: the demo only needs a
// real, small document where the application expects a signed one.
func onePagePDF(title string, lines []pdfLine) []byte {
	var content bytes.Buffer
	y := 790
	for _, l := range lines {
		size := l.Size
		if size == 0 {
			size = 11
		}
		y -= size + size/2 + l.Gap
		font := "F1"
		if l.Bold {
			font = "F2"
		}
		fmt.Fprintf(&content, "BT /%s %d Tf 56 %d Td (%s) Tj ET\n", font, size, y, pdfString(l.Text))
	}
	objects := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title (%s) /Producer (APiLos - jeu de d%s) >>", pdfString(title), pdfString("émonstration")),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, len(objects), xref)
	return b.Bytes()
}

// pdfString encodes s in WinAnsi and escapes it for a literal string.
func pdfString(s string) string {
	var b strings.Builder
	enc := charmap.Windows1252.NewEncoder()
	for _, r := range s {
		e, err := enc.Bytes([]byte(string(r)))
		if err != nil || len(e) != 1 || e[0] < 0x20 {
			b.WriteByte('?')
			continue
		}
		switch e[0] {
		case '\\', '(', ')':
			b.WriteByte('\\')
		}
		b.WriteByte(e[0])
	}
	return b.String()
}
