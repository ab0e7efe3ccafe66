package docx

import (
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// BenchmarkRender300Rows renders a convention-like document whose table of
// logements has 300 rows, each cell through a filter or a method.
func BenchmarkRender300Rows(b *testing.B) {
	row := func(cells ...string) []string { return cells }
	d := testDoc{
		header: text("{% if projet %}Projet de convention{% endif %} n° {{ convention.numero }}"),
		body: para(bold("Convention n° {{ convention.numero }} — {{ programme.nom }}")) +
			text("{%p for p in programme.prets %}") + text("Prêt {{ p.preteur_display() }} : {{ p.montant|f }} €") + text("{%p endfor %}") +
			table(
				row(text("Désignation"), text("Type"), text("Surface utile"), text("Loyer au m²"), text("Loyer"), text("Achèvement")),
				row(text("{%tr for l in programme.logements %}"), text(""), text(""), text(""), text(""), text("")),
				row(para(run("{{ l.designa"), spell, bold("tion }}")), text("{{ l.typologie|tl }}"), text("{{ l.surface_utile|f }} m²"),
					text("{{ l.loyer_par_m2()|f }}"), text("{{ l.loyer|f }} €"), text("{{ l.date_achevement|sd }}")),
				row(text("{%tr endfor %}"), text(""), text(""), text(""), text(""), text("")),
			) +
			text("Nombre de logements : {{ programme.logements|length }} logement{{ programme.logements|length|pl }}."),
	}
	tpl := d.docx(b)
	fin := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
	prog := &programme{Nom: "Les Tilleuls", Prets: []*pret{{Preteur: "CDCF", Montant: decimal.RequireFromString("1500000")}}}
	typ := []statut{"T1", "T2", "T3", "T4", "T1bis"}
	for i := range 300 {
		loyer := decimal.NewFromInt(int64(300 + i)).Add(decimal.RequireFromString("0.45"))
		prog.Logements = append(prog.Logements, logement{
			Designation: fmt.Sprintf("Bât %c - %03d", 'A'+i/100, i), Typologie: typ[i%len(typ)],
			SurfaceUtile: decimal.NewFromInt(int64(30 + i%60)), Loyer: &loyer, DateAchevement: &fin,
		})
	}
	ctx := map[string]any{"projet": true, "convention": map[string]any{"numero": "75/2024/0042"}, "programme": prog}
	out, err := Render("bench.docx", tpl, ctx)
	if err != nil {
		b.Fatal(err)
	}
	checkPackage(b, out)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Render("bench.docx", tpl, ctx); err != nil {
			b.Fatal(err)
		}
	}
}
