package document

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// MaxMailAttachment is the largest file joined to the validation e-mail
// (the reference's 10 MiB); a larger one is left to the link in the text.
const MaxMailAttachment = 10 << 20

// ErrPDFNotReady: the generated PDF is not stored yet.
var ErrPDFNotReady = errors.New("le PDF de la convention n'est pas encore généré")

// ZipKey is the storage key of the archive sent with the validation
// e-mail of a foyer or résidence convention, next to its PDF.
func ZipKey(id uuid.UUID) string { return convention.SignedKey(id, id.String()+".zip") }

// MailAttachment returns the file joined to the validation e-mail of a
// convention (spec workflows §9.2, 103/104): its generated PDF, or, for a
// foyer or résidence convention (not an avenant), the archive <uuid>.zip
// of the PDF and the files of its "attached" field, stored at ZipKey.
// None when that file is larger than MaxMailAttachment; ErrPDFNotReady
// when the PDF is absent (the sending waits); ErrNotFound when the
// convention is gone.
func MailAttachment(ctx context.Context, q Querier, st storage.Storage, id uuid.UUID) ([]mail.Attachment, error) {
	conv, err := convention.Load(ctx, q, id)
	if errors.Is(err, convention.ErrNotFound) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	pdfName := "convention_" + id.String() + ".pdf"
	if conv.IsAvenant() || !programme.IsFoyerOrResidence(conv.NatureLogement) {
		f, err := openPDF(ctx, st, id)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, MaxMailAttachment+1))
		if err != nil {
			return nil, fmt.Errorf("lecture du PDF à joindre : %w", err)
		}
		if len(b) > MaxMailAttachment {
			return nil, nil
		}
		return []mail.Attachment{{Name: pdfName, ContentType: "application/pdf", Data: b}}, nil
	}
	var attached string
	if err := q.QueryRow(ctx, `SELECT COALESCE(attached, '') FROM conventions_convention WHERE id = $1`, conv.ID).Scan(&attached); err != nil {
		return nil, fmt.Errorf("lecture des fichiers à joindre : %w", err)
	}
	tmp, err := os.CreateTemp("", "apilos-convention-*.zip")
	if err != nil {
		return nil, fmt.Errorf("archive à joindre : %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	ref := &access.ConventionRef{ID: conv.ID, UUID: id.String(), ProgrammeID: conv.ProgrammeID}
	if err := writeZip(ctx, q, st, tmp, ref, pdfName, programme.ParseTextFiles(attached).FileUUIDs()); err != nil {
		return nil, err
	}
	size, err := tmp.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("archive à joindre : %w", err)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("archive à joindre : %w", err)
	}
	if err := st.Put(ctx, ZipKey(id), tmp, size, "application/zip"); err != nil {
		return nil, fmt.Errorf("enregistrement de l'archive : %w", err)
	}
	if size > MaxMailAttachment {
		return nil, nil
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("archive à joindre : %w", err)
	}
	b, err := io.ReadAll(tmp)
	if err != nil {
		return nil, fmt.Errorf("archive à joindre : %w", err)
	}
	return []mail.Attachment{{Name: id.String() + ".zip", ContentType: "application/zip", Data: b}}, nil
}

func openPDF(ctx context.Context, st storage.Storage, id uuid.UUID) (io.ReadCloser, error) {
	f, err := st.Get(ctx, PDFKey(id))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrPDFNotReady
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du PDF à joindre : %w", err)
	}
	return f, nil
}

// writeZip writes the archive: the PDF as pdfName, then each attached
// file under its real name (made unique). A file whose object is missing
// or that the antivirus quarantined is left out, as it is not served.
func writeZip(ctx context.Context, q Querier, st storage.Storage, w io.Writer, ref *access.ConventionRef, pdfName string, files []string) error {
	zw := zip.NewWriter(w)
	pdf, err := openPDF(ctx, st, uuid.MustParse(ref.UUID))
	if err != nil {
		return err
	}
	err = addToZip(zw, pdfName, pdf)
	pdf.Close()
	if err != nil {
		return err
	}
	used := map[string]bool{pdfName: true}
	for _, fid := range files {
		f, body, err := upload.Open(ctx, q, st, ref, fid)
		if errors.Is(err, upload.ErrNotFound) || errors.Is(err, upload.ErrQuarantined) {
			continue
		}
		if err != nil {
			return fmt.Errorf("lecture du fichier joint %s : %w", fid, err)
		}
		err = addToZip(zw, uniqueName(used, f.Realname), body)
		body.Close()
		if err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("archive à joindre : %w", err)
	}
	return nil
}

func addToZip(zw *zip.Writer, name string, r io.Reader) error {
	w, err := zw.Create(name)
	if err != nil {
		return fmt.Errorf("archive à joindre, %s : %w", name, err)
	}
	if _, err := io.Copy(w, r); err != nil {
		return fmt.Errorf("archive à joindre, %s : %w", name, err)
	}
	return nil
}

// uniqueName is a file name safe as an archive entry (no folder) and not
// yet used: "plan.pdf", then "plan (2).pdf"...
func uniqueName(used map[string]bool, name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r < ' ' {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" || name == "." || name == ".." {
		name = "fichier"
	}
	out := name
	ext := path.Ext(name)
	for i := 2; used[out]; i++ {
		out = fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(name, ext), i, ext)
	}
	used[out] = true
	return out
}
