package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

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
	data[stateKey] = p
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

// stateKey holds the package in the rendering context, under a name no
// template can write (it has a space), for the output filters.
const stateKey = "docx package"

// maxPart bounds what one part of the zip may inflate to, maxOutput what
// the rendering of one part may write (a variable for the tests).
const maxPart = 256 << 20

var maxOutput = maxPart

type entry struct {
	name string
	data []byte
}

// pkg is the .docx being rendered.
type pkg struct {
	zip      *zip.Reader
	files    map[string]*zip.File
	changed  map[string][]byte // rewritten entries
	added    []entry           // new entries, in order
	media    map[[32]byte]*media
	rels     map[string]*rels // by part
	ctTypes  string           // [Content_Types].xml
	ctChange bool
}

func openPackage(b []byte) (*pkg, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, errors.New("le fichier n'est pas un document Word (.docx) lisible")
	}
	p := &pkg{zip: zr, files: map[string]*zip.File{}, changed: map[string][]byte{}, media: map[[32]byte]*media{}, rels: map[string]*rels{}}
	for _, f := range zr.File {
		p.files[f.Name] = f
	}
	ct, ok, err := p.read("[Content_Types].xml")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("ce fichier n'est pas un document Word (.docx) : [Content_Types].xml manque")
	}
	p.ctTypes = string(ct)
	return p, nil
}

func (p *pkg) has(name string) bool {
	if _, ok := p.files[name]; ok {
		return true
	}
	for _, e := range p.added {
		if e.name == name {
			return true
		}
	}
	return false
}

// read returns an entry's current bytes.
func (p *pkg) read(name string) ([]byte, bool, error) {
	if b, ok := p.changed[name]; ok {
		return b, true, nil
	}
	f, ok := p.files[name]
	if !ok {
		return nil, false, nil
	}
	if f.UncompressedSize64 > maxPart {
		return nil, false, fmt.Errorf("la partie %s est trop volumineuse", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, false, fmt.Errorf("la partie %s est illisible : %v", name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPart+1))
	if err != nil || len(b) > maxPart {
		return nil, false, fmt.Errorf("la partie %s est illisible", name)
	}
	return b, true, nil
}

var templateContentTypes = []string{
	"wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml",
	"ms-word.document.macroEnabled.main+xml", "ms-word.template.macroEnabledTemplate.main+xml",
	"wordprocessingml.header+xml", "wordprocessingml.footer+xml",
	"wordprocessingml.footnotes+xml", "wordprocessingml.endnotes+xml",
}

// templateParts lists the parts holding tags: the body first, then
// headers, footers and notes, by name.
func (p *pkg) templateParts() []string {
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if xml.Unmarshal([]byte(p.ctTypes), &types) != nil {
		return nil
	}
	var body, others []string
	for _, o := range types.Overrides {
		name := strings.TrimPrefix(o.PartName, "/")
		if _, ok := p.files[name]; !ok {
			continue
		}
		for i, ct := range templateContentTypes {
			if strings.HasSuffix(o.ContentType, ct) {
				if i < 4 {
					body = append(body, name)
				} else {
					others = append(others, name)
				}
			}
		}
	}
	if len(body) == 0 {
		return nil
	}
	sort.Strings(others)
	return append(body, others...)
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
	if len(src.tags) == 0 { // braces but no tag: the part is kept as it was
		if escaped := unescapeBraces.Replace(string(b)); escaped != string(b) {
			p.changed[part] = []byte(escaped)
		}
		return nil
	}
	t, err := newTemplate(part, src.text)
	if err != nil {
		return syntaxError(src, err)
	}
	ctx := exec.NewContext(data)
	ctx.Set(stateKey+" part", part)
	var out strings.Builder
	out.Grow(len(src.text) * 2)
	w := &limitWriter{w: &out, left: maxOutput}
	if err := execute(t, w, ctx); err != nil {
		if w.left < 0 {
			return &Error{Reason: fmt.Sprintf("le document produit dépasse %d Mo : une boucle répète-t-elle trop de contenu ?", maxOutput>>20)}
		}
		msg := err.Error()
		e := &Error{Reason: runtimeReason(msg)}
		if tg := src.tagAtLine(errorLine(msg)); tg != nil {
			e.Tag = tg.display
		}
		return e
	}
	res := strings.ReplaceAll(out.String(), "\n", "")
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

// execute runs a template, turning a panic of the engine into an error.
func execute(t *exec.Template, w io.Writer, ctx *exec.Context) (err error) {
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
			p, _ := e.Environment.Context.Get(stateKey)
			part, _ := e.Environment.Context.Get(stateKey + " part")
			pk, ok := p.(*pkg)
			partName, _ := part.(string)
			if !ok {
				return failf("image hors d'un document")
			}
			d, err := pk.drawing(partName, img)
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

var reDocPr = regexp.MustCompile(`(<wp:docPr\b[^>]*?\bid=")\d+(")`)

// renumberDrawings gives every drawing a unique id: loops copy drawings,
// and Word refuses a document with two drawings of the same id.
func (p *pkg) renumberDrawings(parts []string) {
	n := 0
	for _, part := range parts {
		b, ok := p.changed[part]
		if !ok || !bytes.Contains(b, []byte("<wp:docPr")) {
			continue
		}
		p.changed[part] = reDocPr.ReplaceAllFunc(b, func(m []byte) []byte {
			n++
			sub := reDocPr.FindSubmatch(m)
			return append(append(append([]byte{}, sub[1]...), strconv.Itoa(n)...), sub[2]...)
		})
	}
}

// rels is the relationships part of one part.
type rels struct {
	name string // zip entry
	xml  string
	ids  map[string]bool
	to   map[string]string // target entry -> id, for the ones we add
}

var reRelID = regexp.MustCompile(`\bId="([^"]*)"`)

func relsName(part string) string {
	dir, file := path.Split(part)
	return dir + "_rels/" + file + ".rels"
}

// relationship returns the id of a relationship from part to target,
// adding it when needed.
func (p *pkg) relationship(part, relType, target string) string {
	r, ok := p.rels[part]
	if !ok {
		r = &rels{name: relsName(part), ids: map[string]bool{}, to: map[string]string{}}
		b, found, _ := p.read(r.name)
		if found {
			r.xml = string(b)
		} else {
			r.xml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>`
		}
		for _, m := range reRelID.FindAllStringSubmatch(r.xml, -1) {
			r.ids[m[1]] = true
		}
		p.rels[part] = r
	}
	if id, ok := r.to[target]; ok {
		return id
	}
	id := ""
	for n := len(r.to) + 1; ; n++ {
		id = fmt.Sprintf("rIdDocx%d", n)
		if !r.ids[id] {
			break
		}
	}
	r.ids[id] = true
	r.to[target] = id
	rel := fmt.Sprintf(`<Relationship Id="%s" Type="%s" Target="%s"/>`, id, relType, relativeTarget(part, target))
	if i := strings.LastIndex(r.xml, "</Relationships>"); i >= 0 {
		r.xml = r.xml[:i] + rel + r.xml[i:]
	}
	if _, exists := p.files[r.name]; exists {
		p.changed[r.name] = []byte(r.xml)
	} else {
		p.setAdded(r.name, []byte(r.xml))
	}
	return id
}

func (p *pkg) setAdded(name string, data []byte) {
	for i := range p.added {
		if p.added[i].name == name {
			p.added[i].data = data
			return
		}
	}
	p.added = append(p.added, entry{name: name, data: data})
}

// relativeTarget writes target relative to the folder of part.
func relativeTarget(part, target string) string {
	dir := path.Dir(part)
	if dir == "." {
		return target
	}
	if strings.HasPrefix(target, dir+"/") {
		return strings.TrimPrefix(target, dir+"/")
	}
	return "/" + target
}

// defaultType declares the content type of a file extension once.
func (p *pkg) defaultType(ext, contentType string) {
	re := regexp.MustCompile(`(?i)<Default\b[^>]*\bExtension="` + regexp.QuoteMeta(ext) + `"`)
	if re.MatchString(p.ctTypes) {
		return
	}
	def := fmt.Sprintf(`<Default Extension="%s" ContentType="%s"/>`, ext, contentType)
	if i := strings.LastIndex(p.ctTypes, "</Types>"); i >= 0 {
		p.ctTypes = p.ctTypes[:i] + def + p.ctTypes[i:]
		p.ctChange = true
	}
}

// write zips the package: unchanged entries are copied without being
// recompressed.
func (p *pkg) write() ([]byte, error) {
	if p.ctChange {
		p.changed["[Content_Types].xml"] = []byte(p.ctTypes)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range p.zip.File {
		if data, ok := p.changed[f.Name]; ok {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(data); err != nil {
				return nil, err
			}
			continue
		}
		fh := f.FileHeader
		w, err := zw.CreateRaw(&fh)
		if err != nil {
			return nil, err
		}
		r, err := f.OpenRaw()
		if err != nil {
			return nil, err
		}
		if _, err := io.Copy(w, r); err != nil {
			return nil, err
		}
	}
	for _, e := range p.added {
		method := zip.Deflate
		if strings.HasPrefix(e.name, "word/media/") {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e.name, Method: method})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
