package docx

import (
	"strings"
	"testing"
)

func TestTagsSplitAcrossRuns(t *testing.T) {
	ctx := map[string]any{"convention": map[string]any{"numero": "75-2024-001"}, "lots": []string{"a", "b"}}
	tests := []struct {
		name string
		body string
		want string
	}{
		{"one run", para(run("N° {{ convention.numero }} !")), "N° 75-2024-001 !\n"},
		{"split in the name", para(run("N° {{ conv"), spell, bold("ention.num"), run("ero }} !")), "N° 75-2024-001 !\n"},
		{"opening braces split", para(run("N° {"), bold("{ convention.numero }}")), "N° 75-2024-001\n"},
		{"closing braces split", para(run("N° {{ convention.numero }"), bold("}"), run(" fin")), "N° 75-2024-001 fin\n"},
		{"every character its own run", para(splitEvery("{{ convention.numero }}", 1)...), "75-2024-001\n"},
		{"statement split", para(run("{"), bold("%"), run(" for l in lots %"), run("}"), run("[{{ l }}]"), run("{% end"), bold("for %}")), "[a][b]\n"},
		{"bookmark inside a tag", para(run("{{ convention."), `<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>`, run("numero }}")), "75-2024-001\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bodyText(t, testDoc{body: tt.body}, ctx); got != tt.want {
				t.Errorf("texte = %q, attendu %q", got, tt.want)
			}
		})
	}
}

// splitEvery cuts s into runs of n bytes, as Word does after many edits.
func splitEvery(s string, n int) []string {
	var runs []string
	for i := 0; i < len(s); i += n {
		runs = append(runs, bold(s[i:min(i+n, len(s))]))
	}
	return runs
}

func TestSplitTagKeepsFirstRunFormatting(t *testing.T) {
	out := render(t, testDoc{body: para(run("A "), bold("{{ x"), spell, run(" }}"), run(" B"))}, map[string]any{"x": "valeur"})
	doc := string(unzip(t, out)["word/document.xml"])
	if !strings.Contains(doc, `<w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">valeur</w:t>`) {
		t.Errorf("la valeur n'a pas gardé la mise en forme du premier morceau de la balise :\n%s", doc)
	}
}

func TestAutoescape(t *testing.T) {
	ctx := map[string]any{
		"nom":   `SA d'HLM <Les "Toits"> & Cie`,
		"liste": []string{"<a>", "&b"},
		"obj":   stringer{"<b>gras</b> & co"},
	}
	got := bodyText(t, testDoc{body: text("{{ nom }}") + text("{{ liste }}") + text("{{ obj }}") + text("{{ nom|upper }}") + text(`{{ "x < y & z" }}`)}, ctx)
	want := "SA d'HLM <Les \"Toits\"> & Cie\n['<a>', '&b']\n<b>gras</b> & co\nSA D'HLM <LES \"TOITS\"> & CIE\nx < y & z\n"
	if got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
}

type stringer struct{ s string }

func (s stringer) String() string { return s.s }

func TestParagraphTags(t *testing.T) {
	body := text("Début") +
		text("{%p if avenant %}") + text("Paragraphe d'avenant") + text("{%p else %}") + text("Paragraphe de convention") + text("{%p endif %}") +
		text("{%p for a in articles %}") + para(run("Article {{ loop.index }} : "), bold("{{ a }}")) + text("{%p endfor %}") +
		text("Fin")
	tests := []struct {
		ctx  map[string]any
		want string
	}{
		{map[string]any{"avenant": true, "articles": []string{"objet", "durée"}}, "Début\nParagraphe d'avenant\nArticle 1 : objet\nArticle 2 : durée\nFin\n"},
		{map[string]any{"avenant": false, "articles": nil}, "Début\nParagraphe de convention\nFin\n"},
	}
	for _, tt := range tests {
		if got := bodyText(t, testDoc{body: body}, tt.ctx); got != tt.want {
			t.Errorf("texte = %q, attendu %q", got, tt.want)
		}
	}
}

func TestTableRowLoop(t *testing.T) {
	body := table(
		[]string{text("Désignation"), text("Surface")},
		[]string{text("{%tr for l in logements %}"), text("")},
		[]string{text("{{ l.designation }}"), para(run("{{ l.surface|f }} m"), bold("²"))},
		[]string{text("{%tr endfor %}"), text("")},
		[]string{text("Total"), text("{{ total|f }}")},
	)
	ctx := map[string]any{
		"logements": []map[string]any{{"designation": "A101", "surface": 45.5}, {"designation": "A102", "surface": 1234}},
		"total":     1279.5,
	}
	want := "Désignation\n|Surface\n|A101\n|45,50 m²\n|A102\n|1\u00a0234,00 m²\n|Total\n|1\u00a0279,50\n|"
	if got := bodyText(t, testDoc{body: body}, ctx); got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
	ctx["logements"] = nil
	if got := bodyText(t, testDoc{body: body}, ctx); got != "Désignation\n|Surface\n|Total\n|1\u00a0279,50\n|" {
		t.Errorf("sans logement : %q", got)
	}
}

func TestNestedTableRowLoop(t *testing.T) {
	inner := table(
		[]string{text("{%tr for l in lot.logements %}")},
		[]string{text("{{ l }}")},
		[]string{text("{%tr endfor %}")},
	)
	body := table(
		[]string{text("{%tr for lot in lots %}"), text("")},
		[]string{text("{{ lot.nom }}"), inner + text("")},
		[]string{text("{%tr endfor %}"), text("")},
	)
	ctx := map[string]any{"lots": []map[string]any{
		{"nom": "PLUS", "logements": []string{"A", "B"}},
		{"nom": "PLAI", "logements": []string{"C"}},
	}}
	want := "PLUS\n|A\n|B\n|\n|PLAI\n|C\n|\n|"
	if got := bodyText(t, testDoc{body: body}, ctx); got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
}

func TestTableCellLoop(t *testing.T) {
	body := table([]string{text("Financement"), text("{%tc for f in financements %}"), text("{{ f }}"), text("{%tc endfor %}")})
	got := bodyText(t, testDoc{body: body}, map[string]any{"financements": []string{"PLUS", "PLAI", "PLS"}})
	if got != "Financement\n|PLUS\n|PLAI\n|PLS\n|" {
		t.Errorf("texte = %q", got)
	}
}

func TestTableCellLoopFixesGrid(t *testing.T) {
	body := table(
		[]string{text("Financement"), text("{%tc for f in financements %}"), text("{{ f }}"), text("{%tc endfor %}")},
		[]string{text("Total"), text("1"), text("2"), text("3")},
	)
	tests := []struct {
		financements []string
		grid         string
	}{
		// 4 columns of 3000 in the template: the 12000 are shared.
		{[]string{"PLUS", "PLAI", "PLS", "PLI", "PSLA"}, `<w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/><w:gridCol w:w="2000"/>`},
		{[]string{"PLUS", "PLAI", "PLS"}, `<w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/><w:gridCol w:w="3000"/>`},
	}
	for _, tt := range tests {
		out := render(t, testDoc{body: body}, map[string]any{"financements": tt.financements})
		doc := string(unzip(t, out)["word/document.xml"])
		if !strings.Contains(doc, "<w:tblGrid>"+tt.grid+"</w:tblGrid>") {
			t.Errorf("%d financements : grille attendue %s\n%s", len(tt.financements), tt.grid, doc)
		}
	}
	// Fewer cells than columns: the grid shrinks, the width is kept.
	narrow := table([]string{text("{%tc for f in financements %}"), text("{{ f }}"), text("{%tc endfor %}")})
	out := render(t, testDoc{body: narrow}, map[string]any{"financements": []string{"PLUS"}})
	if doc := string(unzip(t, out)["word/document.xml"]); !strings.Contains(doc, `<w:tblGrid><w:gridCol w:w="9000"/></w:tblGrid>`) {
		t.Errorf("grille attendue d'une colonne de 9000 :\n%s", doc)
	}
}

func TestRunTags(t *testing.T) {
	body := para(run("Logement"), run("{%r if foyer %}"), bold(" (foyer)"), run("{%r endif %}"), run(" : "), run("{{r nom }}"), run(" fin"))
	tests := []struct {
		foyer bool
		want  string
	}{
		{true, "Logement (foyer) : Résidence <A> fin\n"},
		{false, "Logement : Résidence <A> fin\n"},
	}
	for _, tt := range tests {
		got := bodyText(t, testDoc{body: body}, map[string]any{"foyer": tt.foyer, "nom": "Résidence <A>"})
		if got != tt.want {
			t.Errorf("foyer=%v : texte = %q, attendu %q", tt.foyer, got, tt.want)
		}
	}
}

func TestOutputLevels(t *testing.T) {
	body := text("avant") + text("{{p note }}") + text("après") +
		table([]string{text("A"), text("{{tc cellule }}")}, []string{text("{{tr ligne }}"), text("")})
	got := bodyText(t, testDoc{body: body}, map[string]any{"note": "Note <1>", "cellule": "C", "ligne": "L"})
	if want := "avant\nNote <1>\naprès\nA\n|C\n|L\n|"; got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
	got = bodyText(t, testDoc{body: body}, map[string]any{"note": nil, "cellule": "", "ligne": nil})
	if want := "avant\naprès\nA\n|\n|"; got != want {
		t.Errorf("valeurs vides : texte = %q, attendu %q", got, want)
	}
}

func TestDashTagsJoinText(t *testing.T) {
	// docxtpl's own example: the tags sit in paragraphs of their own and
	// the dashes join the texts into one paragraph.
	body := text("Le logement est situé") + text("{%- if en_ville -%}") + text(" en ville") + text("{%- else -%}") +
		text(" à la campagne") + text("{%- endif -%}") + text(" et il me plaît.")
	tests := []struct {
		ville bool
		want  string
	}{
		{true, "Le logement est situé en ville et il me plaît.\n"},
		{false, "Le logement est situé à la campagne et il me plaît.\n"},
	}
	for _, tt := range tests {
		if got := bodyText(t, testDoc{body: body}, map[string]any{"en_ville": tt.ville}); got != tt.want {
			t.Errorf("texte = %q, attendu %q", got, tt.want)
		}
	}
}

func TestTagsCleaned(t *testing.T) {
	ctx := map[string]any{"statut": "1. Projet", "n": 3}
	tests := []struct {
		name, tag, want string
	}{
		{"curly double quotes", `{% if statut == “1. Projet” %}oui{% endif %}`, "oui"},
		{"curly single quotes", `{{ ‘a’ ~ ’b’ }}`, "ab"},
		{"entities", `{% if n &gt; 2 and n &lt; 4 %}trois{% endif %}`, "trois"},
		{"ampersand in a literal", `{{ "A &amp; B" }}`, "A & B"},
		{"non-breaking spaces", "{{\u00a0n\u00a0}}", "3"},
		{"non-breaking space kept in a literal", "{{ n ~ '\u00a0€' }}", "3\u00a0€"},
		{"guillemets kept in a literal", `{{ "« " ~ statut ~ " »" }}`, "« 1. Projet »"},
		{"quote entities", `{{ &quot;x&quot; ~ &apos;y&apos; }}`, "xy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bodyText(t, testDoc{body: text(tt.tag)}, ctx); got != tt.want+"\n" {
				t.Errorf("texte = %q, attendu %q", got, tt.want)
			}
		})
	}
}

func TestNewlinesInValues(t *testing.T) {
	body := para(bold("Adresse : {{ adresse }}")) + text("{{ tab }}") + text("{{ deux }}") + text("{{ saut }}")
	ctx := map[string]any{"adresse": "1 rue A\r\n75001 Paris", "tab": "a\tb", "deux": "un\adeux", "saut": "page1\fpage2"}
	out := render(t, testDoc{body: body}, ctx)
	doc := string(unzip(t, out)["word/document.xml"])
	got := partText(t, []byte(doc))
	if want := "Adresse : 1 rue A⏎75001 Paris\na⇥b\nun\ndeux\npage1\n⤓\npage2\n"; got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
	if !strings.Contains(doc, `<w:rPr><w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">Adresse : 1 rue A</w:t><w:br/><w:t xml:space="preserve">75001 Paris</w:t></w:r>`) {
		t.Errorf("le saut de ligne doit rester dans le run mis en forme :\n%s", doc)
	}
}

func TestHeadersAndFooters(t *testing.T) {
	d := testDoc{
		body:   text("Corps {{ numero }}"),
		header: text("{% if projet %}Projet de convention{% endif %} {{ numero }}"),
		footer: para(run("Page "), bold("{{ bail"), run("leur }}")),
	}
	out := render(t, d, map[string]any{"numero": "N1", "projet": true, "bailleur": "HLM & Co"})
	files := unzip(t, out)
	for part, want := range map[string]string{
		"word/document.xml": "Corps N1\n",
		"word/header1.xml":  "Projet de convention N1\n",
		"word/footer1.xml":  "Page HLM & Co\n",
	} {
		if got := partText(t, files[part]); got != want {
			t.Errorf("%s : %q, attendu %q", part, got, want)
		}
	}
}

func TestLiteralBraces(t *testing.T) {
	out, err := Render("t.docx", testDoc{body: text("{_{ pas une balise }_} et {_% ni ceci %_}")}.docx(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := partText(t, unzip(t, out)["word/document.xml"]); got != "{{ pas une balise }} et {% ni ceci %}\n" {
		t.Errorf("texte = %q", got)
	}
}

func TestDocumentWithoutTagsIsUnchanged(t *testing.T) {
	in := testDoc{body: text("Rien à remplacer"), header: text("En-tête")}.docx(t)
	out, err := Render("t.docx", in, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := unzip(t, in), unzip(t, out)
	for name, data := range a {
		if string(b[name]) != string(data) {
			t.Errorf("%s a changé", name)
		}
	}
}

func TestCommentsAndRaw(t *testing.T) {
	body := text("a{# une note pour l'auteur #}b") + text("{#p tout ce paragraphe #}") + text("{% raw %}{{ x }}{% endraw %}")
	out, err := Render("t.docx", testDoc{body: body}.docx(t), map[string]any{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	if got := partText(t, unzip(t, out)["word/document.xml"]); got != "ab\n{{ x }}\n" {
		t.Errorf("texte = %q", got)
	}
}

func TestOnlyComments(t *testing.T) {
	body := text("a{# note #}b") + text("{#p tout ce paragraphe #}") +
		table([]string{text("gardée"), text("x")}, []string{text("{#tr ligne ôtée #}"), text("y")}, []string{text("{#tc cellule ôtée #}"), text("z")}) +
		text("fin")
	if got := bodyText(t, testDoc{body: body}, nil); got != "ab\ngardée\n|x\n|z\n|fin\n" {
		t.Errorf("texte = %q", got)
	}
}

func TestJinjaFeatures(t *testing.T) {
	ctx := map[string]any{
		"lots":  []map[string]any{{"f": "PLUS", "n": 10}, {"f": "PLAI", "n": 1}},
		"types": map[string]int{"T2": 3, "T1": 2},
	}
	tests := []struct {
		name, tpl, want string
	}{
		{"set and arithmetic", "{% set total = lots[0].n + lots[1].n %}{{ total }} logement{{ total|pl }}", "11 logements"},
		{"loop variables", "{% for l in lots %}{{ loop.index }}/{{ loop.length }}{% if not loop.last %}, {% endif %}{% endfor %}", "1/2, 2/2"},
		{"for else", "{% for x in [] %}{{ x }}{% else %}aucun{% endfor %}", "aucun"},
		{"dict items", "{% for k, v in types.items() %}{{ k }}={{ v }};{% endfor %}", "T1=2;T2=3;"},
		{"inline if", "{{ 'oui' if lots else 'non' }}/{{ 'x' if not lots }}", "oui/"},
		{"elif", "{% if lots|length > 5 %}beaucoup{% elif lots|length > 1 %}plusieurs{% else %}un{% endif %}", "plusieurs"},
		{"macro", "{% macro m(x) %}[{{ x }}]{% endmacro %}{{ m('a&b') }}", "[a&b]"},
		{"string methods", "{{ 'abc'.upper() }} {{ ' x '.strip() }}", "ABC x"},
		{"filters of gonja", "{{ lots|map(attribute='f')|join(', ') }}", "PLUS, PLAI"},
		{"none prints nothing", "[{{ absent }}][{{ none }}]", "[][]"},
		{"booleans", "{{ true }} {{ 1 == 2 }}", "True False"},
		{"accented names and literals", "{% set année = 2024 %}{{ année }} {{ 'été…' }}", "2024 été…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bodyText(t, testDoc{body: text(tt.tpl)}, ctx); got != tt.want+"\n" {
				t.Errorf("texte = %q, attendu %q", got, tt.want)
			}
		})
	}
}
