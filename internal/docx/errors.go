package docx

import (
	"fmt"
	"path"
	"regexp"
	"strings"
)

// Error is a template that cannot be rendered. Its message is French and
// names the template, the part of the document and, when known, the tag
// as the template shows it.
type Error struct {
	Template string // name given to Render, e.g. "HLM-template.docx"
	Part     string // zip entry, e.g. "word/document.xml"; "" for the whole file
	Tag      string // e.g. "{%tr for l in logements %}"; "" when unknown
	Reason   string // what is wrong, in French
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "modèle « %s »", e.Template)
	if e.Part != "" {
		fmt.Fprintf(&b, " (%s)", partLabel(e.Part))
	}
	if e.Tag != "" {
		fmt.Fprintf(&b, ", balise « %s »", e.Tag)
	}
	b.WriteString(" : ")
	b.WriteString(e.Reason)
	return b.String()
}

// partLabel names a part the way a template author knows it.
func partLabel(part string) string {
	base := path.Base(part)
	switch {
	case strings.HasPrefix(base, "header"):
		return "en-tête " + part
	case strings.HasPrefix(base, "footer"):
		return "pied de page " + part
	case strings.HasPrefix(base, "footnotes"):
		return "notes de bas de page " + part
	case strings.HasPrefix(base, "endnotes"):
		return "notes de fin " + part
	}
	return "corps du document " + part
}

// French errors raised inside the engine (filters, methods) travel through
// gonja's English wrapping; the markers let us find their text again.
const (
	frStart = "\x02"
	frEnd   = "\x03"
)

type frenchError string

func (e frenchError) Error() string { return frStart + string(e) + frEnd }

func frenchf(format string, args ...any) error {
	return frenchError(fmt.Sprintf(format, args...))
}

var (
	reLine          = regexp.MustCompile(`at line (\d+)`)
	reFilterMissing = regexp.MustCompile(`filter '([^']*)' not found`)
	reTestMissing   = regexp.MustCompile(`test '([^']*)' not found`)
	reUnknownMethod = regexp.MustCompile(`unknown method '([^']*)'`)
	reNotCallable   = regexp.MustCompile(`'([^']*)' is not callable`)
	reNotFunction   = regexp.MustCompile(`(\S+) is not callable`)
	reOutputFilter  = regexp.MustCompile(`invalid call to filter '__docx\w*': `)
	reInvalidCall   = regexp.MustCompile(`invalid call to (?:filter|function|method) '([^']*)'[^:]*: (.*)`)
)

// runtimeReason translates a gonja execution error into French.
func runtimeReason(msg string) string {
	if i := strings.Index(msg, frStart); i >= 0 {
		rest := msg[i+len(frStart):]
		if j := strings.Index(rest, frEnd); j >= 0 {
			return rest[:j]
		}
		return rest
	}
	msg = reOutputFilter.ReplaceAllString(msg, "") // our own filter, not the author's
	if m := reFilterMissing.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("filtre inconnu « %s »", m[1])
	}
	if m := reTestMissing.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("test inconnu « %s »", m[1])
	}
	if m := reUnknownMethod.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("méthode inconnue « %s »", m[1])
	}
	if m := reNotCallable.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("méthode inconnue « %s » (ou appelée sur une valeur vide)", m[1])
	}
	if m := reNotFunction.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("« %s » n'est pas une méthode", m[1])
	}
	if m := reInvalidCall.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("appel invalide de « %s » : %s", m[1], m[2])
	}
	return "erreur à l'exécution du modèle (détail technique : " + lastCause(msg) + ")"
}

// lastCause keeps the innermost part of a chain of wrapped messages.
func lastCause(msg string) string {
	parts := strings.Split(msg, ": ")
	for i := len(parts) - 1; i >= 0; i-- {
		if p := strings.TrimSpace(parts[i]); p != "" {
			return p
		}
	}
	return msg
}

// errorLine finds the innermost "at line N" of a gonja execution error.
func errorLine(msg string) int {
	all := reLine.FindAllStringSubmatch(msg, -1)
	if len(all) == 0 {
		return 0
	}
	n := 0
	fmt.Sscanf(all[len(all)-1][1], "%d", &n)
	return n
}
