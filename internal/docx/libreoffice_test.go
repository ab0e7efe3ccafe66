package docx

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// tool finds a command the test needs.
func tool(t *testing.T, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		missing(t, name, pkg)
	}
	return path
}

// missing stops a test that lacks a tool: in CI (CI=true) or with
// APILOS_REQUIRE_TOOLS=1 the test fails; elsewhere it is skipped with the
// way to install the tool.
func missing(t *testing.T, what, pkg string) {
	t.Helper()
	msg := what + " introuvable : installez le paquet Debian « " + pkg + " » (make test le fait via scripts/ensure-deps.sh)"
	if ci := os.Getenv("CI"); strings.EqualFold(ci, "true") || ci == "1" || os.Getenv("APILOS_REQUIRE_TOOLS") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg + " ; test ignoré en local (il est obligatoire avec CI=true ou APILOS_REQUIRE_TOOLS=1)")
}

// TestLibreOfficeOpensRenderedDocument converts a rendered document to PDF
// with LibreOffice and reads the PDF's text back.
func TestLibreOfficeOpensRenderedDocument(t *testing.T) {
	soffice := tool(t, "soffice", "libreoffice-writer-nogui")
	pdftotext := tool(t, "pdftotext", "poppler-utils")
	pdfimages := tool(t, "pdfimages", "poppler-utils")

	d := testDoc{
		header: para(run("{% if projet %}Projet de convention{% endif %}")),
		body: para(bold("Convention n° {{ convention.numero }}")) +
			para(run("Entre l'État et {{ bail"), spell, run("leur.nom }}, pour l'opération {{ programme.nom }}.")) +
			text("{%p if programme.logements %}") + text("Logements conventionnés :") + text("{%p endif %}") +
			table(
				[]string{text("Désignation"), text("Type"), text("Surface utile"), text("Loyer")},
				[]string{text("{%tr for l in programme.logements %}"), text(""), text(""), text("")},
				[]string{text("{{ l.designation }}"), text("{{ l.typologie|tl }}"), text("{{ l.surface_utile|f }} m²"), text("{{ l.loyer|f }} €")},
				[]string{text("{%tr endfor %}"), text(""), text(""), text("")},
			) +
			para(run("Plan : "), run("{{r plan }}")) +
			text("Fait le {{ date|d }}."),
		footer: text("{{ administration }}"),
	}
	loyer1, loyer2 := decimal.RequireFromString("412.5"), decimal.RequireFromString("1502.75")
	ctx := map[string]any{
		"projet":     true,
		"convention": map[string]any{"numero": "75/2024/0042"},
		"bailleur":   map[string]any{"nom": "Habitat & Territoires"},
		"programme": &programme{Nom: "Les Tilleuls", Logements: []logement{
			{Designation: "Bât A - 101", Typologie: "T2", SurfaceUtile: decimal.RequireFromString("48.25"), Loyer: &loyer1},
			{Designation: "Bât A - 102", Typologie: "T1bis", SurfaceUtile: decimal.RequireFromString("1234.5"), Loyer: &loyer2},
		}},
		"plan":           Image{Name: "plan.png", Data: picture(t, "png", 120, 60), Width: 4 * Cm},
		"date":           time.Date(2024, 7, 14, 0, 0, 0, 0, time.UTC),
		"administration": "DDT de Paris",
	}
	out := render(t, d, ctx)

	dir := t.TempDir()
	in := filepath.Join(dir, "convention.docx")
	if err := os.WriteFile(in, out, 0o600); err != nil {
		t.Fatal(err)
	}
	c, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(c, soffice, "--headless", "--norestore", "-env:UserInstallation=file://"+filepath.Join(dir, "profil"),
		"--convert-to", "pdf", "--outdir", dir, in)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice : %v\n%s", err, msg)
	}
	pdf := filepath.Join(dir, "convention.pdf")
	txt, err := exec.Command(pdftotext, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext : %v (LibreOffice n'a pas produit de PDF lisible)", err)
	}
	got := strings.ReplaceAll(string(txt), "\u00a0", " ")
	for _, want := range []string{
		"Projet de convention", "Convention n° 75/2024/0042", "Entre l'État et Habitat & Territoires, pour l'opération Les Tilleuls.",
		"Logements conventionnés", "Bât A - 101", "Logement T 2", "48,25 m²", "412,50 €",
		"Bât A - 102", "Logement T 1 bis", "1 234,50 m²", "1 502,75 €", "Fait le 14 juillet 2024.", "DDT de Paris",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("le PDF ne contient pas %q :\n%s", want, got)
		}
	}
	imgs, err := exec.Command(pdfimages, "-list", pdf).Output()
	if err != nil {
		t.Fatalf("pdfimages : %v", err)
	}
	if lines := strings.Split(strings.TrimSpace(string(imgs)), "\n"); len(lines) < 3 || !strings.Contains(strings.Join(strings.Fields(lines[2]), " "), "image 120 60") {
		t.Errorf("le PDF doit contenir l'image 120×60 :\n%s", imgs)
	}
}
