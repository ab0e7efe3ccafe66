package docx

import (
	"fmt"
	"strings"
)

// The pre-pass turns Word's XML into a Jinja template, as docxtpl does:
//  1. Word splits typed text into runs wherever formatting, spelling marks
//     or revisions change, so a tag typed as "{{ lot.nom }}" can arrive as
//     "{</w:t></w:r><w:r><w:t>{ lot.</w:t>...". Run boundaries inside a
//     tag are removed, which moves the whole tag into its first run.
//  2. Text holding a tag keeps its spaces (xml:space="preserve").
//  3. {{r x }} and {%r x %} are isolated in their own run.
//  4. "{%-" joins the tag to the text before it, "-%}" to the text after.
//  5. {%tr %}, {%tc %}, {%p %}, {%r %} (and {{tr/tc/p/r }}, {#tr/tc/p #})
//     replace the whole table row, cell, paragraph or run holding them.
// Entities and curly quotes inside tags are cleaned when the tags are read
// (see source.go).

// levelMark precedes the level name ("tr", "tc", "p", "r") in a tag whose
// enclosing element was removed, so the tag can still be shown as written.
// It cannot occur in XML 1.0 text.
const levelMark = '\x01'

var levels = []string{"tr", "tc", "p", "r"}

func prepare(x string) (string, error) {
	x = joinDelimiters(x)
	x = mergeTagRuns(x)
	x = preserveSpaces(x)
	x = isolateRunTags(x)
	x = joinDashTags(x)
	for _, level := range levels {
		var err error
		if x, err = replaceEnclosing(x, level); err != nil {
			return "", err
		}
	}
	return x, nil
}

// joinDelimiters removes the XML between the two characters of a delimiter
// split across runs: "{" <tags> "{", "{" <tags> "%", "%" <tags> "}" ...
func joinDelimiters(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i+1 < len(s); i++ {
		c := s[i]
		if (c != '{' && c != '%' && c != '}' && c != '#') || s[i+1] != '<' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] == '<' {
			k := strings.IndexByte(s[j:], '>')
			if k < 0 {
				break
			}
			j += k + 1
		}
		if j >= len(s) || s[j] == '<' {
			continue
		}
		n := s[j]
		if ((c == '{' && (n == '{' || n == '%' || n == '#')) || (c != '{' && n == '}')) && !crosses(s[i+1:j], true) {
			b.WriteString(s[last : i+1])
			last = j
			i = j - 1
		}
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// closer returns the closing delimiter of a tag opened by "{{", "{%" or "{#".
func closer(open string) string {
	switch open {
	case "{{":
		return "}}"
	case "{%":
		return "%}"
	}
	return "#}"
}

// nextTag finds the next "{{", "{%" or "{#" at or after i.
func nextTag(s string, i int) int {
	for {
		k := strings.IndexByte(s[i:], '{')
		if k < 0 || i+k+1 >= len(s) {
			return -1
		}
		i += k
		if c := s[i+1]; c == '{' || c == '%' || c == '#' {
			return i
		}
		i++
	}
}

// mergeTagRuns removes, inside each tag, every "</w:t> ... <w:t>" stretch,
// so the tag text ends up whole in its first run. As in docxtpl a tag may
// span paragraphs (they are joined), but not table cells.
func mergeTagRuns(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for {
		start := nextTag(s, i)
		if start < 0 {
			break
		}
		end := strings.Index(s[start+2:], closer(s[start:start+2]))
		if end < 0 {
			break
		}
		end += start + 2
		b.WriteString(s[i:start])
		b.WriteString(stripRunBreaks(s[start:end]))
		i = end
	}
	b.WriteString(s[i:])
	return b.String()
}

func stripRunBreaks(tag string) string {
	if !strings.Contains(tag, "</w:t>") {
		return tag
	}
	var b strings.Builder
	for {
		i := strings.Index(tag, "</w:t>")
		if i < 0 {
			break
		}
		j := findTextStart(tag, i+len("</w:t>"))
		if j < 0 || crosses(tag[i:j], false) {
			break
		}
		b.WriteString(tag[:i])
		k := strings.IndexByte(tag[j:], '>')
		tag = tag[j+k+1:]
	}
	b.WriteString(tag)
	return b.String()
}

// crosses reports whether an XML stretch leaves a table cell, a table, a
// text box... (or, with paragraphs, a paragraph): Word never splits a tag
// there, and joining its two sides would break the document.
func crosses(x string, paragraphs bool) bool {
	for _, el := range structural {
		if strings.Contains(x, el) {
			return true
		}
	}
	return paragraphs && strings.Contains(x, "</w:p>")
}

var structural = []string{"w:tc>", "w:tc ", "w:tr>", "w:tr ", "w:tbl>", "w:tbl ", "w:txbxContent", "w:sdtContent", "w:body", "w:hdr", "w:ftr", "w:footnote", "w:endnote"}

// findTextStart finds the next "<w:t>" or "<w:t ...>" start tag at or
// after i (not <w:tab/>, <w:tbl>, <w:tc> ...).
func findTextStart(s string, i int) int {
	for {
		k := strings.Index(s[i:], "<w:t")
		if k < 0 {
			return -1
		}
		i += k
		if i+4 < len(s) && (s[i+4] == '>' || s[i+4] == ' ') {
			return i
		}
		i += 4
	}
}

// preserveSpaces marks the text elements holding a tag xml:space="preserve",
// so the spaces around the rendered value are kept.
func preserveSpaces(s string) string {
	if !strings.Contains(s, "<w:t>") {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 1024)
	for {
		i := strings.Index(s, "<w:t>")
		if i < 0 {
			break
		}
		end := strings.Index(s[i:], "</w:t>")
		text := s[i+len("<w:t>"):]
		if end >= 0 {
			text = s[i+len("<w:t>") : i+end]
		}
		b.WriteString(s[:i])
		if strings.Contains(text, "{{") || strings.Contains(text, "{%") {
			b.WriteString(`<w:t xml:space="preserve">`)
		} else {
			b.WriteString("<w:t>")
		}
		s = s[i+len("<w:t>"):]
	}
	b.WriteString(s)
	return b.String()
}

// isolateRunTags puts each {{r ...}} / {%r ...%} in a run of its own, which
// replaceEnclosing then removes.
func isolateRunTags(s string) string {
	const pre = `</w:t></w:r><w:r><w:t xml:space="preserve">`
	var b strings.Builder
	i := 0
	for {
		start := nextTag(s, i)
		if start < 0 {
			break
		}
		open := s[start : start+2]
		if open == "{#" || start+3 >= len(s) || s[start+2] != 'r' || !isSpace(s[start+3]) {
			b.WriteString(s[i : start+2])
			i = start + 2
			continue
		}
		end := strings.Index(s[start+2:], closer(open))
		if end < 0 {
			break
		}
		end += start + 4
		b.WriteString(s[i:start])
		b.WriteString(pre)
		b.WriteString(s[start:end])
		b.WriteString(pre)
		i = end
	}
	b.WriteString(s[i:])
	return b.String()
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

// joinDashTags applies docxtpl's meaning of "{%-" (the tag joins the text
// of the previous paragraph) and "-%}" (it joins the text that follows):
// the XML between the tag and that text is removed.
func joinDashTags(s string) string {
	return joinDashAfter(joinDashBefore(s))
}

func joinDashBefore(s string) string {
	if !strings.Contains(s, "{%-") {
		return s
	}
	var b strings.Builder
	done := 0
	for {
		k := strings.Index(s[done:], "{%-")
		if k < 0 {
			break
		}
		k += done
		j := strings.LastIndex(s[done:k], "</w:t>")
		if j < 0 || crosses(s[done+j:k], false) {
			b.WriteString(s[done : k+3])
			done = k + 3
			continue
		}
		j += done
		b.WriteString(s[done:j])
		b.WriteString("{%")
		done = k + 3
	}
	b.WriteString(s[done:])
	return b.String()
}

func joinDashAfter(s string) string {
	if !strings.Contains(s, "-%}") {
		return s
	}
	var b strings.Builder
	done := 0
	for {
		k := strings.Index(s[done:], "-%}")
		if k < 0 {
			break
		}
		k += done
		after := k + 3
		t := findTextStart(s, after)
		if t < 0 {
			b.WriteString(s[done:])
			done = len(s)
			break
		}
		between := s[after:t]
		if strings.LastIndex(s[:k], "{%") <= strings.LastIndex(s[:k], "%}") ||
			strings.Contains(between, "{%") || strings.Contains(between, "{{") || crosses(between, false) {
			b.WriteString(s[done:after])
			done = after
			continue
		}
		b.WriteString(s[done:k])
		b.WriteString("%}")
		done = t + strings.IndexByte(s[t:], '>') + 1
	}
	b.WriteString(s[done:])
	return b.String()
}

// replaceEnclosing replaces the <w:LEVEL> element holding each {%LEVEL ...%}
// (or {{LEVEL ...}}, {#LEVEL ...#}) by the tag alone.
func replaceEnclosing(s, level string) (string, error) {
	var b strings.Builder
	done := 0
	i := 0
	for {
		start := nextTag(s, i)
		if start < 0 {
			break
		}
		open := s[start : start+2]
		rest := s[start+2:]
		if !strings.HasPrefix(rest, level) || len(rest) <= len(level) || rest[len(level)] != ' ' || (open == "{#" && level == "r") {
			i = start + 2
			continue
		}
		cl := closer(open)
		end := strings.Index(rest, cl)
		if end < 0 {
			i = start + 2
			continue
		}
		content := rest[len(level):end]
		tagEnd := start + 2 + end + 2
		elStart := enclosingStart(s, start, level)
		elEnd := -1
		if elStart >= done {
			elEnd = enclosingEnd(s, tagEnd, level)
		}
		if elStart < done || elEnd < 0 {
			return "", &Error{Tag: open + level + content + cl, Reason: fmt.Sprintf("la balise « %s%s » doit être placée dans %s", open, level, levelPlace(level))}
		}
		b.WriteString(s[done:elStart])
		b.WriteString(open)
		b.WriteByte(levelMark)
		b.WriteString(level)
		b.WriteString(content)
		b.WriteString(cl)
		done = elEnd
		i = elEnd
	}
	if done == 0 {
		return s, nil
	}
	b.WriteString(s[done:])
	return b.String(), nil
}

func levelPlace(level string) string {
	switch level {
	case "tr":
		return "une ligne de tableau"
	case "tc":
		return "une cellule de tableau"
	case "p":
		return "un paragraphe"
	}
	return "un texte (run)"
}

// elementAt tells what XML tag starts at s[i] ('<'): an opening
// <w:LEVEL ...> (self-closing or not) or a closing </w:LEVEL>.
func elementAt(s string, i int, level string) (open, selfClosing, close bool) {
	name := "w:" + level
	if strings.HasPrefix(s[i+1:], name) {
		j := i + 1 + len(name)
		if j < len(s) && (s[j] == ' ' || s[j] == '>' || s[j] == '/') {
			k := strings.IndexByte(s[j:], '>')
			if k < 0 {
				return false, false, false
			}
			return true, s[j+k-1] == '/', false
		}
		return false, false, false
	}
	if strings.HasPrefix(s[i+1:], "/"+name+">") {
		return false, false, true
	}
	return false, false, false
}

// enclosingStart finds the start of the innermost <w:LEVEL> element open at
// position pos, or -1.
func enclosingStart(s string, pos int, level string) int {
	depth := 0
	for i := pos - 1; i >= 0; i-- {
		i = strings.LastIndexByte(s[:i+1], '<')
		if i < 0 {
			return -1
		}
		open, self, cl := elementAt(s, i, level)
		switch {
		case cl:
			depth++
		case open && !self:
			if depth == 0 {
				return i
			}
			depth--
		}
	}
	return -1
}

// enclosingEnd finds the end (just after "</w:LEVEL>") of the element open
// at position pos, or -1.
func enclosingEnd(s string, pos int, level string) int {
	depth := 0
	for i := pos; i < len(s); i++ {
		k := strings.IndexByte(s[i:], '<')
		if k < 0 {
			return -1
		}
		i += k
		open, self, cl := elementAt(s, i, level)
		switch {
		case open && !self:
			depth++
		case cl:
			if depth == 0 {
				return i + len("</w:"+level+">")
			}
			depth--
		}
	}
	return -1
}
