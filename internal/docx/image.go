package docx

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	_ "image/gif" // decoders read the image size
	_ "image/jpeg"
	_ "image/png"
	"strings"
)

// Length is a size in the document, in EMU (English Metric Units).
type Length int64

// Units of Length.
const (
	EMU  Length = 1
	Inch Length = 914400
	Cm   Length = 360000
	Mm   Length = 36000
	Pt   Length = 12700
)

// pixel is one pixel at 96 dpi, the size Word gives an image of unknown
// resolution.
const pixel = Inch / 96

// Image is a picture placed where a tag outputs it: {{ img }} inside a
// text, {{r img }} as a run of its own, {{p img }} as a paragraph of its
// own. The same picture used many times is stored once in the document.
type Image struct {
	Name   string // file name: the picture's description, and named in errors
	Data   []byte // PNG, JPEG or GIF
	Width  Length // shown width; 0 keeps the natural width (96 dpi)
	Height Length // shown height; 0 keeps the aspect ratio
}

// media is an image file added to the package.
type media struct {
	name          string // zip entry, "word/media/docx-image-1.png"
	width, height int    // pixels
}

var imageTypes = map[string]string{"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif"}

// addImage stores the image's bytes in the package once and returns its
// media entry.
func (p *pkg) addImage(img *Image) (*media, error) {
	sum := sha256.Sum256(img.Data)
	if m, ok := p.media[sum]; ok {
		return m, nil
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img.Data))
	if _, known := imageTypes[format]; err != nil || !known || cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, frenchf("L'image « %s » n'a pas pu être traitée. Veuillez vérifier que le fichier est une image valide (PNG, JPEG) et réessayer.", img.Name)
	}
	ext := format
	if ext == "jpeg" {
		ext = "jpg"
	}
	var name string
	for n := len(p.media) + 1; ; n++ {
		name = fmt.Sprintf("word/media/docx-image-%d.%s", n, ext)
		if !p.has(name) {
			break
		}
	}
	m := &media{name: name, width: cfg.Width, height: cfg.Height}
	p.media[sum] = m
	p.added = append(p.added, entry{name: name, data: img.Data})
	p.defaultType(ext, imageTypes[format])
	return m, nil
}

// size is the shown size of the image, in EMU.
func (img *Image) size(m *media) (cx, cy Length) {
	w, h := Length(m.width), Length(m.height)
	switch {
	case img.Width > 0 && img.Height > 0:
		return img.Width, img.Height
	case img.Width > 0:
		return img.Width, img.Width * h / w
	case img.Height > 0:
		return img.Height * w / h, img.Height
	}
	return w * pixel, h * pixel
}

// drawing is the run content showing img in the part being rendered. The
// namespaces are declared on the elements, so the snippet is valid in any
// part. docPr ids are renumbered once the whole document is rendered.
func (p *pkg) drawing(part string, img *Image) (string, error) {
	m, err := p.addImage(img)
	if err != nil {
		return "", err
	}
	rID := p.relationship(part, imageRelType, m.name)
	cx, cy := img.size(m)
	descr := escapeText(img.Name)
	var b strings.Builder
	fmt.Fprintf(&b, `<w:drawing><wp:inline xmlns:wp="%s" distT="0" distB="0" distL="0" distR="0">`, nsWP)
	fmt.Fprintf(&b, `<wp:extent cx="%d" cy="%d"/><wp:docPr id="1" name="Image" descr="%s"/>`, cx, cy, descr)
	fmt.Fprintf(&b, `<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="%s" noChangeAspect="1"/></wp:cNvGraphicFramePr>`, nsA)
	fmt.Fprintf(&b, `<a:graphic xmlns:a="%s"><a:graphicData uri="%s">`, nsA, nsPic)
	fmt.Fprintf(&b, `<pic:pic xmlns:pic="%s"><pic:nvPicPr><pic:cNvPr id="0" name="%s"/><pic:cNvPicPr/></pic:nvPicPr>`, nsPic, descr)
	fmt.Fprintf(&b, `<pic:blipFill><a:blip xmlns:r="%s" r:embed="%s"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>`, nsR, rID)
	fmt.Fprintf(&b, `<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>`, cx, cy)
	b.WriteString(`</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>`)
	return b.String(), nil
}

const (
	nsWP         = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
	nsA          = "http://schemas.openxmlformats.org/drawingml/2006/main"
	nsPic        = "http://schemas.openxmlformats.org/drawingml/2006/picture"
	nsR          = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	imageRelType = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"
)
