package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
)

// staticFiles holds our own committed assets (app.css, images) and, when
// scripts/assets.sh has run, the vendored DSFR and htmx files under vendor/.
// The build works without vendor/: pages then link files that answer 404.
//
//go:embed static
var staticFiles embed.FS

// contentTypes is explicit because the PaaS image may have no
// /etc/mime.types, and nosniff makes a wrong type fatal for fonts and scripts.
var contentTypes = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".ico":         "image/vnd.microsoft.icon",
	".webmanifest": "application/manifest+json",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".txt":         "text/plain; charset=utf-8",
}

// compressible lists the types worth gzipping (fonts are already compressed).
var compressible = map[string]bool{".css": true, ".js": true, ".mjs": true, ".svg": true, ".json": true, ".map": true, ".webmanifest": true, ".txt": true}

// assets serves the embedded static tree under /static/<version>/. The
// version is a digest of every file, so any change gives new URLs and the
// files can be cached for a year; relative URLs inside the CSS (fonts,
// icons) stay under the same versioned prefix.
type assets struct {
	fsys    fs.FS
	version string
	started time.Time
	gz      sync.Map // path -> []byte, gzipped once on first request
}

func newAssets() (*assets, error) {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, err
	}
	v, err := digest(sub)
	if err != nil {
		return nil, err
	}
	return &assets{fsys: sub, version: v, started: time.Now()}, nil
}

// digest hashes the names and contents of every file of fsys.
func digest(fsys fs.FS) (string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:12], nil
}

// URL is the versioned URL of a static file, e.g. URL("app.css").
func (a *assets) URL(name string) string {
	return "/static/" + a.version + "/" + strings.TrimPrefix(name, "/")
}

// Has reports whether the static file exists (vendor files may be absent).
func (a *assets) Has(name string) bool {
	_, err := fs.Stat(a.fsys, name)
	return err == nil
}

// ServeHTTP answers GET /static/{version}/{path...}.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("path")
	clean := path.Clean("/" + name)[1:]
	if clean == "" || clean != name {
		http.NotFound(w, r)
		return
	}
	b, err := fs.ReadFile(a.fsys, clean)
	if err != nil {
		// A directory or a missing file: plain 404, no HTML page for assets.
		http.NotFound(w, r)
		return
	}
	ext := path.Ext(clean)
	h := w.Header()
	if ct, ok := contentTypes[ext]; ok {
		h.Set("Content-Type", ct)
	} else {
		h.Set("Content-Type", "application/octet-stream")
	}
	if r.PathValue("version") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or made-up version (rolling deploy): serve today's file
		// but do not let caches pin it under that URL.
		h.Set("Cache-Control", "no-cache")
	}
	if compressible[ext] {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) && len(b) > 256 {
			h.Set("Content-Encoding", "gzip")
			b = a.gzipped(clean, b)
		}
	}
	http.ServeContent(w, r, "", a.started, bytes.NewReader(b))
}

func (a *assets) gzipped(name string, b []byte) []byte {
	if v, ok := a.gz.Load(name); ok {
		return v.([]byte)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	v, _ := a.gz.LoadOrStore(name, buf.Bytes())
	return v.([]byte)
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
			return true
		}
	}
	return false
}
