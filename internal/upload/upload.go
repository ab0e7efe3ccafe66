// Package upload keeps the files attached to the "text + files" fields of
// the convention form (spec workflows §7.3, data-model §14): their rows in
// upload_uploadedfile, their objects in the storage, who may add and read
// them, and the antivirus status of every stored file (scan.go).
package upload

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"golang.org/x/text/unicode/norm"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// Limits of one POST /upload/ (the reference checked nothing on the
// server; its widget allowed 100 MB). 50 Mo matches the signed
// documents; clamd's StreamMaxLength must be at least as large.
const (
	MaxFileSize = 50 << 20
	MaxFiles    = 20
	// MaxNameLength is the size of the realname and filename columns.
	MaxNameLength = 255
)

// Querier is a pool, a connection or a transaction.
type Querier = db.Querier

// OwnerKind is what an attachment is filed under: a convention, a
// programme or a lot (the POST field naming its uuid).
type OwnerKind string

// Owner kinds, named as the form fields of the reference.
const (
	OwnerConvention OwnerKind = "convention"
	OwnerProgramme  OwnerKind = "programme"
	OwnerLot        OwnerKind = "lot"
)

// OwnerKinds lists the kinds in the order the form fields are read.
var OwnerKinds = []OwnerKind{OwnerConvention, OwnerProgramme, OwnerLot}

// Dirpath is the folder of the owner's attachments, trailing slash
// included as the reference stores it.
func (k OwnerKind) Dirpath(owner uuid.UUID) string {
	return string(k) + "s/" + owner.String() + "/media/"
}

// Target is where the files of one POST go.
type Target struct {
	Kind OwnerKind
	UUID uuid.UUID
}

// File is one row of upload_uploadedfile. The JSON names are the
// reference's answer to POST /upload/ (every column), which the form's
// widgets read.
type File struct {
	ID          int64     `json:"id"`
	UUID        uuid.UUID `json:"uuid"`
	Filename    string    `json:"filename"`
	Realname    string    `json:"realname"`
	Dirpath     *string   `json:"dirpath"`
	Size        *string   `json:"size"`
	ContentType *string   `json:"content_type"`
	CreeLe      time.Time `json:"cree_le"`
	MisAJourLe  time.Time `json:"mis_a_jour_le"`
}

// Key is the storage key of the file: "<dirpath>/<uuid>_<filename>" (the
// reference's double slash after a stored trailing slash is kept, so
// objects it wrote are found), or, without dirpath, under the media folder
// of the convention the file is read from.
func (f *File) Key(conventionUUID string) string {
	name := f.UUID.String() + "_" + f.Filename
	if f.Dirpath == nil || *f.Dirpath == "" {
		return "conventions/" + conventionUUID + "/media/" + name
	}
	return *f.Dirpath + "/" + name
}

// ServedType is the Content-Type to serve the file with: its recorded
// type when it is one of the accepted ones, else a plain download (files
// the reference recorded with the browser's claim, text/html included).
func (f *File) ServedType() string {
	if f.ContentType != nil && slices.Contains(acceptedTypes, *f.ContentType) {
		return *f.ContentType
	}
	return "application/octet-stream"
}

// acceptedTypes are the types Sniff answers.
var acceptedTypes = []string{"application/pdf", "image/jpeg", "image/png", "image/gif", "image/bmp", "image/webp", "image/tiff", "image/heic", "image/heif"}

// Incoming is one uploaded file as the HTTP layer received it.
type Incoming struct {
	// Name is the file name the browser sent.
	Name string
	// Size is the number of bytes of Body.
	Size int64
	Body io.Reader
}

// Error is a refusal of the input, with a French message naming the file
// or the field; nothing was stored.
type Error struct {
	Field   string
	Message string
}

func (e *Error) Error() string { return e.Message }

// ErrNotFound: the target or the file does not exist, or lies outside the
// subject's scope (answered 404, existence not revealed).
var ErrNotFound = errors.New("fichier ou destination introuvable")

// Messages of the refusals.
const (
	MsgNoTarget  = "Indiquez où ranger les fichiers : une convention, un programme ou un lot (un seul)."
	MsgNoFile    = "Aucun fichier reçu : choisissez au moins un fichier."
	MsgTooMany   = "Déposez au plus 20 fichiers à la fois."
	MsgForbidden = "Votre rôle ne permet pas de déposer des fichiers."
	acceptedText = "une image (JPEG, PNG, GIF, BMP, WebP, TIFF, HEIC/HEIF) ou un PDF"
)

// Save checks the subject may file attachments under t, checks every
// file (count, name, size, type read from the content, not from the name
// or the browser), then records and stores them all; on any refusal
// nothing is stored. Each stored file gets a pending antivirus status
// (RequestScan); keys lists what to scan once tx has committed.
func Save(ctx context.Context, tx pgx.Tx, st storage.Storage, sub *access.Subject, t Target, files []Incoming) (saved []File, keys []string, err error) {
	if !access.Can(sub, access.ChangeConvention) || sub.ReadOnly() {
		return nil, nil, &Error{Field: "file", Message: MsgForbidden}
	}
	conventionID, err := resolveTarget(ctx, tx, sub, t)
	if err != nil {
		return nil, nil, err
	}
	checked, err := check(files)
	if err != nil {
		return nil, nil, err
	}
	dir := t.Kind.Dirpath(t.UUID)
	var written []string
	defer func() {
		if err != nil {
			// The transaction is rolled back: remove what was written.
			for _, k := range written {
				_ = st.Delete(context.WithoutCancel(ctx), k)
			}
		}
	}()
	for _, c := range checked {
		f := File{UUID: uuid.New(), Realname: c.name, Filename: StorageName(c.name), Dirpath: &dir, ContentType: &c.contentType}
		size := fmt.Sprint(c.size)
		f.Size = &size
		err = tx.QueryRow(ctx, `INSERT INTO upload_uploadedfile (uuid, filename, realname, dirpath, size, content_type, cree_le, mis_a_jour_le)
			VALUES ($1, $2, $3, $4, $5, $6, now(), now()) RETURNING id, cree_le, mis_a_jour_le`,
			f.UUID, f.Filename, f.Realname, f.Dirpath, f.Size, f.ContentType).Scan(&f.ID, &f.CreeLe, &f.MisAJourLe)
		if err != nil {
			return nil, nil, fmt.Errorf("enregistrement du fichier %q : %w", c.name, err)
		}
		key := f.Key("")
		if err = st.Put(ctx, key, c.body, c.size, c.contentType); err != nil {
			return nil, nil, err
		}
		written = append(written, key)
		if err = RequestScan(ctx, tx, ScanRequest{Key: key, UploadedFileID: f.ID, ConventionID: conventionID, UploaderID: sub.UserID, Filename: f.Realname}); err != nil {
			return nil, nil, err
		}
		saved = append(saved, f)
	}
	return saved, written, nil
}

// resolveTarget checks the owner exists in the subject's scope and
// returns the convention the files concern (0 for a programme, shared by
// its conventions and avenants).
func resolveTarget(ctx context.Context, q Querier, sub *access.Subject, t Target) (conventionID int64, err error) {
	var a access.Args
	var sql string
	switch t.Kind {
	case OwnerConvention:
		sql = `SELECT c.id FROM conventions_convention c JOIN programmes_programme p ON p.id = c.programme_id
			WHERE c.uuid = ` + a.Add(t.UUID) + ` AND ` + access.ConventionScope(sub, &a)
	case OwnerLot:
		sql = `SELECT c.id FROM programmes_lot l JOIN conventions_convention c ON c.id = l.convention_id
			JOIN programmes_programme p ON p.id = c.programme_id
			WHERE l.uuid = ` + a.Add(t.UUID) + ` AND ` + access.ConventionScope(sub, &a)
	case OwnerProgramme:
		sql = `SELECT 0::int FROM programmes_programme p WHERE p.uuid = ` + a.Add(t.UUID) + ` AND ` + access.ProgrammeScope(sub, &a)
	default:
		return 0, &Error{Field: "convention", Message: MsgNoTarget}
	}
	err = q.QueryRow(ctx, sql, a.Values()...).Scan(&conventionID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, ErrNotFound
	}
	if err != nil {
		return 0, fmt.Errorf("lecture de la destination des fichiers : %w", err)
	}
	return conventionID, nil
}

type checkedFile struct {
	name, contentType string
	size              int64
	body              io.Reader
}

func check(files []Incoming) ([]checkedFile, error) {
	if len(files) == 0 {
		return nil, &Error{Field: "file", Message: MsgNoFile}
	}
	if len(files) > MaxFiles {
		return nil, &Error{Field: "file", Message: MsgTooMany}
	}
	out := make([]checkedFile, 0, len(files))
	for _, f := range files {
		name := strings.TrimSpace(path.Base(strings.ReplaceAll(f.Name, "\\", "/")))
		if name == "" || name == "." || name == "/" {
			return nil, &Error{Field: "file", Message: "Un fichier reçu n'a pas de nom : renommez-le puis déposez-le à nouveau."}
		}
		if !utf8.ValidString(name) || strings.ContainsFunc(name, unicode.IsControl) {
			return nil, &Error{Field: "file", Message: fmt.Sprintf("Le nom du fichier « %s » contient des caractères invalides : renommez-le.", strings.ToValidUTF8(strings.Map(dropControl, name), "?"))}
		}
		if utf8.RuneCountInString(name) > MaxNameLength {
			return nil, &Error{Field: "file", Message: fmt.Sprintf("Le nom du fichier « %s… » dépasse %d caractères : raccourcissez-le.", string([]rune(name)[:40]), MaxNameLength)}
		}
		if f.Size > MaxFileSize {
			return nil, &Error{Field: "file", Message: fmt.Sprintf("Le fichier « %s » dépasse %d Mo : déposez une version plus légère.", name, MaxFileSize>>20)}
		}
		if f.Size == 0 || f.Body == nil {
			return nil, &Error{Field: "file", Message: fmt.Sprintf("Le fichier « %s » est vide.", name)}
		}
		br := bufio.NewReaderSize(f.Body, 512)
		head, err := br.Peek(512)
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("lecture du fichier %q : %w", name, err)
		}
		ct := Sniff(head)
		if ct == "" {
			return nil, &Error{Field: "file", Message: fmt.Sprintf("Le fichier « %s » n'est pas accepté : déposez %s.", name, acceptedText)}
		}
		out = append(out, checkedFile{name: name, contentType: ct, size: f.Size, body: io.LimitReader(br, f.Size)})
	}
	return out, nil
}

func dropControl(r rune) rune {
	if unicode.IsControl(r) {
		return -1
	}
	return r
}

// Sniff returns the MIME type of an accepted file from its first bytes
// (images and PDF), "" for anything else.
func Sniff(head []byte) string {
	if ct := http.DetectContentType(head); slices.Contains(acceptedTypes, ct) {
		return ct
	}
	switch {
	case bytes.HasPrefix(head, []byte("II*\x00")), bytes.HasPrefix(head, []byte("MM\x00*")):
		return "image/tiff"
	case len(head) >= 12 && string(head[4:8]) == "ftyp":
		switch string(head[8:12]) {
		case "heic", "heix", "heim", "heis", "hevc", "hevx":
			return "image/heic"
		case "mif1", "msf1", "heif":
			return "image/heif"
		}
	}
	return ""
}

var (
	slugDrop  = regexp.MustCompile(`[^\w\s-]`)
	slugSpace = regexp.MustCompile(`[-\s]+`)
)

// slugify is Django's: accents removed (NFKD then ASCII only), lower
// case, anything but letters, digits, "_", "-" and spaces dropped, runs
// of spaces and dashes made one dash, dashes and underscores trimmed.
func slugify(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
		}
	}
	v := slugDrop.ReplaceAllString(strings.ToLower(b.String()), "")
	return strings.Trim(slugSpace.ReplaceAllString(v, "-"), "-_")
}

// StorageName is the filename column: the slug of the name without its
// extension, then the extension (slugified too: it is part of a storage
// key). A name with nothing left becomes "fichier".
func StorageName(realname string) string {
	ext := path.Ext(realname)
	stem := strings.TrimSuffix(realname, ext)
	if stem == "" { // ".pdf"
		stem, ext = ext, ""
	}
	s := slugify(stem)
	if s == "" {
		s = "fichier"
	}
	if e := slugify(strings.TrimPrefix(ext, ".")); e != "" {
		s += "." + e
	}
	// uuid + "_" + name must fit the storage keys comfortably.
	if len(s) > 200 {
		s = s[len(s)-200:]
	}
	return s
}

// Attachments is the "files" map a text+files field stores for files:
// each file's row as POST /upload/ answers it, by uuid.
func Attachments(files []File) (map[string]json.RawMessage, error) {
	out := make(map[string]json.RawMessage, len(files))
	for _, f := range files {
		b, err := json.Marshal(f)
		if err != nil {
			return nil, err
		}
		out[f.UUID.String()] = b
	}
	return out, nil
}
