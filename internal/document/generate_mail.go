package document

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"

	"github.com/MTES-MCT/apilos-go/internal/mail"
	"github.com/MTES-MCT/apilos-go/internal/storage"
)

// MaxMailAttachment is the largest PDF joined to the validation e-mail
// (the reference's 10 MiB); a larger one is left to the link in the text.
const MaxMailAttachment = 10 << 20

// ErrPDFNotReady: the generated PDF is not stored yet.
var ErrPDFNotReady = errors.New("le PDF de la convention n'est pas encore généré")

// MailAttachment returns the generated PDF of a convention as the file
// joined to its validation e-mail: none when larger than
// MaxMailAttachment, ErrPDFNotReady when absent (the sending waits).
func MailAttachment(ctx context.Context, st storage.Storage, id uuid.UUID) ([]mail.Attachment, error) {
	f, err := st.Get(ctx, PDFKey(id))
	if errors.Is(err, storage.ErrNotFound) {
		return nil, ErrPDFNotReady
	}
	if err != nil {
		return nil, fmt.Errorf("lecture du PDF à joindre : %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxMailAttachment+1))
	if err != nil {
		return nil, fmt.Errorf("lecture du PDF à joindre : %w", err)
	}
	if len(b) > MaxMailAttachment {
		return nil, nil
	}
	return []mail.Attachment{{Name: "convention_" + id.String() + ".pdf", ContentType: "application/pdf", Data: b}}, nil
}
