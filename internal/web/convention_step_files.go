package web

// The files of the text+files fields of a step's form: posted with the
// form (multipart, no JavaScript needed), stored by the upload domain in
// the step's transaction, attached to or detached from their field by
// programme.Save.

import (
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"reflect"

	"github.com/jackc/pgx/v5"

	"github.com/MTES-MCT/apilos-go/internal/access"
	"github.com/MTES-MCT/apilos-go/internal/programme"
	"github.com/MTES-MCT/apilos-go/internal/upload"
)

// stepFilesPosted is what the form posts for one text+files field: the
// new files (input "<name>-fichiers") and the uuids ticked "Retirer"
// (boxes "<name>-retirer").
type stepFilesPosted struct {
	f        fieldDesc
	incoming []upload.Incoming
	remove   []string
}

// postedFiles reads the files and removals of the step's text+files
// fields. cleanup closes the opened files (the input layer removes their
// temporary copies).
func (st *stepCtx) postedFiles(r *http.Request) (out []stepFilesPosted, cleanup func(), err error) {
	var opened []multipart.File
	cleanup = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	for _, g := range st.desc.groups {
		for _, f := range g.fields {
			if f.kind != kindTextFiles {
				continue
			}
			p := stepFilesPosted{f: f, remove: r.PostForm[f.name+"-retirer"]}
			if r.MultipartForm != nil {
				for _, fh := range r.MultipartForm.File[f.name+"-fichiers"] {
					if fh.Filename == "" && fh.Size == 0 {
						continue // an empty file input
					}
					body, err := fh.Open()
					if err != nil {
						return nil, cleanup, err
					}
					opened = append(opened, body)
					p.incoming = append(p.incoming, upload.Incoming{Name: fh.Filename, Size: fh.Size, Body: body})
				}
			}
			if len(p.incoming) > 0 || len(p.remove) > 0 {
				out = append(out, p)
			}
		}
	}
	return out, cleanup, nil
}

// storeStepFiles stores the new files of each field through the upload
// domain (scope, type and size checks, pending antivirus scan) in tx, and
// returns the edits of the fields and the storage keys written. A refused
// file is an *upload.Error naming the field.
func (c *conventions) storeStepFiles(ctx context.Context, tx pgx.Tx, st *stepCtx, posted []stepFilesPosted) (programme.FileEdits, []string, error) {
	if len(posted) == 0 {
		return nil, nil, nil
	}
	edits := programme.FileEdits{}
	var keys []string
	for _, p := range posted {
		e := programme.FileEdit{Remove: p.remove}
		if len(p.incoming) > 0 {
			if c.storage == nil {
				return nil, keys, errNoStorage
			}
			// Filed under the field's owner, as the reference's widget did.
			target := upload.Target{Kind: upload.OwnerProgramme, UUID: st.content.Programme.UUID}
			if p.f.object == programme.ObjConvention {
				target = upload.Target{Kind: upload.OwnerConvention, UUID: st.content.Convention.UUID}
			}
			saved, written, err := upload.Save(ctx, tx, c.storage, access.FromContext(ctx), target, p.incoming)
			keys = append(keys, written...)
			var refusal *upload.Error
			if errors.As(err, &refusal) {
				return nil, keys, &upload.Error{Field: p.f.name, Message: programme.FieldLabel(p.f.object, p.f.name) + " : " + refusal.Message}
			}
			if err != nil {
				return nil, keys, err
			}
			e.Add, err = upload.Attachments(saved)
			if err != nil {
				return nil, keys, err
			}
		}
		edits[p.f.name] = e
	}
	return edits, keys, nil
}

// withFileEdits is in with its Files set (inputs without text+files
// fields are returned unchanged).
func withFileEdits(in programme.Input, e programme.FileEdits) programme.Input {
	if e == nil {
		return in
	}
	v := addressable(in)
	if f := v.FieldByName("Files"); f.IsValid() && f.Type() == reflect.TypeOf(e) {
		f.Set(reflect.ValueOf(e))
	}
	return v.Interface().(programme.Input)
}

// discardStored removes the objects of files whose rows were rolled back.
func (c *conventions) discardStored(ctx context.Context, keys []string) {
	for _, k := range keys {
		if err := c.storage.Delete(context.WithoutCancel(ctx), k); err != nil {
			c.s.log.Warn("fichier orphelin non supprimé du stockage", "key", k, "err", err)
		}
	}
}
