package programme

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/MTES-MCT/apilos-go/internal/fr"
)

// Date is a calendar date without time of day nor time zone: a DATE
// column. The zero Date is NULL.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the calendar date of t as written (no time zone conversion).
func DateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

// NewDate builds a date; it does not normalise impossible dates.
func NewDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

// ParseDate reads a date typed by a user or sent by a date input
// ("2024-03-15" or "15/03/2024"); "" is the zero date.
func ParseDate(s string) (Date, error) {
	if strings.TrimSpace(s) == "" {
		return Date{}, nil
	}
	t, err := fr.ParseDate(s)
	if err != nil {
		return Date{}, err
	}
	return DateOf(t), nil
}

// IsZero reports whether the date is NULL.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// Time is midnight UTC of the date (the zero time for NULL).
func (d Date) Time() time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// String is the ISO form "2006-01-02" (the value of a date input), "" for
// NULL.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// Short is "15/03/2024", "" for NULL.
func (d Date) Short() string {
	if d.IsZero() {
		return ""
	}
	return fr.DateShort(d.Time())
}

// Long is "15 mars 2024", "" for NULL.
func (d Date) Long() string {
	if d.IsZero() {
		return ""
	}
	return fr.DateLong(d.Time())
}

// Before reports whether d is strictly before e.
func (d Date) Before(e Date) bool { return d.Time().Before(e.Time()) }

// AddYears adds n years (29 February becomes 1 March, as Python's
// relativedelta would give 28 February; only the year and month are
// used by the rules).
func (d Date) AddYears(n int) Date { return DateOf(d.Time().AddDate(n, 0, 0)) }

// ScanDate lets pgx scan a DATE into a Date (NULL is the zero Date).
func (d *Date) ScanDate(v pgtype.Date) error {
	if !v.Valid {
		*d = Date{}
		return nil
	}
	*d = DateOf(v.Time)
	return nil
}

// DateValue lets pgx write a Date (the zero Date is NULL).
func (d Date) DateValue() (pgtype.Date, error) {
	if d.IsZero() {
		return pgtype.Date{}, nil
	}
	return pgtype.Date{Time: d.Time(), Valid: true}, nil
}

// TextFiles is a "text+files" column (data-model §0): free text and the
// uploaded files attached to it, stored as JSON in a text column. Legacy
// plain text reads as text without files. The files' metadata is kept as
// stored.
type TextFiles struct {
	Text  string
	Files map[string]json.RawMessage // by uploaded-file uuid
}

// ParseTextFiles reads a stored value; invalid JSON is plain text, a
// "files" value that is not an object counts as none.
func ParseTextFiles(s string) TextFiles {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "{") {
		return TextFiles{Text: s}
	}
	var raw struct {
		Text  *string         `json:"text"`
		Files json.RawMessage `json:"files"`
	}
	if err := json.Unmarshal([]byte(t), &raw); err != nil {
		return TextFiles{Text: s}
	}
	var tf TextFiles
	if raw.Text != nil {
		tf.Text = *raw.Text
	}
	var files map[string]json.RawMessage
	if len(raw.Files) > 0 && json.Unmarshal(raw.Files, &files) == nil && len(files) > 0 {
		tf.Files = files
	}
	return tf
}

// IsEmpty reports whether there is neither text nor file.
func (tf TextFiles) IsEmpty() bool { return strings.TrimSpace(tf.Text) == "" && len(tf.Files) == 0 }

// FileUUIDs lists the attached files' uuids, sorted.
func (tf TextFiles) FileUUIDs() []string {
	out := make([]string, 0, len(tf.Files))
	for k := range tf.Files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Encode is the stored form: "" when empty, else the reference's JSON
// ({"files": {...}, "text": "..."}).
func (tf TextFiles) Encode() string {
	if tf.IsEmpty() {
		return ""
	}
	var b bytes.Buffer
	b.WriteString(`{"files": {`)
	for i, k := range tf.FileUUIDs() {
		if i > 0 {
			b.WriteString(", ")
		}
		key, _ := json.Marshal(k)
		b.Write(key)
		b.WriteString(": ")
		b.Write(tf.Files[k])
	}
	b.WriteString(`}, "text": `)
	text, _ := json.Marshal(tf.Text)
	b.Write(text)
	b.WriteString("}")
	return b.String()
}

// WithText is tf with its text replaced, files kept.
func (tf TextFiles) WithText(text string) TextFiles { return TextFiles{Text: text, Files: tf.Files} }

// FileEdit is what a form changes in the files of one text+files field:
// the files just stored (metadata as JSON, by uuid) and the uuids to
// detach. Detaching a file that is not attached changes nothing.
type FileEdit struct {
	Add    map[string]json.RawMessage
	Remove []string
}

// FileEdits are the file edits of a step's text+files fields, by column.
type FileEdits map[string]FileEdit

// apply is tf with the edit of column name applied, text kept.
func (e FileEdits) apply(name string, tf TextFiles) TextFiles {
	ed, ok := e[name]
	if !ok {
		return tf
	}
	files := make(map[string]json.RawMessage, len(tf.Files)+len(ed.Add))
	for k, v := range tf.Files {
		files[k] = v
	}
	for _, k := range ed.Remove {
		delete(files, k)
	}
	for k, v := range ed.Add {
		files[k] = v
	}
	if len(files) == 0 {
		files = nil
	}
	return TextFiles{Text: tf.Text, Files: files}
}

// edit is the value of the text+files column name after a step: the
// stored files with the column's file edit applied, and text.
func (e FileEdits) edit(name string, stored TextFiles, text string) TextFiles {
	return e.apply(name, stored).WithText(text)
}

// textFilesChanged reports whether a and b differ in text or files.
func textFilesChanged(a, b TextFiles) bool { return a.Text != b.Text || !sameFiles(a, b) }

// sameFiles reports whether a and b hold the same files.
func sameFiles(a, b TextFiles) bool {
	if len(a.Files) != len(b.Files) {
		return false
	}
	for k, v := range a.Files {
		if w, ok := b.Files[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}

// AttachedFile is one file of a text+files field as the form lists it.
type AttachedFile struct {
	UUID string
	Name string
}

// Attached lists the files, by uuid, named by their stored metadata
// (realname, else filename, else the uuid).
func (tf TextFiles) Attached() []AttachedFile {
	var out []AttachedFile
	for _, id := range tf.FileUUIDs() {
		var meta struct {
			Realname string `json:"realname"`
			Filename string `json:"filename"`
		}
		_ = json.Unmarshal(tf.Files[id], &meta)
		name := meta.Realname
		if name == "" {
			name = meta.Filename
		}
		if name == "" {
			name = id
		}
		out = append(out, AttachedFile{UUID: id, Name: name})
	}
	return out
}

// TextFilesOf is the stored value of the text+files column name of the
// convention or its programme (zero for another column).
func (c *Content) TextFilesOf(name string) TextFiles {
	p := &c.Programme
	switch name {
	case "vendeur":
		return p.Vendeur
	case "acquereur":
		return p.Acquereur
	case "reference_notaire":
		return p.ReferenceNotaire
	case "reference_publication_acte":
		return p.ReferencePublicationActe
	case "edd_volumetrique":
		return p.EDDVolumetrique
	case "edd_classique":
		return p.EDDClassique
	case "edd_stationnements":
		return p.EDDStationnements
	case "commentaires":
		return c.Convention.Commentaires
	}
	return TextFiles{}
}
