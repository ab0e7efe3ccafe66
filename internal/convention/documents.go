package convention

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// Messages of the document deposits.
const (
	MsgFileMissing    = "Vous devez sélectionner un fichier avant de cliquer sur le bouton 'Déposer'"
	MsgFileNotPDF     = "Le fichier déposé doit être un document PDF."
	MsgNoFileToCancel = "Aucun document déposé à annuler."
)

// File is an uploaded document.
type File struct {
	Body io.Reader
	Size int64 // -1 when unknown
}

// SignedFileName is the storage name of a signed document (spec §7.2):
// convention_<numero> (or convention_<parent numero>_avenant_<numero or
// N>), _projet in PROJET, then the upload time and ".pdf". Spaces become
// "_", and "/" too for publication documents, which are prefixed
// "publication_".
func SignedFileName(c *Convention, at time.Time, publication bool) string {
	clean := func(s string) string {
		s = strings.ReplaceAll(s, " ", "_")
		if publication {
			s = strings.ReplaceAll(s, "/", "_")
		}
		return s
	}
	num := func(s, missing string) string {
		if s == "" {
			return missing
		}
		return clean(s)
	}
	var parts []string
	if c.IsAvenant() {
		parts = append(parts, "convention_"+num(c.ParentNumero, "NUM"), "avenant_"+num(c.Numero, "N"))
	} else {
		parts = append(parts, "convention_"+num(c.Numero, "NUM"))
	}
	if c.Statut == Projet {
		parts = append(parts, "projet")
	}
	parts = append(parts, at.In(paris).Format("2006-01-02_15-04"))
	name := strings.Join(parts, "_") + ".pdf"
	// A "/" left in a convention number must not create folders.
	name = strings.ReplaceAll(name, "/", "_")
	if publication {
		name = "publication_" + name
	}
	return name
}

// SignedKey is the storage key of the signed document of c.
func SignedKey(id uuid.UUID, name string) string {
	return "conventions/" + id.String() + "/convention_docs/" + name
}

// PublicationKey is the storage key of the publication document of c.
func PublicationKey(id uuid.UUID, name string) string {
	return "spf/" + id.String() + "/publication/" + name
}

// readPDF reads the upload and checks it is a PDF.
func readPDF(f File) ([]byte, error) {
	if f.Body == nil {
		return nil, invalid("file", MsgFileMissing)
	}
	b, err := io.ReadAll(f.Body)
	if err != nil {
		return nil, fmt.Errorf("lecture du fichier déposé : %w", err)
	}
	if len(b) == 0 {
		return nil, invalid("file", MsgFileMissing)
	}
	if !bytes.HasPrefix(b, []byte("%PDF-")) {
		return nil, invalid("file", MsgFileNotPDF)
	}
	return b, nil
}

// RegisterSignedFile stores the signed document of an A_SIGNER convention
// (first step of T6) or a new version of a signed one; nom_fichier_signe
// is updated, the statut is not (Sign does it).
func RegisterSignedFile(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, id uuid.UUID, f File) (*Result, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionUploadSigned)
	if err != nil {
		return nil, err
	}
	b, err := readPDF(f)
	if err != nil {
		return nil, err
	}
	name := SignedFileName(c, now(), false)
	key := SignedKey(c.UUID, name)
	if err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b)), "application/pdf"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET nom_fichier_signe = $2 WHERE id = $1`, c.ID, name); err != nil {
		return nil, fmt.Errorf("enregistrement du document signé : %w", err)
	}
	return finishDeposit(ctx, tx, c, s, key, name)
}

// finishDeposit records the antivirus scan of a deposited document (spec
// workflows §7.4: every stored file is scanned) and returns its key in
// Result.Scans.
func finishDeposit(ctx context.Context, tx pgx.Tx, c *Convention, s *access.Subject, key, name string) (*Result, error) {
	if err := upload.RequestScan(ctx, tx, upload.ScanRequest{Key: key, ConventionID: c.ID, UploaderID: s.UserID, Filename: name}); err != nil {
		return nil, err
	}
	res, err := finish(ctx, tx, c, c.Statut, nil, "")
	if err != nil {
		return nil, err
	}
	res.Scans = []string{key}
	return res, nil
}

// CancelSignedFile renames the deposited signed document to
// <stem>_cancelled_on_<YYYYmmdd-HHMMSS><ext> in the same folder and clears
// nom_fichier_signe (cancel button of the deposit stepper).
func CancelSignedFile(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, id uuid.UUID) (*Result, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionCancelSigned)
	if err != nil {
		return nil, err
	}
	if c.NomFichierSigne == "" {
		return nil, refuse(ReasonPrecondition, MsgNoFileToCancel)
	}
	if err := cancelStored(ctx, st, SignedKey(c.UUID, c.NomFichierSigne)); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET nom_fichier_signe = NULL WHERE id = $1`, c.ID); err != nil {
		return nil, fmt.Errorf("annulation du dépôt : %w", err)
	}
	return finish(ctx, tx, c, c.Statut, nil, "")
}

// CancelledName is the name a cancelled deposit is renamed to.
func CancelledName(name string, at time.Time) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "_cancelled_on_" + at.In(paris).Format("20060102-150405") + ext
}

func cancelStored(ctx context.Context, st storage.Storage, key string) error {
	dir, name := path.Split(key)
	err := storage.Rename(ctx, st, key, dir+CancelledName(name, now()))
	if err != nil && !isNotFound(err) {
		return err
	}
	return nil
}

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }

// RegisterPublicationFile stores the publication deed (first step of T8,
// instructeur, PUBLICATION_EN_COURS or PUBLIE).
func RegisterPublicationFile(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, id uuid.UUID, f File) (*Result, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionUploadPublication)
	if err != nil {
		return nil, err
	}
	b, err := readPDF(f)
	if err != nil {
		return nil, err
	}
	name := SignedFileName(c, now(), true)
	key := PublicationKey(c.UUID, name)
	if err := st.Put(ctx, key, bytes.NewReader(b), int64(len(b)), "application/pdf"); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET nom_fichier_publication_spf = $2 WHERE id = $1`, c.ID, name); err != nil {
		return nil, fmt.Errorf("enregistrement du document de publication : %w", err)
	}
	return finishDeposit(ctx, tx, c, s, key, name)
}

// CancelPublicationFile renames the deposited publication deed and clears
// nom_fichier_publication_spf.
func CancelPublicationFile(ctx context.Context, tx pgx.Tx, st storage.Storage, s *access.Subject, id uuid.UUID) (*Result, error) {
	c, _, err := lockFor(ctx, tx, s, id, ActionCancelPublished)
	if err != nil {
		return nil, err
	}
	if c.NomFichierPublicationSPF == "" {
		return nil, refuse(ReasonPrecondition, MsgNoFileToCancel)
	}
	if err := cancelStored(ctx, st, PublicationKey(c.UUID, c.NomFichierPublicationSPF)); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE conventions_convention SET nom_fichier_publication_spf = NULL WHERE id = $1`, c.ID); err != nil {
		return nil, fmt.Errorf("annulation du dépôt : %w", err)
	}
	return finish(ctx, tx, c, c.Statut, nil, "")
}
