package docx

import (
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

func TestFilters(t *testing.T) {
	date := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	ctx := map[string]any{
		"montant":  decimal.RequireFromString("1234567.891"),
		"petit":    decimal.RequireFromString("-0.004"),
		"entier":   42,
		"flottant": 2.5,
		"texte":    "1234.5",
		"rien":     nil,
		"zero":     0,
		"vide":     "",
		"un":       1,
		"deux":     2,
		"liste":    []string{"a", "b"},
		"seul":     []string{"a"},
		"date":     date,
		"pdate":    &date,
		"iso":      "2024-12-31",
		"adresse":  "1 rue des Lilas,\r\n\n  Bâtiment B  \n75001 Paris",
		"puces":    "- premier\n* deuxième\n\n   -  troisième -  \n",
		"nom":      "Résidence Émile",
		"t1bis":    "T1bis",
		"t1prime":  "T1prime",
		"t6":       "T6",
		"label":    "T1 bis",
	}
	tests := []struct {
		tpl, want string
	}{
		// f: French number, 2 decimals by default, or as many as given.
		{"{{ montant|f }}", "1\u00a0234\u00a0567,89"},
		{"{{ montant|f(0) }}", "1\u00a0234\u00a0568"},
		{"{{ montant|f(d=3) }}", "1\u00a0234\u00a0567,891"},
		{"{{ entier|f }}", "42,00"},
		{"{{ flottant|f(1) }}", "2,5"},
		{"{{ texte|f }}", "1\u00a0234,50"},
		{"{{ petit|f }}", "0,00"},
		{"[{{ rien|f }}]", "[]"},
		// pl: "s" above 1.
		{"logement{{ zero|pl }} logement{{ un|pl }} logement{{ deux|pl }} logement{{ rien|pl }}", "logement logement logements logement"},
		{"{{ flottant|pl }}{{ liste|pl }}[{{ seul|pl }}]", "ss[]"},
		// d, dd, sd, sdd: dates.
		{"{{ date|d }} / {{ pdate|d }} / {{ iso|d }}", "5 janvier 2024 / 5 janvier 2024 / 31 décembre 2024"},
		{"[{{ rien|d }}] {{ rien|dd }} {{ vide|dd }}", "[] --- ---"},
		{"{{ date|sd }} [{{ rien|sd }}] {{ rien|sdd }} {{ date|sdd }}", "05/01/2024 [] --- 05/01/2024"},
		// tl: typologie label.
		{"{{ t1bis|tl }} / {{ t1prime|tl }} / {{ t6|tl }} / {{ label|tl }} / [{{ nom|tl }}]", "Logement T 1 bis / Logement T 1' / Logement T 6 / Logement T 1 bis / []"},
		// len, length.
		{"{{ liste|len }} {{ liste|length }} {{ nom|len }} {{ rien|len }}", "2 2 15 0"},
		// upper.
		{"{{ nom|upper }}", "RÉSIDENCE ÉMILE"},
		// default_empty_if_none, default_str_if_none: Python truthiness.
		{"[{{ rien|default_empty_if_none }}][{{ vide|default_empty_if_none }}][{{ nom|default_empty_if_none }}]", "[][][Résidence Émile]"},
		{"{{ rien|default_str_if_none }} {{ vide|default_str_if_none }} {{ zero|default_str_if_none }} {{ entier|default_str_if_none }}", "--- --- --- 42"},
		// inline_text_multiline: lines on one line.
		{"{{ adresse|inline_text_multiline }}", "1 rue des Lilas, Bâtiment B, 75001 Paris"},
		{"[{{ rien|inline_text_multiline }}] {{ entier|inline_text_multiline }}", "[] 42"},
		// get_text_as_list: non-empty lines without their bullets.
		{"{% for l in puces|get_text_as_list %}<{{ l }}>{% endfor %}", "<premier><deuxième><troisième>"},
		{"{{ rien|get_text_as_list|length }}", "0"},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			tpl := strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(tt.tpl)
			if got := bodyText(t, testDoc{body: text(tpl)}, ctx); got != tt.want+"\n" {
				t.Errorf("texte = %q, attendu %q", got, tt.want)
			}
		})
	}
}

func TestFilterErrors(t *testing.T) {
	ctx := map[string]any{"nom": "abc", "n": 3, "liste": []int{1}}
	tests := []struct {
		tpl, reason string
	}{
		{"{{ nom|f }}", "le filtre « f » attend un nombre, reçu « abc »"},
		{"{{ n|f(-1) }}", "le filtre « f » attend un nombre de décimales entre 0 et 12, reçu « -1 »"},
		{"{{ n|d }}", "une date est attendue, reçu « 3 »"},
		{"{{ nom|sd }}", "une date est attendue, reçu « abc »"},
	}
	for _, tt := range tests {
		t.Run(tt.tpl, func(t *testing.T) {
			e := renderErr(t, testDoc{body: text(tt.tpl)}, ctx)
			if e.Tag != tt.tpl || e.Reason != tt.reason {
				t.Errorf("erreur = %v\nbalise %q, raison %q attendue", e, tt.tpl, tt.reason)
			}
		})
	}
}
