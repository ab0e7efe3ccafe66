package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/gif" // GIF attachments
	"image/jpeg"
	"image/png"
	"io"
	"strings"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/docx"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/storage"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// imageFields are the programme fields whose uploaded images the
// documents show, as <name>_images (spec workflows §6.3).
var imageFields = []string{"vendeur", "acquereur", "reference_notaire", "reference_publication_acte",
	"reference_cadastrale", "effet_relatif", "edd_volumetrique", "edd_classique", "edd_stationnements"}

// MsgImage refuses a file that is not a usable picture.
func MsgImage(name string) string {
	return fmt.Sprintf("L'image « %s » n'a pas pu être traitée. Veuillez vérifier que le fichier est une image valide (PNG, JPEG) et réessayer.", name)
}

// loadImages reads the pictures attached to the programme's fields, 5
// inches wide. Files that are not pictures (PDF...) are left out; a
// quarantined file too.
func loadImages(ctx context.Context, q Querier, st storage.Storage, s *source) (map[string][]docx.Image, error) {
	out := map[string][]docx.Image{}
	if st == nil {
		return out, nil
	}
	p := s.content.Programme
	fields := map[string][]string{
		"vendeur": p.Vendeur.FileUUIDs(), "acquereur": p.Acquereur.FileUUIDs(),
		"reference_notaire": p.ReferenceNotaire.FileUUIDs(), "reference_publication_acte": p.ReferencePublicationActe.FileUUIDs(),
		"reference_cadastrale": filesOf(p.ReferenceCadastrale), "effet_relatif": filesOf(p.EffetRelatif),
		"edd_volumetrique": p.EDDVolumetrique.FileUUIDs(), "edd_classique": p.EDDClassique.FileUUIDs(),
		"edd_stationnements": p.EDDStationnements.FileUUIDs(),
	}
	ref := &access.ConventionRef{ID: s.conv.ID, UUID: s.conv.UUID.String(), ProgrammeID: s.conv.ProgrammeID}
	for _, name := range imageFields {
		for _, id := range fields[name] {
			f, body, err := upload.Open(ctx, q, st, ref, id)
			if errors.Is(err, upload.ErrNotFound) || errors.Is(err, upload.ErrQuarantined) {
				continue
			}
			if err != nil {
				return nil, err
			}
			data, err := io.ReadAll(body)
			body.Close()
			if err != nil {
				return nil, err
			}
			img, ok, err := normaliseImage(f.Realname, data)
			if err != nil {
				return nil, &Error{Message: MsgImage(f.Realname), Err: err}
			}
			if ok {
				out[name] = append(out[name], img)
			}
		}
	}
	return out, nil
}

// filesOf lists the file uuids of a files-only column.
func filesOf(stored string) []string {
	return programme.ParseTextFiles(stored).FileUUIDs()
}

// normaliseImage makes a picture Word shows everywhere: pictures with
// transparency or a palette become PNG, others JPEG (quality 95). A file
// that is not a picture (a PDF...) is skipped (false); a picture that
// cannot be decoded is an error.
func normaliseImage(name string, data []byte) (docx.Image, bool, error) {
	if !strings.HasPrefix(upload.Sniff(data), "image/") {
		return docx.Image{}, false, nil
	}
	src, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return docx.Image{}, false, err
	}
	var buf bytes.Buffer
	switch src.(type) {
	case *image.Paletted, *image.NRGBA, *image.NRGBA64, *image.RGBA, *image.RGBA64:
		err = png.Encode(&buf, src)
	default:
		err = jpeg.Encode(&buf, src, &jpeg.Options{Quality: 95})
	}
	if err != nil {
		return docx.Image{}, false, err
	}
	return docx.Image{Name: name, Data: buf.Bytes(), Width: 5 * docx.Inch}, true, nil
}
