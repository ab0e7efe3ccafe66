package docx

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	"Bonjour {{ convention.numero }} !",
	"{% for l in lots %}{{ l.nom|upper }} {{ loop.index }}{% endfor %}",
	"{%p if x %}oui{%p else %}non{%p endif %}",
	"{%tr for l in lots %}{{ l }}{%tr endfor %}",
	"{{r img }} {{p img }} {{ img }}",
	"{{ montant|f(0) }} {{ n|pl }} {{ d|dd }} {{ t|tl }} {{ txt|get_text_as_list }}",
	"{%- if a -%} b {%- endif -%}",
	"{{ x if y else z }}{{ 'a' if b }}",
	"{{ “a” ~ ‘b’ }} {% if n &gt; 1 %}x{% endif %}",
	"{{ x", "{% if %}", "{% endif %}", "{{ }}", "}}{{", "{%tr x %}", "{# c #}{#p p #}",
	"{_{ x }_}", "{% raw %}{{ x }}{% endraw %}", "{% set s %}a{% endset %}{{ s }}",
	"{{ a|inconnu }}", "{% include 'x' %}", "{{ obj.method(1, 'a') }}", "{{ lots.first().nom }}",
	"{{ '\x01\x07\x0c' }}", "{{ '<w:p>' }}", "&lt;{{ x }}&gt;", "{{{{}}}}", "{%%}", "{{-}}",
}

// fuzzContext has a value of each kind a template meets.
func fuzzContext(t testing.TB) map[string]any {
	return map[string]any{
		"convention": map[string]any{"numero": "1 & 2"},
		"lots":       []map[string]any{{"nom": "a"}, {"nom": "<b>"}},
		"x":          true, "y": false, "z": "z", "n": 2, "montant": 12.5, "t": "T2",
		"txt": "- a\n- b", "img": Image{Name: "i.png", Data: picture(t, "png", 4, 4)},
		"obj": &programme{Nom: "p"},
	}
}

// FuzzRender renders a paragraph of any text, cut into runs as Word does:
// Render may refuse it, but must not panic, and what it returns must be
// well-formed XML.
func FuzzRender(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s, uint8(3))
	}
	ctx := fuzzContext(f)
	f.Fuzz(func(t *testing.T, s string, cut uint8) {
		// Cut every n runes, escape each run as Word writes its text.
		n := int(cut%7) + 1
		var runs []string
		r := []rune(s)
		for i := 0; i < len(r); i += n {
			var esc strings.Builder
			if err := xml.EscapeText(&esc, []byte(string(r[i:min(i+n, len(r))]))); err != nil {
				return
			}
			runs = append(runs, bold(esc.String()))
		}
		d := testDoc{body: para(runs...) + table([]string{para(runs...)})}
		out, err := Render("fuzz.docx", d.docx(t), ctx)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason == "" {
				t.Fatalf("erreur sans message : %v", err)
			}
			return
		}
		for name, data := range unzip(t, out) {
			if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
				if err := checkXML(string(data)); err != nil {
					t.Fatalf("%s invalide : %v", name, err)
				}
			}
		}
	})
}

// FuzzPrepare runs the pre-pass on any XML, well-formed or not.
func FuzzPrepare(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(para(run(s)))
		f.Add(table([]string{para(run(s[:len(s)/2]), spell, bold(s[len(s)/2:]))}))
	}
	f.Add("<w:tr><w:p {%tr x %}</w:p></w:tr")
	f.Add("{<</w:t>%tr <w:t>x %<>}")
	f.Fuzz(func(t *testing.T, x string) {
		prepared, err := prepare(x)
		if err != nil {
			return
		}
		if _, err := buildSource(prepared); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Reason == "" {
				t.Fatalf("erreur sans message : %v", err)
			}
		}
	})
}
