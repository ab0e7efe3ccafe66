package storage

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

func TestCleanKey(t *testing.T) {
	for _, tc := range []struct{ in, want, err string }{
		{"conventions/u/convention_docs/a.pdf", "conventions/u/convention_docs/a.pdf", ""},
		// The reference's attachment keys keep their double slash.
		{"conventions/u/media//x.pdf", "conventions/u/media//x.pdf", ""},
		{"a/./b", "", "« . »"},
		{"a/", "", "invalide"},
		{"/abs/key", "abs/key", ""},
		{"", "", "vide"},
		{"a/../b", "", ".."},
		{"..", "", ".."},
		{"a\\b", "", "interdit"},
		{"/", "", "invalide"},
	} {
		got, err := CleanKey(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("CleanKey(%q) = %q, %v ; erreur attendue contenant %q", tc.in, got, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("CleanKey(%q) = %q, %v ; attendu %q", tc.in, got, err, tc.want)
		}
	}
}

// contract runs the same checks on every backend.
func contract(t *testing.T, s Storage) {
	ctx := context.Background()
	key := "conventions/0b5e/convention_docs/convention_75.D.26.0001_2026-03-15_10-00.pdf"
	if ok, err := s.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists avant écriture = %v, %v", ok, err)
	}
	if _, err := s.Get(ctx, key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get d'un fichier absent : %v, attendu ErrNotFound", err)
	}
	body := []byte("%PDF-1.4 contenu signé")
	if err := s.Put(ctx, key, bytes.NewReader(body), int64(len(body)), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	if ok, err := s.Exists(ctx, key); err != nil || !ok {
		t.Fatalf("Exists après écriture = %v, %v", ok, err)
	}
	read := func(k string) []byte {
		t.Helper()
		r, err := s.Get(ctx, k)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if got := read(key); !bytes.Equal(got, body) {
		t.Fatalf("contenu relu %q, attendu %q", got, body)
	}
	// Replace.
	body2 := []byte("%PDF-1.4 nouvelle version")
	if err := s.Put(ctx, key, bytes.NewReader(body2), int64(len(body2)), ""); err != nil {
		t.Fatal(err)
	}
	if got := read(key); !bytes.Equal(got, body2) {
		t.Fatalf("contenu remplacé %q, attendu %q", got, body2)
	}
	// Rename (copy + delete).
	dst := strings.TrimSuffix(key, ".pdf") + "_cancelled_on_20260315-100000.pdf"
	if err := Rename(ctx, s, key, dst); err != nil {
		t.Fatal(err)
	}
	if ok, _ := s.Exists(ctx, key); ok {
		t.Error("la source existe encore après Rename")
	}
	if got := read(dst); !bytes.Equal(got, body2) {
		t.Fatalf("contenu renommé %q", got)
	}
	if err := s.Copy(ctx, "absent/key.pdf", "x/y.pdf"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Copy d'une source absente : %v, attendu ErrNotFound", err)
	}
	if err := s.Delete(ctx, dst); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, dst); err != nil {
		t.Errorf("Delete d'un fichier absent : %v", err)
	}
	if ok, _ := s.Exists(ctx, dst); ok {
		t.Error("le fichier existe encore après Delete")
	}
	if err := s.Put(ctx, "../evil", strings.NewReader("x"), 1, ""); err == nil {
		t.Error("clé avec .. acceptée")
	}
	// An attachment key of the reference, double slash included.
	att := "programmes/0b5e/media//5f0c_photo.jpg"
	if err := s.Put(ctx, att, strings.NewReader("jpeg"), 4, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	if got := read(att); string(got) != "jpeg" {
		t.Errorf("pièce jointe relue %q", got)
	}
}

func TestLocal(t *testing.T) {
	dir := t.TempDir()
	s, err := New(context.Background(), Config{MediaRoot: dir})
	if err != nil {
		t.Fatal(err)
	}
	l, ok := s.(*Local)
	if !ok {
		t.Fatalf("New sans clé S3 = %T, attendu *Local", s)
	}
	contract(t, s)
	// Objects are plain files under the root, directories created on demand.
	if err := s.Put(context.Background(), "spf/u/publication/p.pdf", strings.NewReader("p"), 1, ""); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(l.Root(), "spf", "u", "publication", "p.pdf"))
	if err != nil || string(b) != "p" {
		t.Fatalf("fichier sur disque : %q, %v", b, err)
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Join(l.Root(), "spf", "u", "publication"))
	if len(entries) != 1 {
		t.Errorf("%d fichiers dans le dossier, attendu 1", len(entries))
	}
}

// The S3 backend runs the same contract against an in-memory fake S3
// server over HTTP (path-style requests, signature not verified by the
// fake: authentication itself is not tested here).
func TestS3(t *testing.T) {
	backend := s3mem.New()
	faker := gofakes3.New(backend)
	srv := httptest.NewServer(faker.Server())
	t.Cleanup(srv.Close)
	if err := backend.CreateBucket("apilos-test"); err != nil {
		t.Fatal(err)
	}
	s, err := New(context.Background(), Config{
		AccessKeyID: "AK", SecretAccessKey: "SK", Bucket: "apilos-test",
		Endpoint: srv.URL, Region: "fr-par",
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.(*S3); !ok {
		t.Fatalf("New avec clé S3 = %T, attendu *S3", s)
	}
	contract(t, s)
}

func TestS3ConfigErrors(t *testing.T) {
	_, err := New(context.Background(), Config{AccessKeyID: "AK", Endpoint: "https://s3.fr-par.scw.cloud"})
	if err == nil || !strings.Contains(err.Error(), "AWS_STORAGE_BUCKET_NAME") {
		t.Errorf("sans bucket : %v", err)
	}
	_, err = New(context.Background(), Config{AccessKeyID: "AK", Bucket: "b"})
	if err == nil || !strings.Contains(err.Error(), "AWS_S3_ENDPOINT_URL") {
		t.Errorf("sans endpoint : %v", err)
	}
}
