package docx

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/nikolalohinski/gonja/v2/builtins"
	"github.com/nikolalohinski/gonja/v2/config"
	"github.com/nikolalohinski/gonja/v2/exec"
	"github.com/nikolalohinski/gonja/v2/loaders"
	"github.com/nikolalohinski/gonja/v2/parser"
)

// Render renders the .docx template tpl (the bytes of a Word file) with
// ctx and returns the bytes of the resulting .docx. name names the
// template in error messages. Errors are *Error, in French.
func Render(name string, tpl []byte, ctx map[string]any) ([]byte, error) {
	p, err := openPackage(tpl)
	if err != nil {
		return nil, &Error{Template: name, Reason: err.Error()}
	}
	parts := p.templateParts()
	if len(parts) == 0 {
		return nil, &Error{Template: name, Reason: "ce fichier n'est pas un document Word (.docx) : il n'a pas de corps de document"}
	}
	data := make(map[string]any, len(ctx)+1)
	for k, v := range ctx {
		data[k] = adaptEntry(k, reflect.ValueOf(v))
	}
	for _, part := range parts {
		if err := p.renderPart(part, data); err != nil {
			var e *Error
			if errors.As(err, &e) {
				e.Template, e.Part = name, part
				return nil, e
			}
			return nil, &Error{Template: name, Part: part, Reason: err.Error()}
		}
	}
	p.renumberDrawings(parts)
	out, err := p.write()
	if err != nil {
		return nil, &Error{Template: name, Reason: "écriture du document : " + err.Error()}
	}
	return out, nil
}

// stateKey holds the part being rendered in the rendering context, under a
// name no template can write (it has a space), for the output filters.
const stateKey = "docx part"

type partRef struct {
	pkg  *pkg
	part string
}

// renderPart runs the pre-pass, gonja and the post-pass on one part.
func (p *pkg) renderPart(part string, data map[string]any) error {
	b, _, err := p.read(part)
	if err != nil {
		return err
	}
	x := string(b)
	if !strings.Contains(x, "{") {
		return nil
	}
	x, err = prepare(x)
	if err != nil {
		return err
	}
	src, err := buildSource(x)
	if err != nil {
		return err
	}
	if len(src.tags) == 0 && !src.comments { // braces but no tag: kept as it was
		if escaped := unescapeBraces.Replace(string(b)); escaped != string(b) {
			p.changed[part] = []byte(escaped)
		}
		return nil
	}
	out, err := p.execute(part, src, data)
	if err != nil {
		return err
	}
	res := strings.ReplaceAll(out, "\n", "")
	res = strings.ReplaceAll(res, string(valueNewline), "\n")
	res = unescapeBraces.Replace(res)
	res = resolveListing(res)
	for _, tg := range src.tags {
		if tg.level == "tc" {
			res = fixTables(res)
			break
		}
	}
	if err := checkXML(res); err != nil {
		return &Error{Reason: "le document produit n'est pas un XML valide (" + err.Error() + ") : une balise {% %} ouvre ou ferme probablement un bloc au milieu d'un paragraphe ou d'une ligne de tableau ; utilisez {%p %}, {%tr %} ou {%tc %} pour qu'elle porte sur le paragraphe, la ligne ou la cellule entière"}
	}
	p.changed[part] = []byte(res)
	return nil
}

// execute runs gonja on a part's source.
func (p *pkg) execute(part string, src *source, data map[string]any) (string, error) {
	if len(src.tags) == 0 {
		return src.text, nil
	}
	t, err := newTemplate(part, src.text)
	if err != nil {
		return "", syntaxError(src, err)
	}
	ctx := exec.NewContext(data)
	ctx.Set(stateKey, partRef{p, part})
	var out strings.Builder
	out.Grow(len(src.text) * 2)
	w := &limitWriter{w: &out, left: maxOutput}
	if err := runTemplate(t, w, ctx); err != nil {
		if w.left < 0 {
			return "", &Error{Reason: fmt.Sprintf("le document produit dépasse %d Mo : une boucle répète-t-elle trop de contenu ?", maxOutput>>20)}
		}
		msg := err.Error()
		e := &Error{Reason: runtimeReason(msg)}
		if tg := src.tagAtLine(errorLine(msg)); tg != nil {
			e.Tag = tg.display
		}
		return "", e
	}
	return out.String(), nil
}

// limitWriter stops a rendering whose output grows past a bound.
type limitWriter struct {
	w    io.Writer
	left int
}

var errTooLarge = errors.New("document trop volumineux")

func (l *limitWriter) Write(b []byte) (int, error) {
	l.left -= len(b)
	if l.left < 0 {
		return 0, errTooLarge
	}
	return l.w.Write(b)
}

// runTemplate executes a template, turning a panic of the engine into an error.
func runTemplate(t *exec.Template, w io.Writer, ctx *exec.Context) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return t.Execute(w, ctx)
}

// valueNewline stands for a line break of a value until the tags' line
// breaks are removed from the output.
const valueNewline = '\x05'

// "{_{" writes a literal "{{" in a document, as in docxtpl.
var unescapeBraces = strings.NewReplacer("{_{", "{{", "}_}", "}}", "{_%", "{%", "%_}", "%}")

// newTemplate parses gonja source; a panic of gonja's lexer on odd input
// becomes an error.
func newTemplate(id, text string) (t *exec.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%v", r)
		}
	}()
	env := &exec.Environment{
		Context:           globals.Inherit(),
		Filters:           filters,
		Tests:             builtins.Tests,
		ControlStructures: controlStructures,
		Methods:           methods,
	}
	cfg := config.New()
	cfg.AutoEscape = true
	cfg.KeepTrailingNewline = true
	return exec.NewTemplate(id, cfg, oneLoader{id: id, text: text}, env)
}

// syntaxError names the tag where gonja's parser stopped: the line of the
// error when gonja gives one, else the first tag that does not parse on
// its own.
func syntaxError(src *source, err error) error {
	e := &Error{Reason: "syntaxe incorrecte"}
	var se *parser.SyntaxError
	if errors.As(err, &se) && se.Line > 0 {
		if se.Raw != "" {
			e.Reason += fmt.Sprintf(" près de « %s »", se.Raw)
		}
		if tg := src.tagAtLine(se.Line); tg != nil {
			e.Tag = tg.display
		}
		e.Reason += " (détail technique : " + se.Message + ")"
		return e
	}
	for _, tg := range src.tags {
		alone := tg.alone()
		if alone == "" {
			continue
		}
		if _, terr := newTemplate("balise", alone); terr != nil {
			e.Tag = tg.display
			err = terr
			break
		}
	}
	if inner := errors.Unwrap(err); inner != nil {
		err = inner
	}
	e.Reason += " (détail technique : " + lastCause(err.Error()) + ")"
	return e
}

// checkXML reports the first well-formedness error of a part. RawToken
// is fast but does not match end tags with start tags, so a stack does.
func checkXML(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	var open []xml.Name
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(open) > 0 {
				return fmt.Errorf("élément <%s> non fermé", qname(open[len(open)-1]))
			}
			return nil
		}
		if err != nil {
			return err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			open = append(open, el.Name)
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != el.Name {
				return fmt.Errorf("fin d'élément </%s> inattendue", qname(el.Name))
			}
			open = open[:len(open)-1]
		}
	}
}

func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// oneLoader serves the part being rendered and refuses any other file.
type oneLoader struct{ id, text string }

func (l oneLoader) Read(name string) (io.Reader, error) {
	if name == l.id {
		return strings.NewReader(l.text), nil
	}
	return nil, errors.New("un modèle de document ne lit pas d'autre fichier")
}
func (l oneLoader) Resolve(name string) (string, error)    { return name, nil }
func (l oneLoader) Inherit(string) (loaders.Loader, error) { return l, nil }

// The engine's set-up, shared by every rendering.
var (
	globals = exec.EmptyContext().Update(builtins.GlobalFunctions).Update(builtins.GlobalVariables)

	controlStructures = func() *exec.ControlStructureSet {
		allowed := map[string]parser.ControlStructureParser{}
		for _, name := range []string{"if", "for", "set", "with", "macro", "call", "filter", "raw", "autoescape", "block", "do", "break", "continue"} {
			if cs, ok := builtins.ControlStructures.Get(name); ok {
				allowed[name] = cs
			}
		}
		return exec.NewControlStructureSet(allowed)
	}()

	methods = func() exec.Methods {
		m := builtins.Methods
		m.List = listMethods
		return m
	}()
)
