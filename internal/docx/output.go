package docx

import (
	"strings"
	"time"

	"github.com/nikolalohinski/gonja/v2/exec"
)

// outputFilter names the filter every {{ }} of a level goes through.
func outputFilter(level string) string {
	if level == "" {
		return "__docx"
	}
	return "__docx_" + level
}

// outputFilterFunc writes a value in the XML: escaped text (or the value
// as is when marked safe), or an image. A {{r }}, {{p }}, {{tc }} or
// {{tr }} tag replaced its element, so its value is wrapped in a new one.
func outputFilterFunc(level string) exec.FilterFunction {
	return func(e *exec.Evaluator, in *exec.Value, _ *exec.VarArgs) *exec.Value {
		if in.IsError() {
			return in
		}
		if img := imageOf(in); img != nil {
			st, _ := e.Environment.Context.Get(stateKey)
			where, ok := st.(partRef)
			if !ok {
				return failf("image hors d'un document")
			}
			d, err := where.pkg.drawing(where.part, img)
			if err != nil {
				return exec.AsValue(err)
			}
			run := "<w:r>" + d + "</w:r>"
			if level == "" {
				return exec.AsSafeValue(`</w:t></w:r>` + run + `<w:r><w:t xml:space="preserve">`)
			}
			return exec.AsSafeValue(wrapLevel(level, run))
		}
		if in.Safe {
			return exec.AsSafeValue(in.String())
		}
		s := escapeText(display(in))
		if level == "" {
			return exec.AsSafeValue(s)
		}
		if s == "" && level != "tc" {
			return exec.AsSafeValue("")
		}
		run := ""
		if s != "" {
			run = `<w:r><w:t xml:space="preserve">` + s + `</w:t></w:r>`
		}
		return exec.AsSafeValue(wrapLevel(level, run))
	}
}

func wrapLevel(level, run string) string {
	switch level {
	case "p":
		return "<w:p>" + run + "</w:p>"
	case "tc":
		return "<w:tc><w:p>" + run + "</w:p></w:tc>"
	case "tr":
		return "<w:tr><w:tc><w:p>" + run + "</w:p></w:tc></w:tr>"
	}
	return run
}

func imageOf(v *exec.Value) *Image {
	switch img := v.Interface().(type) {
	case *Image:
		return img
	case Image:
		return &img
	}
	return nil
}

// display is the text of a value: a date as Python prints it
// ("2024-01-05"), anything else as the engine prints it.
func display(v *exec.Value) string {
	if t, ok := v.Interface().(time.Time); ok {
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format(time.DateOnly)
		}
		return t.Format(time.DateTime)
	}
	return v.String()
}

// escapeText escapes a value for XML text, drops the characters XML 1.0
// cannot hold and keeps \t, \n, \a (new paragraph) and \f (page break)
// for resolveListing. A value's line break is written valueNewline while
// the template runs, since raw line breaks are removed from its output.
func escapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i, r := range s {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"':
			b.WriteString("&#34;")
		case r == '\'':
			b.WriteString("&#39;")
		case r == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				continue
			}
			b.WriteByte('\n')
		case r == '\n':
			b.WriteRune(valueNewline)
		case r == '\t' || r == '\a' || r == '\f':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF:
			// not allowed in XML 1.0
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
