package docx

import (
	"strings"
	"testing"
)

func TestRenderErrors(t *testing.T) {
	ctx := map[string]any{"lots": []string{"a"}, "x": 1, "convention": map[string]any{"numero": "1"}}
	tests := []struct {
		name   string
		doc    testDoc
		tag    string
		reason string
		part   string
	}{
		{
			name:   "unknown filter",
			doc:    testDoc{body: text("a") + text("{{ x|francais }}")},
			tag:    "{{ x|francais }}",
			reason: "filtre inconnu « francais »",
		},
		{
			name:   "unknown filter in a branch never taken",
			doc:    testDoc{body: text("{% if false %}{{ x|f|inconnu(2) }}{% endif %}")},
			tag:    "{{ x|f|inconnu(2) }}",
			reason: "filtre inconnu « inconnu »",
		},
		{
			name:   "unknown filter in a statement",
			doc:    testDoc{body: text("{% for l in lots|trier %}{% endfor %}")},
			tag:    "{% for l in lots|trier %}",
			reason: "filtre inconnu « trier »",
		},
		{
			name:   "unclosed block",
			doc:    testDoc{body: text("{%p for l in lots %}") + text("{{ l }}")},
			tag:    "{%p for l in lots %}",
			reason: "bloc non fermé : « {% endfor %} » manquant",
		},
		{
			name:   "block closed by the wrong tag",
			doc:    testDoc{body: text("{% for l in lots %}{% if l %}{{ l }}{% endfor %}")},
			tag:    "{% if l %}",
			reason: "bloc non fermé : « {% endif %} » attendu avant « {% endfor %} »",
		},
		{
			name:   "end without a block",
			doc:    testDoc{body: text("texte {% endif %}")},
			tag:    "{% endif %}",
			reason: "cette balise ne ferme aucun bloc ouvert",
		},
		{
			name:   "else outside an if",
			doc:    testDoc{body: text("{% else %}")},
			tag:    "{% else %}",
			reason: "« else » hors d'un bloc « if » ou « for »",
		},
		{
			name:   "unclosed output tag",
			doc:    testDoc{body: para(run("N° {{ convention.numero")) + text("suite {{ x }}")},
			tag:    "{{ convention.numerosuite",
			reason: "balise non fermée : « }} » manquant",
		},
		{
			name:   "output tag never closed",
			doc:    testDoc{body: text("fin {{ x")},
			tag:    "{{ x",
			reason: "balise non fermée : « }} » manquant",
		},
		{
			name:   "unknown statement",
			doc:    testDoc{body: text("{% pour l in lots %}")},
			tag:    "{% pour l in lots %}",
			reason: "instruction inconnue « pour »",
		},
		{
			name:   "include refused",
			doc:    testDoc{body: text(`{% include "/etc/passwd" %}`)},
			tag:    `{% include "/etc/passwd" %}`,
			reason: "l'instruction « include » est interdite : un modèle de document ne lit pas d'autre fichier",
		},
		{
			name:   "empty tag",
			doc:    testDoc{body: text("{{ }}")},
			tag:    "{{ }}",
			reason: "balise vide : une valeur est attendue entre « {{ » et « }} »",
		},
		{
			name:   "bad syntax",
			doc:    testDoc{body: text("{{ x }}") + text("{{ x + }}") + text("{{ x }}")},
			tag:    "{{ x + }}",
			reason: "syntaxe incorrecte",
		},
		{
			name:   "bad syntax in a statement",
			doc:    testDoc{body: text("{% if x %}") + text("{% for in lots %}{% endfor %}") + text("{% endif %}")},
			tag:    "{% for in lots %}",
			reason: "syntaxe incorrecte",
		},
		{
			name:   "undefined method",
			doc:    testDoc{body: text("{% if x %}") + text("{{ convention.is_avenant() }}") + text("{% endif %}")},
			tag:    "{{ convention.is_avenant() }}",
			reason: "méthode inconnue « is_avenant »",
		},
		{
			name:   "undefined method in a condition",
			doc:    testDoc{body: text("{% for l in lots %}") + text("{% if convention.is_avenant() %}a{% endif %}") + text("{% endfor %}")},
			tag:    "{% if convention.is_avenant() %}",
			reason: "méthode inconnue « is_avenant »",
		},
		{
			name:   "odd character",
			doc:    testDoc{body: text("{{ 0.… }}")},
			tag:    "{{ 0.… }}",
			reason: "caractère « … » inattendu hors d'un texte entre guillemets",
		},
		{
			name:   "calling a value",
			doc:    testDoc{body: text("{{ x(1) }}")},
			tag:    "{{ x(1) }}",
			reason: "« x » n'est pas une méthode",
		},
		{
			name:   "bad arguments to a filter",
			doc:    testDoc{body: text("{{ lots|join(1, 2, 3) }}")},
			tag:    "{{ lots|join(1, 2, 3) }}",
			reason: "appel invalide de « join » : received 1 unexpected positional argument",
		},
		{
			name:   "other execution error",
			doc:    testDoc{body: text("{{ x[0] }}")},
			tag:    "{{ x[0] }}",
			reason: "erreur à l'exécution du modèle (détail technique : Can't access an index on type int",
		},
		{
			name:   "row tag outside a table",
			doc:    testDoc{body: text("{%tr for l in lots %}")},
			tag:    "{%tr for l in lots %}",
			reason: "la balise « {%tr » doit être placée dans une ligne de tableau",
		},
		{
			name:   "tag in the footer",
			doc:    testDoc{body: text("ok"), footer: text("{{ x|inconnu }}")},
			tag:    "{{ x|inconnu }}",
			reason: "filtre inconnu « inconnu »",
			part:   "word/footer1.xml",
		},
		{
			name:   "block across paragraphs without {%p",
			doc:    testDoc{body: para(run("{% if x %}avant")) + table([]string{para(run("après{% endif %}"))})},
			reason: "le document produit n'est pas un XML valide",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := ctx
			if tt.name == "block across paragraphs without {%p" {
				ctx = map[string]any{"x": false}
			}
			e := renderErr(t, tt.doc, ctx)
			if e.Template != "test.docx" {
				t.Errorf("modèle %q", e.Template)
			}
			part := tt.part
			if part == "" {
				part = "word/document.xml"
			}
			if e.Part != part {
				t.Errorf("partie %q, attendue %q", e.Part, part)
			}
			if e.Tag != tt.tag {
				t.Errorf("balise %q, attendue %q (%v)", e.Tag, tt.tag, e)
			}
			if !strings.HasPrefix(e.Reason, tt.reason) {
				t.Errorf("raison %q, attendue %q", e.Reason, tt.reason)
			}
			msg := e.Error()
			if !strings.Contains(msg, "modèle « test.docx »") || (tt.tag != "" && !strings.Contains(msg, "balise « "+tt.tag+" »")) {
				t.Errorf("le message doit nommer le modèle et la balise : %s", msg)
			}
		})
	}
}

func TestErrorMessage(t *testing.T) {
	e := &Error{Template: "HLM-template.docx", Part: "word/header2.xml", Tag: "{{ x|foo }}", Reason: "filtre inconnu « foo »"}
	want := "modèle « HLM-template.docx » (en-tête word/header2.xml), balise « {{ x|foo }} » : filtre inconnu « foo »"
	if e.Error() != want {
		t.Errorf("%s\nattendu %s", e.Error(), want)
	}
}

func TestNotADocx(t *testing.T) {
	for name, data := range map[string][]byte{
		"not a zip":        []byte("bonjour"),
		"zip without body": zipOf(t, map[string]string{"[Content_Types].xml": `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`}),
		"no content types": zipOf(t, map[string]string{"word/document.xml": "<w:document/>"}),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Render("modele.docx", data, nil)
			e, ok := err.(*Error)
			if !ok || !strings.Contains(e.Error(), "modèle « modele.docx »") || !strings.Contains(e.Reason, "document Word") {
				t.Errorf("erreur = %v", err)
			}
		})
	}
}

func TestOutputLimit(t *testing.T) {
	defer func(n int) { maxOutput = n }(maxOutput)
	maxOutput = 2 << 20
	e := renderErr(t, testDoc{body: text("{% for i in range(100000) %}{{ texte }}{% endfor %}")}, map[string]any{"texte": strings.Repeat("x", 100)})
	if !strings.HasPrefix(e.Reason, "le document produit dépasse 2 Mo") {
		t.Errorf("erreur = %v", e)
	}
}
