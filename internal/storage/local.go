package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// Local stores objects as files under a root directory; directories are
// created on demand.
type Local struct {
	root string
}

// NewLocal returns a local storage rooted at dir (created if missing).
func NewLocal(dir string) (*Local, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("répertoire de stockage %q : %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o750); err != nil {
		return nil, fmt.Errorf("création du répertoire de stockage %q : %w", abs, err)
	}
	return &Local{root: abs}, nil
}

// Root is the directory holding the objects.
func (l *Local) Root() string { return l.root }

func (l *Local) path(key string) (string, error) {
	k, err := CleanKey(key)
	if err != nil {
		return "", err
	}
	return filepath.Join(l.root, filepath.FromSlash(k)), nil
}

// Put writes to a temporary file then renames it, so a reader never sees
// a half-written object.
func (l *Local) Put(_ context.Context, key string, r io.Reader, _ int64, _ string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
		return fmt.Errorf("stockage de %q : %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".upload-*")
	if err != nil {
		return fmt.Errorf("stockage de %q : %w", key, err)
	}
	_, err = io.Copy(tmp, r)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("stockage de %q : %w", key, err)
	}
	return nil
}

// Get opens the file.
func (l *Local) Get(_ context.Context, key string) (io.ReadCloser, error) {
	p, err := l.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w : %s", ErrNotFound, key)
	}
	if err != nil {
		return nil, fmt.Errorf("lecture de %q : %w", key, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%w : %s", ErrNotFound, key)
	}
	return f, nil
}

// Exists reports whether a regular file has the key.
func (l *Local) Exists(_ context.Context, key string) (bool, error) {
	p, err := l.path(key)
	if err != nil {
		return false, err
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return st.Mode().IsRegular(), nil
}

// Delete removes the file.
func (l *Local) Delete(_ context.Context, key string) error {
	p, err := l.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("suppression de %q : %w", key, err)
	}
	return nil
}

// Copy duplicates the file.
func (l *Local) Copy(ctx context.Context, src, dst string) error {
	r, err := l.Get(ctx, src)
	if err != nil {
		return err
	}
	defer r.Close()
	return l.Put(ctx, dst, r, -1, "")
}
