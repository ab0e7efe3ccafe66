package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Converter turns a .docx document into a PDF.
type Converter interface {
	ToPDF(ctx context.Context, docx []byte) ([]byte, error)
}

// DefaultPDFTimeout bounds one LibreOffice conversion when none is
// configured (LIBREOFFICE_TIMEOUT).
const DefaultPDFTimeout = 3 * time.Minute

// ErrPDFTimeout is returned when a conversion ran past its timeout and
// was killed.
var ErrPDFTimeout = errors.New("conversion PDF interrompue : LibreOffice n'a pas répondu dans le délai (LIBREOFFICE_TIMEOUT)")

// LibreOffice converts with LibreOffice headless (soffice --convert-to
// pdf), one process per conversion, each with a user profile of its own
// in a temporary directory, so conversions run side by side and a crashed
// one leaves no lock behind.
type LibreOffice struct {
	// Exec is the soffice binary (LIBREOFFICE_EXEC); "soffice" found on
	// PATH when empty.
	Exec string
	// Timeout bounds one conversion; DefaultPDFTimeout when zero. Past it
	// the whole process group is killed.
	Timeout time.Duration
	// TempDir holds the working directories; os.TempDir() when empty.
	TempDir string
}

// maxOutput bounds what is kept of soffice's own messages.
const maxOutput = 4 << 10

// ToPDF converts docx. The working directory (input, output, profile) is
// removed whatever happens. A cancelled ctx or the timeout kills the
// process group: soffice starts helper processes that would otherwise
// survive it.
func (l *LibreOffice) ToPDF(ctx context.Context, docx []byte) ([]byte, error) {
	bin := l.Exec
	if bin == "" {
		bin = "soffice"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("conversion PDF : LibreOffice introuvable (%q ; réglez LIBREOFFICE_EXEC ou installez libreoffice-writer-nogui) : %w", bin, err)
	}
	timeout := l.Timeout
	if timeout <= 0 {
		timeout = DefaultPDFTimeout
	}
	dir, err := os.MkdirTemp(l.TempDir, "apilos-pdf-")
	if err != nil {
		return nil, fmt.Errorf("conversion PDF : répertoire de travail : %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "document.docx")
	if err := os.WriteFile(in, docx, 0o600); err != nil {
		return nil, fmt.Errorf("conversion PDF : %w", err)
	}
	out := filepath.Join(dir, "out")
	cmd := exec.Command(path, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", "pdf:writer_pdf_Export", "--outdir", out, in)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HOME="+dir)
	var msg limitedBuffer
	cmd.Stdout, cmd.Stderr = &msg, &msg
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// A helper process keeping the output pipe open must not block Wait.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("conversion PDF : lancement de %s : %w", path, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var stopped error
	select {
	case err = <-done:
	case <-timer.C:
		stopped = ErrPDFTimeout
	case <-ctx.Done():
		stopped = ctx.Err()
	}
	if stopped != nil {
		// The negative pid names the process group (Setpgid above).
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		return nil, fmt.Errorf("conversion PDF (%s) : %w", timeout, stopped)
	}
	// Helpers may outlive a finished soffice: the group goes with it.
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if err != nil {
		return nil, fmt.Errorf("conversion PDF : LibreOffice a échoué (%v) : %s", err, msg.String())
	}
	pdf, err := os.ReadFile(filepath.Join(out, "document.pdf"))
	if err != nil {
		return nil, fmt.Errorf("conversion PDF : LibreOffice n'a produit aucun PDF : %s", strings.TrimSpace(msg.String()))
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return nil, errors.New("conversion PDF : le fichier produit par LibreOffice n'est pas un PDF")
	}
	return pdf, nil
}

// limitedBuffer keeps the first maxOutput bytes written to it.
type limitedBuffer struct{ b bytes.Buffer }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return strings.TrimSpace(l.b.String()) }
