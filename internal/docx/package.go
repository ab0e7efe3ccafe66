package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

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
