package docx

import "strings"

const listingChars = "\n\t\a\f"

// resolveListing turns the control characters a rendered value may hold
// into Word's XML, as docxtpl does: "\n" a line break, "\t" a tab, "\a" a
// new paragraph (same formatting), "\f" a page break.
func resolveListing(x string) string {
	var b strings.Builder
	done, i := 0, 0
	for {
		ts := findTextStart(x, i)
		if ts < 0 {
			break
		}
		gt := strings.IndexByte(x[ts:], '>')
		if gt < 0 {
			break
		}
		start := ts + gt + 1
		if x[start-2] == '/' { // <w:t/>
			i = start
			continue
		}
		n := strings.Index(x[start:], "</w:t>")
		if n < 0 {
			break
		}
		end := start + n
		i = end
		text := x[start:end]
		if !strings.ContainsAny(text, listingChars) {
			continue
		}
		rpr := properties(x, ts, "r", "<w:rPr", "</w:rPr>")
		ppr := properties(x, ts, "p", "<w:pPr", "</w:pPr>")
		if b.Len() == 0 {
			b.Grow(len(x) + 1024)
		}
		b.WriteString(x[done:ts])
		b.WriteString(`<w:t xml:space="preserve">`)
		for j := 0; j < len(text); j++ {
			switch text[j] {
			case '\t':
				b.WriteString(`</w:t></w:r><w:r>` + rpr + `<w:tab/></w:r><w:r>` + rpr + `<w:t xml:space="preserve">`)
			case '\a':
				b.WriteString(`</w:t></w:r></w:p><w:p>` + ppr + `<w:r>` + rpr + `<w:t xml:space="preserve">`)
			case '\n':
				b.WriteString(`</w:t><w:br/><w:t xml:space="preserve">`)
			case '\f':
				b.WriteString(`</w:t></w:r></w:p><w:p><w:r><w:br w:type="page"/></w:r></w:p><w:p>` + ppr + `<w:r>` + rpr + `<w:t xml:space="preserve">`)
			default:
				b.WriteByte(text[j])
			}
		}
		done = end
	}
	if done == 0 {
		return x
	}
	b.WriteString(x[done:])
	return b.String()
}

// properties returns the properties element (<w:rPr>, <w:pPr>) of the run
// or paragraph holding position pos, or "".
func properties(x string, pos int, level, open, close string) string {
	start := enclosingStart(x, pos, level)
	if start < 0 {
		return ""
	}
	i := strings.Index(x[start:pos], open)
	if i < 0 {
		return ""
	}
	i += start
	if c := x[i+len(open)]; c != '>' && c != ' ' {
		return ""
	}
	j := strings.Index(x[i:pos], close)
	if j < 0 {
		return ""
	}
	return x[i : i+j+len(close)]
}
