package document

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/document/templates"
	"github.com/MTES-MCT/apilos-go/internal/docx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// Document is a produced Word document.
type Document struct {
	Name string // file name without extension
	Docx []byte
	// Template is the template used, "" when the convention's uploaded
	// CERFA was returned as is (Override).
	Template string
	// Override: the document is the convention's uploaded CERFA
	// (fichier_override_cerfa, spec workflows §6.2), not a generation.
	Override bool
}

// Error is a document that cannot be produced for a reason the user can
// fix (the type I/II not chosen, an image that is not one, a template
// error); its message is French.
type Error struct {
	Message string
	Err     error // the renderer's error, when there is one
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Option changes a build.
type Option func(*options)

type options struct {
	store            storage.Storage
	withoutFiligrane bool
	today            time.Time
}

// WithStorage gives the storage of uploaded files: the images inserted in
// the document and the convention's uploaded CERFA come from it. Without
// it, the document has no image and the uploaded CERFA is ignored.
func WithStorage(st storage.Storage) Option { return func(o *options) { o.store = st } }

// WithoutFiligrane renders the convention as if it were "à signer" (no
// watermark), without saving anything (spec workflows §6.3).
func WithoutFiligrane() Option { return func(o *options) { o.withoutFiligrane = true } }

// WithToday sets the day of reference (nombre_annees_conventionnement);
// today in Paris by default.
func WithToday(t time.Time) Option { return func(o *options) { o.today = t } }

func optionsOf(opts []Option) options {
	o := options{today: time.Now().In(paris)}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// Build produces the Word document of the convention (or avenant) id:
// its uploaded CERFA when it has one (and a storage is given), else the
// template of spec workflows §6.1 rendered with the context of §6.3.
// ErrNotFound when the convention does not exist; *Error when the
// document cannot be produced for a reason the user can fix.
func Build(ctx context.Context, q Querier, conventionID int64, opts ...Option) (*Document, error) {
	o := optionsOf(opts)
	s, err := load(ctx, q, conventionID, true)
	if err != nil {
		return nil, err
	}
	if o.store != nil {
		if doc, err := override(ctx, q, o.store, s); doc != nil || err != nil {
			return doc, err
		}
	}
	name, err := TemplateFor(factsOf(s))
	if err != nil {
		return nil, err
	}
	imgs, err := loadImages(ctx, q, o.store, s)
	if err != nil {
		return nil, err
	}
	out, err := render(name, contextOf(s, imgs, o))
	if err != nil {
		return nil, err
	}
	return &Document{Name: FileName(conventionString(s.content)), Docx: out, Template: name}, nil
}

// BuildFicheCAF produces the fiche CAF of the convention id (spec
// workflows §6.4).
func BuildFicheCAF(ctx context.Context, q Querier, conventionID int64, opts ...Option) (*Document, error) {
	o := optionsOf(opts)
	s, err := load(ctx, q, conventionID, false)
	if err != nil {
		return nil, err
	}
	out, err := render(TplFicheCAF, ficheCAFContext(s, o))
	if err != nil {
		return nil, err
	}
	return &Document{Name: "ficheCAF_" + FileName(conventionString(s.content)), Docx: out, Template: TplFicheCAF}, nil
}

// render renders one of the project's templates.
func render(name string, ctx map[string]any) ([]byte, error) {
	tpl, err := templates.FS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("modèle %s absent : %w", name, err)
	}
	out, err := docx.Render(name, tpl, ctx)
	if err != nil {
		var de *docx.Error
		if errors.As(err, &de) {
			return nil, &Error{Message: de.Error(), Err: err}
		}
		return nil, err
	}
	return out, nil
}

// FileName is the name of a generated document: str(convention) folded
// to ASCII (spec workflows §6.4), characters unsafe in a file name
// replaced.
func FileName(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r > unicode.MaxASCII:
			b.WriteRune('_')
		case strings.ContainsRune(`/\:*?"<>|`, r) || r < ' ':
			b.WriteRune('_')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// override returns the convention's uploaded CERFA (spec workflows §6.2),
// nil when there is none.
func override(ctx context.Context, q Querier, st storage.Storage, s *source) (*Document, error) {
	tf := programme.ParseTextFiles(s.overrideCerfa)
	ids := tf.FileUUIDs()
	if len(ids) == 0 {
		return nil, nil
	}
	ref := &access.ConventionRef{ID: s.conv.ID, UUID: s.conv.UUID.String(), ProgrammeID: s.conv.ProgrammeID}
	f, body, err := upload.Open(ctx, q, st, ref, ids[0])
	if errors.Is(err, upload.ErrQuarantined) {
		return nil, &Error{Message: "Le document CERFA téléversé a été mis en quarantaine par l'antivirus : téléversez-en un autre.", Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du document CERFA téléversé : %w", err)
	}
	defer body.Close()
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("lecture du document CERFA téléversé : %w", err)
	}
	name := strings.TrimSuffix(f.Realname, path.Ext(f.Realname))
	return &Document{Name: name, Docx: data, Override: true}, nil
}
