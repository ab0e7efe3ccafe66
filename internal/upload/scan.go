package upload

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/clamav"
	"github.com/MTES-MCT/apilos-go/internal/notify"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// ScanStatut is the antivirus status of a stored file (upload_scan.statut).
type ScanStatut string

// Statuts of upload_scan.
const (
	ScanPending  ScanStatut = "en_attente"
	ScanClean    ScanStatut = "sain"
	ScanInfected ScanStatut = "infecte"
	// ScanSkipped: not scanned (no antivirus configured, file gone, or
	// larger than clamd accepts); the file stays served.
	ScanSkipped ScanStatut = "non_analyse"
)

// QuarantinePrefix is where infected objects are moved: out of every
// key the application reads, kept for the support to examine.
const QuarantinePrefix = "quarantaine/"

// QuarantineKey is where the object of key goes when infected.
func QuarantineKey(key string) string { return QuarantinePrefix + key }

// ScanRequest describes a stored file to scan.
type ScanRequest struct {
	Key            string
	UploadedFileID int64 // 0: a convention document without upload_uploadedfile row
	ConventionID   int64 // 0: unknown (programme attachment)
	UploaderID     int64
	// Filename is the name shown to people (original name).
	Filename string
}

// RequestScan records that key is to be scanned (statut en_attente), in
// the transaction that stored it; the caller enqueues the scan after the
// commit. A file stored again under the same key is scanned again.
func RequestScan(ctx context.Context, q Querier, r ScanRequest) error {
	_, err := q.Exec(ctx, `INSERT INTO upload_scan (storage_key, uploaded_file_id, convention_id, uploader_id, filename)
		VALUES ($1, NULLIF($2, 0), NULLIF($3, 0), NULLIF($4, 0), left($5, 255))
		ON CONFLICT (storage_key) DO UPDATE SET uploaded_file_id = EXCLUDED.uploaded_file_id,
			convention_id = EXCLUDED.convention_id, uploader_id = EXCLUDED.uploader_id, filename = EXCLUDED.filename,
			statut = 'en_attente', signature = '', detail = '', cree_le = now(), analyse_le = NULL`,
		r.Key, r.UploadedFileID, r.ConventionID, r.UploaderID, r.Filename)
	if err != nil {
		return fmt.Errorf("enregistrement de l'analyse antivirus de %q : %w", r.Key, err)
	}
	return nil
}

// Scanner scans a file (clamav.Client).
type Scanner interface {
	Scan(ctx context.Context, r io.Reader) (clamav.Verdict, error)
}

// ScanResult is what ProcessScan did.
type ScanResult struct {
	ID        int64
	Statut    ScanStatut
	Signature string
	Detail    string
	// Events are the notifications of an infected file (uploader and
	// staff); the same ids at every attempt, so they are sent once.
	Events []notify.Event
}

// ProcessScan scans the object of key and records the verdict; an
// infected object is moved to quarantine. It is idempotent: a file
// already judged is not scanned again, and an infected one is (again)
// made sure to be in quarantine and its notifications returned, so a
// retry after a failure finishes the work. A nil result means no scan is
// recorded for key. Without scanner (no antivirus configured) the file is
// marked non_analyse. Errors are worth retrying (clamd or storage down).
func ProcessScan(ctx context.Context, q Querier, st storage.Storage, sc Scanner, key string) (*ScanResult, error) {
	var res ScanResult
	var creeLe time.Time
	var conv *uuid.UUID
	err := q.QueryRow(ctx, `SELECT s.id, s.statut, s.signature, s.detail, s.cree_le, c.uuid
		FROM upload_scan s LEFT JOIN conventions_convention c ON c.id = s.convention_id
		WHERE s.storage_key = $1`, key).Scan(&res.ID, &res.Statut, &res.Signature, &res.Detail, &creeLe, &conv)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de l'analyse antivirus de %q : %w", key, err)
	}
	if res.Statut == ScanPending {
		if err := scanPending(ctx, q, st, sc, key, creeLe, &res); err != nil {
			return nil, err
		}
	}
	if res.Statut != ScanInfected {
		return &res, nil
	}
	if err := quarantine(ctx, st, key); err != nil {
		return nil, err
	}
	ev := notify.Event{
		ID:     uuid.NewSHA1(uuid.NameSpaceURL, []byte("apilos:upload_scan:"+strconv.FormatInt(res.ID, 10)+":"+creeLe.UTC().Format(time.RFC3339Nano))),
		Kind:   notify.VirusDetected,
		ScanID: res.ID,
	}
	if conv != nil {
		ev.ConventionUUID = *conv
	}
	res.Events = []notify.Event{ev}
	return &res, nil
}

func scanPending(ctx context.Context, q Querier, st storage.Storage, sc Scanner, key string, creeLe time.Time, res *ScanResult) error {
	if sc == nil {
		return record(ctx, q, res, creeLe, ScanSkipped, "", "aucun antivirus configuré (CLAMD_ADDRESS)")
	}
	r, err := st.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return record(ctx, q, res, creeLe, ScanSkipped, "", "fichier absent du stockage au moment de l'analyse (remplacé ou annulé)")
	}
	if err != nil {
		return err
	}
	v, err := sc.Scan(ctx, r)
	r.Close()
	switch {
	case errors.Is(err, clamav.ErrSizeLimit):
		return record(ctx, q, res, creeLe, ScanSkipped, "", err.Error())
	case err != nil:
		return err
	case v.Infected:
		return record(ctx, q, res, creeLe, ScanInfected, v.Signature, "")
	}
	return record(ctx, q, res, creeLe, ScanClean, "", "")
}

// errRestored: the file was stored again during the scan; the new content
// needs its own scan (the task is retried).
var errRestored = errors.New("fichier déposé à nouveau pendant l'analyse : nouvelle analyse")

// record writes the verdict, unless the row was reset by a new deposit
// of the same key since it was read.
func record(ctx context.Context, q Querier, res *ScanResult, creeLe time.Time, statut ScanStatut, signature, detail string) error {
	tag, err := q.Exec(ctx, `UPDATE upload_scan SET statut = $3, signature = $4, detail = $5, analyse_le = now()
		WHERE id = $1 AND cree_le = $2 AND statut = 'en_attente'`, res.ID, creeLe, statut, signature, detail)
	if err != nil {
		return fmt.Errorf("enregistrement du résultat de l'analyse antivirus : %w", err)
	}
	if tag.RowsAffected() == 0 {
		return errRestored
	}
	res.Statut, res.Signature, res.Detail = statut, signature, detail
	return nil
}

// quarantine moves the object out of the application's keys; done
// already when the object is gone.
func quarantine(ctx context.Context, st storage.Storage, key string) error {
	ok, err := st.Exists(ctx, key)
	if err != nil || !ok {
		return err
	}
	if err := storage.Rename(ctx, st, key, QuarantineKey(key)); err != nil {
		return fmt.Errorf("mise en quarantaine de %q : %w", key, err)
	}
	return nil
}

// Quarantined reports whether the object of key was found infected (it
// is not served any more).
func Quarantined(ctx context.Context, q Querier, key string) (bool, error) {
	var infected bool
	err := q.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM upload_scan WHERE storage_key = $1 AND statut = 'infecte')`, key).Scan(&infected)
	if err != nil {
		return false, fmt.Errorf("lecture de l'état antivirus de %q : %w", key, err)
	}
	return infected, nil
}
