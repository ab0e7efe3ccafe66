package document

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkDocx fails the test unless doc is a zip of well-formed XML parts
// with a main document and no template tag left.
func checkDocx(t testing.TB, name string, doc []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatalf("%s : pas un zip : %v", name, err)
	}
	var text strings.Builder
	seen := map[string]bool{}
	for _, f := range zr.File {
		seen[f.Name] = true
		if !strings.HasSuffix(f.Name, ".xml") && !strings.HasSuffix(f.Name, ".rels") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(bytes.NewReader(data))
		for {
			tok, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s : %s n'est pas du XML valide : %v", name, f.Name, err)
			}
			if cd, ok := tok.(xml.CharData); ok {
				text.Write(cd)
			}
		}
		for _, tag := range []string{"{{", "}}", "{%", "%}", "{#", "#}"} {
			if bytes.Contains(data, []byte(tag)) {
				t.Errorf("%s : %s contient encore %q", name, f.Name, tag)
			}
		}
	}
	for _, part := range []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml"} {
		if !seen[part] {
			t.Errorf("%s : partie %s absente", name, part)
		}
	}
	return text.String()
}

// soffice is the LibreOffice binary: LIBREOFFICE_EXEC, else soffice on
// PATH (scripts/ensure-deps.sh installs it for make test).
func soffice(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("LIBREOFFICE_EXEC"); p != "" {
		return p
	}
	p, err := exec.LookPath("soffice")
	if err != nil {
		t.Fatalf("LibreOffice absent (sudo apt-get install libreoffice-writer-nogui) : %v", err)
	}
	return p
}

// toPDFs converts .docx files (by name) with one LibreOffice headless
// run and returns the PDFs by name.
func toPDFs(t testing.TB, docs map[string][]byte) map[string][]byte {
	t.Helper()
	dir := t.TempDir()
	args := []string{"--headless", "--norestore", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", "pdf", "--outdir", filepath.Join(dir, "out")}
	for name, d := range docs {
		in := filepath.Join(dir, name+".docx")
		if err := os.WriteFile(in, d, 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, in)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, soffice(t), args...).CombinedOutput(); err != nil {
		t.Fatalf("soffice : %v\n%s", err, out)
	}
	pdfs := map[string][]byte{}
	for name := range docs {
		pdf, err := os.ReadFile(filepath.Join(dir, "out", name+".pdf"))
		if err != nil {
			t.Fatalf("%s : pas de PDF : %v", name, err)
		}
		pdfs[name] = pdf
	}
	return pdfs
}

// pdfText is the text of a PDF (pdftotext), spaces normalised.
func pdfText(t testing.TB, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "d.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext : %v", err)
	}
	return normaliseSpaces(string(out))
}

// normaliseSpaces turns non-breaking spaces and line breaks into single
// spaces.
func normaliseSpaces(s string) string {
	s = strings.NewReplacer("\u00a0", " ", "\u202f", " ", "\f", " ").Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
