// Package storage keeps the files of APiLos (signed conventions,
// publication deeds, generated documents, attachments) behind one
// interface: a local directory by default, an S3-compatible bucket
// (Scaleway) when configured. Keys are slash-separated paths such as
// "conventions/<uuid>/convention_docs/<name>.pdf" (spec workflows §7.2).
package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrNotFound is returned when no object has the key.
var ErrNotFound = errors.New("fichier introuvable dans le stockage")

// Storage stores, reads and removes objects by key.
type Storage interface {
	// Put writes the object, replacing any object of the same key.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) error
	// Get opens the object; the caller closes it. ErrNotFound if absent.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Exists reports whether an object has the key.
	Exists(ctx context.Context, key string) (bool, error)
	// Delete removes the object; deleting an absent key is not an error.
	Delete(ctx context.Context, key string) error
	// Copy duplicates src into dst (dst is replaced). ErrNotFound if src
	// is absent.
	Copy(ctx context.Context, src, dst string) error
}

// CleanKey checks a key and returns it without leading slash: relative,
// no "." or ".." segment. Empty segments are kept: S3 keys are literal and
// the reference wrote attachments under "…/media//<uuid>_<name>"; the
// local backend folds them into one directory level.
func CleanKey(key string) (string, error) {
	k := strings.TrimSpace(key)
	if k == "" {
		return "", errors.New("clé de stockage vide")
	}
	if strings.ContainsRune(k, 0) || strings.Contains(k, "\\") {
		return "", fmt.Errorf("clé de stockage %q invalide : caractère interdit", key)
	}
	k = strings.TrimLeft(k, "/")
	if k == "" || strings.HasSuffix(k, "/") {
		return "", fmt.Errorf("clé de stockage %q invalide", key)
	}
	for _, seg := range strings.Split(k, "/") {
		switch seg {
		case "..":
			return "", fmt.Errorf("clé de stockage %q invalide : « .. » interdit", key)
		case ".":
			return "", fmt.Errorf("clé de stockage %q invalide : « . » interdit", key)
		}
	}
	return k, nil
}

// Rename moves src to dst through Copy then Delete (S3 has no rename).
func Rename(ctx context.Context, s Storage, src, dst string) error {
	if err := s.Copy(ctx, src, dst); err != nil {
		return err
	}
	return s.Delete(ctx, src)
}

// Config selects the backend. With an access key and a bucket the S3
// backend is used, otherwise the local directory.
type Config struct {
	MediaRoot string // local directory (MEDIA_ROOT), default "media"
	// S3-compatible object storage (names of the reference .env.template).
	AccessKeyID     string // AWS_ACCESS_KEY_ID
	SecretAccessKey string // AWS_SECRET_ACCESS_KEY
	Bucket          string // AWS_STORAGE_BUCKET_NAME
	Endpoint        string // AWS_S3_ENDPOINT_URL, e.g. https://s3.fr-par.scw.cloud
	Region          string // AWS_S3_REGION_NAME, e.g. fr-par
}

// New opens the backend the configuration selects.
func New(ctx context.Context, c Config) (Storage, error) {
	if c.AccessKeyID != "" {
		return NewS3(ctx, c)
	}
	root := c.MediaRoot
	if root == "" {
		root = "media"
	}
	return NewLocal(root)
}
