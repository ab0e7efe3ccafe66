package docx

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// docxtplScript renders every N.docx of a folder with N.json as context
// into N.out.docx, with docxtpl and an autoescaping Jinja environment, as
// the reference does.
const docxtplScript = `
import glob, json, sys
import jinja2
from docxtpl import DocxTemplate
env = jinja2.Environment(autoescape=True)
for ctx_file in sorted(glob.glob(sys.argv[1] + "/*.json")):
    base = ctx_file[:-len(".json")]
    doc = DocxTemplate(base + ".docx")
    doc.render(json.load(open(ctx_file)), env)
    doc.save(base + ".out.docx")
`

// TestMatchesDocxtpl renders the same templates with docxtpl (Debian's
// python3-docxtpl) and with Render, and compares the text of the results:
// tags split across runs, {%p %}, {%tr %}, {%tc %}, {%r %}, dashes,
// cleaned tags, line breaks, comments.
func TestMatchesDocxtpl(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import docxtpl").Run(); err != nil {
		missing(t, "docxtpl pour "+python, "python3-docxtpl")
	}
	cases := []struct {
		d   testDoc
		ctx map[string]any
	}{
		{testDoc{body: para(run("N° {{ conv"), spell, bold("ention.num"), run("ero }} !")) + para(splitEvery("{{ convention.numero }}", 1)...)},
			map[string]any{"convention": map[string]any{"numero": "7 & <8>"}}},
		{testDoc{body: text("Début") + text("{%p if avenant %}") + text("Avenant") + text("{%p else %}") + text("Convention") + text("{%p endif %}") +
			text("{%p for a in articles %}") + para(run("Article {{ loop.index }} : "), bold("{{ a }}")) + text("{%p endfor %}") + text("Fin")},
			map[string]any{"avenant": false, "articles": []string{"objet", "durée"}}},
		{testDoc{body: table([]string{text("Désignation"), text("Surface")}, []string{text("{%tr for l in logements %}"), text("")},
			[]string{text("{{ l.designation }}"), text("{{ l.surface }}")}, []string{text("{%tr endfor %}"), text("")})},
			map[string]any{"logements": []map[string]any{{"designation": "A1", "surface": 45}, {"designation": "A2", "surface": 50}}}},
		{testDoc{body: table([]string{text("{%tr for l in lots %}")}, []string{table([]string{text("{%tr for x in l %}")}, []string{text("{{ x }}")}, []string{text("{%tr endfor %}")}) + text("")}, []string{text("{%tr endfor %}")})},
			map[string]any{"lots": [][]string{{"a", "b"}, {"c"}}}},
		{testDoc{body: table([]string{text("F"), text("{%tc for f in fs %}"), text("{{ f }}"), text("{%tc endfor %}")})},
			map[string]any{"fs": []string{"PLUS", "PLAI", "PLS"}}},
		{testDoc{body: para(run("Logement"), run("{%r if foyer %}"), bold(" (foyer)"), run("{%r endif %}"), run(" : "), run("{{ nom }}"), run(" fin"))},
			map[string]any{"foyer": false, "nom": "R <A>"}},
		{testDoc{body: text("Le logement est situé") + text("{%- if en_ville -%}") + text(" en ville") + text("{%- else -%}") + text(" à la campagne") +
			text("{%- endif -%}") + text(" et il me plaît.")},
			map[string]any{"en_ville": true}},
		{testDoc{body: text("{% if statut == “1. Projet” %}oui{% endif %} {{ ‘a’ ~ ’b’ }} {% if n &gt; 2 %}trois{% endif %}")},
			map[string]any{"statut": "1. Projet", "n": 3}},
		{testDoc{body: para(bold("Adresse : {{ adresse }}")) + text("{{ tab }}") + text("{{ deux }}") + text("{{ saut }}")},
			map[string]any{"adresse": "1 rue A\n75001 Paris", "tab": "a\tb", "deux": "un\adeux", "saut": "p1\fp2"}},
		{testDoc{body: text("a{# note #}b") + text("{#p tout #}") + text("{_{ x }_}")}, map[string]any{}},
		{testDoc{body: para(run("{% if x %}avant")) + para(run("après{% endif %}"))}, map[string]any{"x": false}},
	}
	dir := t.TempDir()
	for i, c := range cases {
		ctx, err := json.Marshal(c.ctx)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Join(dir, fmt.Sprint(i))
		if err := os.WriteFile(base+".docx", c.d.docx(t), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".json", ctx, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := exec.Command(python, "-c", docxtplScript, dir).CombinedOutput(); err != nil {
		t.Fatalf("docxtpl : %v\n%s", err, out)
	}
	for i, c := range cases {
		out, err := Render("t.docx", c.d.docx(t), c.ctx)
		if err != nil {
			t.Errorf("cas %d : %v", i, err)
			continue
		}
		ref, err := os.ReadFile(filepath.Join(dir, fmt.Sprint(i)+".out.docx"))
		if err != nil {
			t.Fatal(err)
		}
		got := partText(t, unzip(t, out)["word/document.xml"])
		want := partText(t, unzip(t, ref)["word/document.xml"])
		if got != want {
			t.Errorf("cas %d :\n Render  %q\n docxtpl %q", i, got, want)
		}
	}
}
