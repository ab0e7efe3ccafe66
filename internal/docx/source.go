package docx

import (
	"fmt"
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// tag is one Jinja tag of a prepared part.
type tag struct {
	open    string // "{{", "{%" or "{#"
	level   string // "tr", "tc", "p", "r" or ""
	body    string // cleaned text between the delimiters, without the level
	line    int    // line of the gonja source where the tag starts
	src     string // the tag as given to gonja
	display string // the tag as the template shows it
}

// name is the first word of a statement: "for", "endif", ...
func (t *tag) name() string {
	s := strings.TrimLeft(t.body, "-+ ")
	i := 0
	for i < len(s) && isIdent(s[i]) {
		i++
	}
	return s[:i]
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// alone is the tag completed into a template of its own (a block gets its
// end), to find which tag gonja cannot parse; "" for an end tag.
func (t *tag) alone() string {
	if t.open == "{{" {
		return t.src
	}
	name := t.name()
	_, core, _ := splitTrim(t.body)
	switch {
	case name == "raw" || strings.HasPrefix(name, "end"):
		return ""
	case blockStatements[name] || name == "set" && !hasTopLevelAssign(core):
		return t.src + "{% end" + name + " %}"
	case name == "elif" || name == "else":
		return "{% if true %}" + t.src + "{% endif %}"
	case name == "break" || name == "continue":
		return "{% for _ in [] %}" + t.src + "{% endfor %}"
	}
	return t.src
}

// source is a part ready for gonja, with the tags it holds.
type source struct {
	text     string
	tags     []*tag
	comments bool // {# #} were dropped
}

// tagAtLine finds the tag whose body is on gonja source line n.
func (s *source) tagAtLine(n int) *tag {
	var found *tag
	for _, t := range s.tags {
		if t.line > n {
			break
		}
		found = t
	}
	return found
}

// cleanTag undoes what Word does to typed code: XML entities, curly quotes
// (Word's "smart quotes", as docxtpl does), line breaks and, outside string
// literals, non-breaking spaces (French typography puts them before ":",
// "!", "?").
var (
	quoteCleaner = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "\n", " ", "\r", " ")
	spaceCleaner = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\u2009", " ")
)

func cleanTag(s string) string {
	if strings.IndexByte(s, '&') >= 0 {
		s = html.UnescapeString(s)
	}
	s = quoteCleaner.Replace(s)
	if !strings.ContainsAny(s, "\u00a0\u202f\u2009") {
		return s
	}
	var b strings.Builder
	from := 0
	var quote byte
	flush := func(to int, inString bool) {
		if inString {
			b.WriteString(s[from:to])
		} else {
			b.WriteString(spaceCleaner.Replace(s[from:to]))
		}
		from = to
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case quote != 0 && c == '\\':
			i++
		case quote != 0 && c == quote:
			flush(i+1, true)
			quote = 0
		case quote == 0 && (c == '"' || c == '\''):
			flush(i, false)
			quote = c
		}
	}
	flush(len(s), quote != 0)
	return b.String()
}

// Statements that open a block closed by "end<name>".
var blockStatements = map[string]bool{
	"if": true, "for": true, "macro": true, "call": true, "filter": true,
	"with": true, "block": true, "autoescape": true, "raw": true,
}

// Statements refused: a document template reads no other file.
var forbiddenStatements = map[string]bool{
	"include": true, "import": true, "from": true, "extends": true,
}

var lineBreaks = strings.NewReplacer("\r", "", "\n", "")

// buildSource reads the tags of a prepared part, checks what can be checked
// before rendering (unknown tags and filters, unclosed blocks, empty tags)
// and writes the gonja source: each {{ }} goes through the output filter
// of its level, and each tag starts a line of its own so an error can be
// traced back to its tag.
func buildSource(x string) (*source, error) {
	src := &source{}
	var b strings.Builder
	b.Grow(len(x) + len(x)/8)
	line := 1
	// Raw line breaks in Word's XML mean nothing; the only ones left are
	// those put before each tag, so a gonja error's line number tells
	// the tag. They are removed from the output (see renderPart).
	write := func(s string) {
		if strings.ContainsAny(s, "\r\n") {
			s = lineBreaks.Replace(s)
		}
		b.WriteString(s)
	}
	writeTag := func(t *tag, s string) {
		b.WriteByte('\n')
		line++
		t.line = line
		t.src = s
		src.tags = append(src.tags, t)
		b.WriteString(s)
	}
	type open struct {
		t    *tag
		name string
	}
	var stack []open
	inRaw := false
	i := 0
	for {
		start := nextTag(x, i)
		if start < 0 {
			break
		}
		delim := x[start : start+2]
		cl := closer(delim)
		end := strings.Index(x[start+2:], cl)
		raw := x[start:]
		if end >= 0 {
			raw = x[start : start+2+end+2]
		}
		t := &tag{open: delim}
		inner := raw[2:]
		if end >= 0 {
			inner = raw[2 : len(raw)-2]
		}
		if len(inner) > 0 && inner[0] == levelMark {
			inner = inner[1:]
			for _, l := range levels {
				if strings.HasPrefix(inner, l) {
					t.level, inner = l, inner[len(l):]
					break
				}
			}
		}
		t.body = cleanTag(inner)
		t.display = delim + t.level + t.body
		if end >= 0 {
			t.display += cl
		}
		t.display = shorten(t.display)
		// XML left in a tag: its runs could not be joined (it spans cells).
		if end < 0 || strings.Contains(inner, "{{") || strings.Contains(inner, "{%") || strings.Contains(inner, "<w:") {
			return nil, &Error{Tag: unclosedTag(delim+t.level, inner), Reason: fmt.Sprintf("balise non fermée : « %s » manquant", cl)}
		}
		write(x[i:start])
		i = start + len(raw)

		if inRaw {
			if delim == "{%" && t.name() == "endraw" {
				inRaw = false
				stack = stack[:len(stack)-1]
				writeTag(t, "{%"+t.body+"%}")
			} else {
				write(raw)
			}
			continue
		}
		switch delim {
		case "{#":
			src.comments = true // dropped
			continue
		case "{{":
			lead, core, trail := splitTrim(t.body)
			body, err := outputBody(t, core)
			if err != nil {
				return nil, err
			}
			writeTag(t, "{{"+lead+body+trail+"}}")
		case "{%":
			name := t.name()
			lead, core, trail := splitTrim(t.body)
			if name == "" {
				return nil, &Error{Tag: t.display, Reason: "balise vide ou mal écrite : un mot-clé (if, for, set...) est attendu après « {% »"}
			}
			if err := checkExpr(t, core); err != nil {
				return nil, err
			}
			switch {
			case forbiddenStatements[name]:
				return nil, &Error{Tag: t.display, Reason: fmt.Sprintf("l'instruction « %s » est interdite : un modèle de document ne lit pas d'autre fichier", name)}
			case blockStatements[name] || name == "set" && !hasTopLevelAssign(core):
				stack = append(stack, open{t, name})
				if name == "raw" {
					inRaw = true
				}
			case name == "elif" || name == "else":
				if len(stack) == 0 || (stack[len(stack)-1].name != "if" && !(name == "else" && stack[len(stack)-1].name == "for")) {
					return nil, &Error{Tag: t.display, Reason: fmt.Sprintf("« %s » hors d'un bloc « if »%s", name, map[bool]string{true: " ou « for »"}[name == "else"])}
				}
			case strings.HasPrefix(name, "end"):
				want := name[3:]
				if len(stack) == 0 {
					return nil, &Error{Tag: t.display, Reason: "cette balise ne ferme aucun bloc ouvert"}
				}
				top := stack[len(stack)-1]
				if top.name != want {
					return nil, &Error{Tag: top.t.display, Reason: fmt.Sprintf("bloc non fermé : « {%% end%s %%} » attendu avant « %s »", top.name, t.display)}
				}
				stack = stack[:len(stack)-1]
			case !controlStructures.Exists(name):
				return nil, &Error{Tag: t.display, Reason: fmt.Sprintf("instruction inconnue « %s »", name)}
			}
			writeTag(t, "{%"+lead+core+trail+"%}")
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return nil, &Error{Tag: top.t.display, Reason: fmt.Sprintf("bloc non fermé : « {%% end%s %%} » manquant", top.name)}
	}
	write(x[i:])
	src.text = b.String()
	return src, nil
}

// outputBody rewrites the body of {{ expr }} so the value goes through the
// output filter of the tag's level: "a if c else b" becomes
// "(a)|__docx if c else (b)|__docx".
func outputBody(t *tag, core string) (string, error) {
	if strings.TrimSpace(core) == "" {
		return "", &Error{Tag: t.display, Reason: "balise vide : une valeur est attendue entre « {{ » et « }} »"}
	}
	if err := checkExpr(t, core); err != nil {
		return "", err
	}
	filter := "|" + outputFilter(t.level)
	value, cond, alt := splitConditional(core)
	out := "(" + value + ")" + filter
	if cond != "" {
		out += " if " + cond
		if alt != "" {
			out += " else (" + alt + ")" + filter
		}
	}
	return out + " ", nil
}

// splitTrim separates Jinja's whitespace control marks ("-" or "+" right
// after the opening delimiter, "-" right before the closing one).
func splitTrim(body string) (lead, core, trail string) {
	core = body
	if core != "" && (core[0] == '-' || core[0] == '+') {
		lead, core = core[:1], core[1:]
	}
	if n := len(core); n > 0 && (core[n-1] == '-' || core[n-1] == '+') {
		trail, core = core[n-1:], core[:n-1]
	}
	return lead, core, trail
}

// scanExpr calls fn for each byte of a Jinja expression that is outside
// string literals, with the bracket depth at that byte.
func scanExpr(expr string, fn func(i, depth int) bool) {
	depth := 0
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if quote != 0 {
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
			continue
		}
		switch c {
		case '\'', '"':
			quote = c
			continue
		case '(', '[', '{':
			depth++
		case ')', ']', '}':
			depth--
		}
		if !fn(i, depth) {
			return
		}
	}
}

// keywordAt reports whether the word kw starts at expr[i] as a whole word.
func keywordAt(expr string, i int, kw string) bool {
	if !strings.HasPrefix(expr[i:], kw) {
		return false
	}
	if i > 0 && isIdent(expr[i-1]) {
		return false
	}
	j := i + len(kw)
	return j >= len(expr) || !isIdent(expr[j])
}

// splitConditional splits "a if c else b" at its top-level keywords.
func splitConditional(expr string) (value, cond, alt string) {
	ifAt, elseAt := -1, -1
	scanExpr(expr, func(i, depth int) bool {
		if depth != 0 {
			return true
		}
		if ifAt < 0 && keywordAt(expr, i, "if") {
			ifAt = i
		} else if ifAt >= 0 && keywordAt(expr, i, "else") {
			elseAt = i
			return false
		}
		return true
	})
	if ifAt < 0 {
		return expr, "", ""
	}
	value = expr[:ifAt]
	if elseAt < 0 {
		return value, strings.TrimSpace(expr[ifAt+2:]), ""
	}
	return value, strings.TrimSpace(expr[ifAt+2 : elseAt]), expr[elseAt+4:]
}

// hasTopLevelAssign tells "set x = 1" (an assignment) from "set x" (a block).
func hasTopLevelAssign(expr string) bool {
	found := false
	scanExpr(expr, func(i, depth int) bool {
		if depth == 0 && expr[i] == '=' && (i+1 >= len(expr) || expr[i+1] != '=') && (i == 0 || !strings.ContainsRune("=!<>", rune(expr[i-1]))) {
			found = true
			return false
		}
		return true
	})
	return found
}

// checkChars refuses, outside string literals, a character that is
// neither ASCII nor a letter: it has no meaning in Jinja, and gonja's lexer
// can loop or panic on some of them.
func checkChars(t *tag, expr string) error {
	var bad rune
	scanExpr(expr, func(i, _ int) bool {
		if expr[i] < utf8.RuneSelf || !utf8.RuneStart(expr[i]) {
			return true
		}
		r, _ := utf8.DecodeRuneInString(expr[i:])
		if !unicode.IsLetter(r) {
			bad = r
			return false
		}
		return true
	})
	if bad != 0 {
		return &Error{Tag: t.display, Reason: fmt.Sprintf("caractère « %c » inattendu hors d'un texte entre guillemets", bad)}
	}
	return nil
}

// checkExpr refuses odd characters and the filters the engine does not
// know, before rendering, so even a filter in a branch never taken is
// reported.
func checkExpr(t *tag, expr string) error {
	if err := checkChars(t, expr); err != nil {
		return err
	}
	var unknown string
	check := func(name string) bool {
		if name != "" && !filters.Exists(name) {
			unknown = name
			return false
		}
		return true
	}
	scanExpr(expr, func(i, depth int) bool {
		if expr[i] != '|' {
			return true
		}
		j := i + 1
		for j < len(expr) && expr[j] == ' ' {
			j++
		}
		k := j
		for k < len(expr) && isIdent(expr[k]) {
			k++
		}
		return check(expr[j:k])
	})
	if unknown == "" && t.open == "{%" && t.name() == "filter" {
		fields := strings.Fields(strings.TrimLeft(expr, " "))
		if len(fields) > 1 {
			name := fields[1]
			if k := strings.IndexFunc(name, func(r rune) bool { return r > 127 || !isIdent(byte(r)) }); k >= 0 {
				name = name[:k]
			}
			check(name)
		}
	}
	if unknown != "" {
		return &Error{Tag: t.display, Reason: fmt.Sprintf("filtre inconnu « %s »", unknown)}
	}
	return nil
}

// unclosedTag shows an unclosed tag up to where the next tag starts.
func unclosedTag(open, inner string) string {
	text := xmlText(inner)
	if k := nextTag(text, 0); k >= 0 {
		text = text[:k]
	}
	return shorten(strings.TrimSpace(open + cleanTag(text)))
}

// xmlText keeps the text of an XML fragment, for messages.
func xmlText(s string) string {
	var b strings.Builder
	in := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '<':
			in = true
		case c == '>':
			in = false
		case !in:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// shorten keeps messages readable when a tag swallowed a long text.
func shorten(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "…"
	}
	return s
}
