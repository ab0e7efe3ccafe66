package document

import (
	"context"

	"github.com/MTES-MCT/apilos-go/internal/convention"
	"github.com/MTES-MCT/apilos-go/internal/db"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// Source is the file shown as a convention's document.
type Source string

// Sources, in the reference's order of preference (spec workflows §6.4).
const (
	SourceSigned Source = "signe" // the signed document, once validated
	SourcePDF    Source = "pdf"   // the generated PDF
	SourceDocx   Source = "docx"  // the generated .docx (no PDF yet)
	SourceNone   Source = ""
)

// Shown is the document of a convention as displayed.
type Shown struct {
	Source      Source
	Key         string // storage key
	Name        string // file name for the browser
	ContentType string
}

// signedShownStatuts show the signed document when there is one.
var signedShownStatuts = append(append([]convention.Statut(nil), convention.ValidatedStatuts...), convention.Annulee)

// Displayed picks the document of c to display: its signed document when
// validated (A_SIGNER … ANNULEE) and deposited (or quarantined by the
// antivirus: the caller says so), else the generated PDF, else the
// generated .docx, else none.
func Displayed(ctx context.Context, q db.Querier, st storage.Storage, c *convention.Convention) (Shown, error) {
	id := c.UUID.String()
	candidates := []Shown{
		{SourcePDF, PDFKey(c.UUID), id + ".pdf", "application/pdf"},
		{SourceDocx, DocxKey(c.UUID), id + ".docx", DocxContentType},
	}
	if c.Statut.In(signedShownStatuts...) && c.NomFichierSigne != "" {
		signed := Shown{SourceSigned, convention.SignedKey(c.UUID, c.NomFichierSigne), c.NomFichierSigne, "application/pdf"}
		quarantined, err := upload.Quarantined(ctx, q, signed.Key)
		if err != nil {
			return Shown{}, err
		}
		if quarantined {
			return signed, nil
		}
		candidates = append([]Shown{signed}, candidates...)
	}
	for _, s := range candidates {
		ok, err := st.Exists(ctx, s.Key)
		if err != nil {
			return Shown{}, err
		}
		if ok {
			return s, nil
		}
	}
	return Shown{}, nil
}

// Preview is what the preview page of a convention shows.
type Preview struct {
	Shown      Shown
	Generation *Generation // nil: never requested
	// Task is the generation requested by this opening, to enqueue after
	// the commit; nil when none is needed.
	Task *Task
}

// Generating reports whether a document is being prepared.
func (p *Preview) Generating() bool {
	return p.Generation != nil && (p.Generation.State == Pending || p.Generation.State == Running)
}

// OpenPreview reads what to show for c and, unless its signed document
// is shown, requests a new generation when NeedsGeneration says so.
func OpenPreview(ctx context.Context, q db.Querier, st storage.Storage, c *convention.Convention) (*Preview, error) {
	shown, err := Displayed(ctx, q, st, c)
	if err != nil {
		return nil, err
	}
	p := &Preview{Shown: shown}
	if p.Generation, err = Status(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if shown.Source == SourceSigned || !NeedsGeneration(p.Generation, c.Statut) {
		return p, nil
	}
	t, err := Request(ctx, q, c.ID, false)
	if err != nil {
		return nil, err
	}
	p.Task = &t
	if p.Generation, err = Status(ctx, q, c.ID); err != nil {
		return nil, err
	}
	return p, nil
}
