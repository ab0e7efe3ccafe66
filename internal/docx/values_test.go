package docx

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// Types shaped like the convention context a later package builds.
type statut string

type bailleur struct {
	Nom   string
	SIRET string
}

type logement struct {
	Designation    string
	Typologie      statut
	SurfaceUtile   decimal.Decimal
	Loyer          *decimal.Decimal
	DateAchevement *time.Time
}

func (l logement) LoyerParM2() decimal.Decimal {
	if l.Loyer == nil || l.SurfaceUtile.IsZero() {
		return decimal.Zero
	}
	return l.Loyer.Div(l.SurfaceUtile)
}

type pret struct {
	Preteur string
	Montant decimal.Decimal
}

func (p *pret) PreteurDisplay() string {
	if p.Preteur == "CDCF" {
		return "Caisse des dépôts et consignations (foncier)"
	}
	return p.Preteur
}

type programme struct {
	Nom          string
	EddClassique string
	Bailleur     *bailleur
	Logements    []logement
	Prets        []*pret
	Interne      int    `docx:"-"`
	NumeroGalion string `docx:"numero_operation"`
}

func (p *programme) EddClassiqueText() string {
	return strings.ToUpper(p.EddClassique)
}

func (p *programme) LogementsDeType(t string) []logement {
	var out []logement
	for _, l := range p.Logements {
		if string(l.Typologie) == t {
			out = append(out, l)
		}
	}
	return out
}

func (p *programme) Verifie() (bool, error) {
	return false, errors.New("le programme n'a pas de bailleur")
}

func (p *programme) String() string { return "Programme " + p.Nom }

type convention struct {
	Numero  string
	Statut  statut
	Parent  *convention
	Signee  time.Time
	Avenant bool
}

func (c convention) IsAvenant() bool { return c.Avenant }

func sampleContext() map[string]any {
	loyer := decimal.RequireFromString("512.40")
	fin := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	prog := &programme{
		Nom:          "Les Tilleuls",
		EddClassique: "lot 1 à 12",
		Bailleur:     &bailleur{Nom: "Habitat & Cie", SIRET: "12345678900011"},
		Logements: []logement{
			{Designation: "A1", Typologie: "T2", SurfaceUtile: decimal.RequireFromString("48.25"), Loyer: &loyer, DateAchevement: &fin},
			{Designation: "A2", Typologie: "T3", SurfaceUtile: decimal.RequireFromString("65")},
		},
		Prets:        []*pret{{Preteur: "CDCF", Montant: decimal.RequireFromString("150000")}, {Preteur: "Région", Montant: decimal.RequireFromString("2500.5")}},
		NumeroGalion: "2024-075-001",
	}
	return map[string]any{
		"convention":            convention{Numero: "75/2024/001", Statut: "1. Projet"},
		"avenant":               &convention{Numero: "AV1", Avenant: true, Parent: &convention{Numero: "PARENT"}},
		"programme":             prog,
		"lots":                  []map[string]any{{"financement": "PLUS"}, {"financement": "PLAI"}},
		"nb_logements_par_type": map[string]int{"T3": 1, "T2": 1},
		"administration": map[string]any{
			"nom":                          "DDT 75",
			"get_ville_signature_or_empty": func() string { return "Paris" },
			"exemplaires":                  func(n int) string { return strings.Repeat("x", n) },
		},
	}
}

func TestContextValues(t *testing.T) {
	tests := []struct {
		name, tpl, want string
	}{
		{"struct field by snake_case name", "{{ programme.nom }} / {{ programme.bailleur.nom }} / {{ programme.bailleur.siret }}", "Les Tilleuls / Habitat & Cie / 12345678900011"},
		{"method by snake_case name", "{{ programme.edd_classique_text() }}", "LOT 1 À 12"},
		{"value receiver method", "{{ convention.is_avenant() }} {{ avenant.is_avenant() }}", "False True"},
		{"pointer receiver method on a list element", "{% for p in programme.prets %}{{ p.preteur_display() }}; {% endfor %}", "Caisse des dépôts et consignations (foncier); Région; "},
		{"method with an argument", "{{ programme.logements_de_type('T3')|length }} {{ programme.logements_de_type('T3')[0].designation }}", "1 A2"},
		{"method result is adapted", "{{ programme.logements[0].loyer_par_m2()|f }}", "10,62"},
		{"first of a list", "{{ lots.first().financement }} {{ lots.last().financement }} {{ lots.count() }} {{ lots.all()|length }} {{ lots.exists() }}", "PLUS PLAI 2 2 True"},
		{"first of an empty list", "[{{ programme.logements_de_type('T9').first() }}]", "[]"},
		{"dict items in key order", "{% for k, v in nb_logements_par_type.items() %}{{ k }}:{{ v }} {% endfor %}", "T2:1 T3:1 "},
		{"func in a map", "{{ administration.get_ville_signature_or_empty() }} {{ administration.exemplaires(3) }}", "Paris xxx"},
		{"named string compares to a literal", "{% if convention.statut == '1. Projet' %}projet{% endif %}", "projet"},
		{"decimal is a number", "{% if programme.prets[1].montant > 2500 %}{{ programme.prets[1].montant|f }}{% endif %}", "2\u00a0500,50"},
		{"decimal arithmetic", "{{ (programme.prets[0].montant + programme.prets[1].montant)|f(0) }}", "152\u00a0501"},
		{"nil pointer is None", "{{ programme.logements[1].loyer|default_str_if_none }} {{ convention.parent is none }}", "--- True"},
		{"zero time is None", "[{{ convention.signee|d }}] {{ convention.signee|dd }}", "[] ---"},
		{"time pointer", "{{ programme.logements[0].date_achevement|d }}", "1 mars 2025"},
		{"time without filter", "{{ programme.logements[0].date_achevement }}", "2025-03-01"},
		{"nested pointer struct", "{{ avenant.parent.numero }}", "PARENT"},
		{"item access on a struct", "{{ programme['nom'] }}", "Les Tilleuls"},
		{"struct String method", "{{ programme }}", "Programme Les Tilleuls"},
		{"docx tag renames a field", "{{ programme.numero_operation }}", "2024-075-001"},
		{"docx tag hides a field", "[{{ programme.interne }}]", "[]"},
		{"unknown attribute is empty", "[{{ programme.inexistant }}]", "[]"},
		{"UUID-like initialisms", "{{ programme.bailleur.SIRET }}={{ programme.bailleur.Siret }}", "12345678900011=12345678900011"},
	}
	ctx := sampleContext()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := bodyText(t, testDoc{body: text(tt.tpl)}, ctx); got != tt.want+"\n" {
				t.Errorf("texte = %q, attendu %q", got, tt.want)
			}
		})
	}
}

func TestContextMethodErrors(t *testing.T) {
	tests := []struct {
		name, tpl, tag, reason string
	}{
		{"method returning an error", "{{ programme.verifie() }}", "{{ programme.verifie() }}", "la méthode « verifie » a échoué : le programme n'a pas de bailleur"},
		{"unknown method", "{{ convention.is_resiliee() }}", "{{ convention.is_resiliee() }}", "méthode inconnue « is_resiliee »"},
		{"unknown list method", "{{ lots.order_by('x') }}", "{{ lots.order_by('x') }}", "méthode inconnue « order_by »"},
		{"wrong argument count", "{{ programme.logements_de_type() }}", "{{ programme.logements_de_type() }}", "la méthode « logements_de_type » attend 1 argument(s), 0 donné(s)"},
		{"wrong argument type", "{{ administration.exemplaires('trois') }}", "{{ administration.exemplaires('trois') }}", "la méthode « exemplaires » : argument 1 : type string au lieu de int"},
	}
	ctx := sampleContext()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := renderErr(t, testDoc{body: text("avant") + text(tt.tpl)}, ctx)
			if e.Tag != tt.tag || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("erreur = %v\nbalise %q, attendu %q ; raison attendue : %q", e, e.Tag, tt.tag, tt.reason)
			}
		})
	}
}

func TestMethodPanicIsAnError(t *testing.T) {
	ctx := map[string]any{"boom": func() string { panic("index out of range") }}
	e := renderErr(t, testDoc{body: text("{{ boom() }}")}, ctx)
	if !strings.Contains(e.Error(), "la méthode « boom » a échoué : index out of range") || e.Tag != "{{ boom() }}" {
		t.Errorf("erreur = %v", e)
	}
}

// programmeView adds what templates call to a domain type, as the package
// doc suggests.
type programmeView struct{ *programme }

func (v programmeView) NbLogements() int { return len(v.Logements) }

func TestViewTypeEmbedsDomainType(t *testing.T) {
	prog := sampleContext()["programme"].(*programme)
	ctx := map[string]any{"programme": programmeView{prog}, "vide": programmeView{}}
	got := bodyText(t, testDoc{body: text("{{ programme.nom }} : {{ programme.nb_logements() }} logements, {{ programme.edd_classique_text() }} [{{ vide.nom }}]")}, ctx)
	if want := "Les Tilleuls : 2 logements, LOT 1 À 12 []\n"; got != want {
		t.Errorf("texte = %q, attendu %q", got, want)
	}
}

func TestConcurrentRenders(t *testing.T) {
	tpl := testDoc{body: text("{% for l in programme.logements %}{{ l.designation }} {{ l.surface_utile|f }};{% endfor %}")}.docx(t)
	ctx := sampleContext()
	errs := make(chan error, 8)
	for range 8 {
		go func() {
			out, err := Render("t.docx", tpl, ctx)
			if err == nil && !strings.Contains(partText(t, unzip(t, out)["word/document.xml"]), "A1 48,25;A2 65,00;") {
				err = errors.New("texte inattendu")
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
