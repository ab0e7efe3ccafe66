package document

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/MTES-MCT/apilos-go/internal/docx"
)

// needTool returns the path of a command the test needs; scripts/
// ensure-deps.sh installs them all.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s introuvable : installez le paquet Debian « %s » (scripts/ensure-deps.sh)", name, pkg)
	}
	return p
}

// smallTemplate is a one-paragraph Word document holding Jinja tags.
func smallTemplate(t testing.TB, paragraphs ...string) []byte {
	t.Helper()
	var body strings.Builder
	for _, p := range paragraphs {
		body.WriteString(`<w:p><w:r><w:t xml:space="preserve">` + p + `</w:t></w:r></w:p>`)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, content := range map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
			`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>` +
			`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`,
		"_rels/.rels": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
			`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
			body.String() + `</w:body></w:document>`,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// renderSmall renders smallTemplate with ctx through internal/docx.
func renderSmall(t testing.TB, ctx map[string]any, paragraphs ...string) []byte {
	t.Helper()
	out, err := docx.Render("petit.docx", smallTemplate(t, paragraphs...), ctx)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A rendered document goes through the real LibreOffice and its text is
// read back from the PDF; the working directory is gone afterwards.
func TestLibreOfficeConverts(t *testing.T) {
	lo := &LibreOffice{Exec: needTool(t, "soffice", "libreoffice-writer-nogui"), TempDir: t.TempDir()}
	doc := renderSmall(t, map[string]any{"numero": "75/2024/0042", "bailleur": "Habitat & Territoires"},
		"Convention n° {{ numero }}", "Bailleur : {{ bailleur }}")
	pdf, err := lo.ToPDF(context.Background(), doc)
	if err != nil {
		t.Fatal(err)
	}
	txt := pdfText(t, pdf)
	for _, want := range []string{"Convention n° 75/2024/0042", "Bailleur : Habitat & Territoires"} {
		if !strings.Contains(txt, want) {
			t.Errorf("le PDF ne contient pas %q :\n%s", want, txt)
		}
	}
	left, _ := os.ReadDir(lo.TempDir)
	if len(left) != 0 {
		t.Errorf("répertoires de travail non supprimés : %v", left)
	}
}

// hangingSoffice writes a fake soffice that starts a child which never
// ends, records the child's pid next to itself, then waits for it.
func hangingSoffice(t *testing.T) (bin, pidFile string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "soffice")
	pidFile = filepath.Join(dir, "child.pid")
	// The pid is written aside then renamed: the file appears whole, so
	// a test that waits for it never reads it half-written.
	script := "#!/bin/sh\nsleep 600 &\necho $! > " + pidFile + ".tmp\nmv " + pidFile + ".tmp " + pidFile + "\nwait\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin, pidFile
}

// alive reports whether pid runs (a zombie waiting for its parent to
// read it counts as ended).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
	return len(f) > 0 && f[0] != "Z"
}

func childPid(t *testing.T, pidFile string) int {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("le faux soffice n'a pas démarré son enfant : %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// waitDead polls until pid has ended; the deadline only turns a leak
// into a failure.
func waitDead(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for alive(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("le processus %d du groupe de conversion vit encore", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// A conversion that hangs is killed at the timeout, with the processes
// it started, and its working directory removed.
func TestLibreOfficeTimeoutKillsProcessGroup(t *testing.T) {
	bin, pidFile := hangingSoffice(t)
	lo := &LibreOffice{Exec: bin, Timeout: 2 * time.Second, TempDir: t.TempDir()}
	_, err := lo.ToPDF(context.Background(), []byte("PK"))
	if !errors.Is(err, ErrPDFTimeout) {
		t.Fatalf("erreur %v, ErrPDFTimeout attendue", err)
	}
	waitDead(t, childPid(t, pidFile))
	left, _ := os.ReadDir(lo.TempDir)
	if len(left) != 0 {
		t.Errorf("répertoires de travail non supprimés : %v", left)
	}
}

// A cancelled context (worker stopping) kills the conversion the same way.
func TestLibreOfficeCancelKillsProcessGroup(t *testing.T) {
	bin, pidFile := hangingSoffice(t)
	lo := &LibreOffice{Exec: bin, Timeout: time.Hour, TempDir: t.TempDir()}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for {
			if _, err := os.Stat(pidFile); err == nil {
				cancel()
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	_, err := lo.ToPDF(ctx, []byte("PK"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("erreur %v, context.Canceled attendue", err)
	}
	waitDead(t, childPid(t, pidFile))
}

// Failures say what went wrong, in French: no binary, a binary that
// fails, a binary that produces nothing.
func TestLibreOfficeFailures(t *testing.T) {
	dir := t.TempDir()
	script := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct {
		name, exec, want string
	}{
		{"absent", filepath.Join(dir, "nulle-part", "soffice"), "LibreOffice introuvable"},
		{"échec", script("echec", "echo 'Error: source file could not be loaded' >&2; exit 1"), "source file could not be loaded"},
		{"rien", script("rien", "exit 0"), "n'a produit aucun PDF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := (&LibreOffice{Exec: tc.exec, TempDir: t.TempDir()}).ToPDF(context.Background(), []byte("PK"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("erreur %v, %q attendu", err, tc.want)
			}
		})
	}
}

// A real conversion that runs into its timeout is killed too (no fake).
func TestLibreOfficeRealTimeout(t *testing.T) {
	lo := &LibreOffice{Exec: needTool(t, "soffice", "libreoffice-writer-nogui"), Timeout: time.Millisecond, TempDir: t.TempDir()}
	_, err := lo.ToPDF(context.Background(), renderSmall(t, nil, "Texte"))
	if !errors.Is(err, ErrPDFTimeout) {
		t.Fatalf("erreur %v, ErrPDFTimeout attendue", err)
	}
	left, _ := os.ReadDir(lo.TempDir)
	if len(left) != 0 {
		t.Errorf("répertoires de travail non supprimés : %v", left)
	}
}
