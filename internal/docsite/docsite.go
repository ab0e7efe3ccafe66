// Package docsite turns the Markdown of docs/ into a static HTML site (the
// published technical documentation). Links between pages are rewritten to
// .html and checked: a broken link fails the build, so it fails `make test`
// before it reaches the published site.
package docsite

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// Options of one build.
type Options struct {
	Src, Out string
	// RepoRoot is the repository the docs live in; links leaving Src to a
	// file of the repository point to RepoURL + its path.
	RepoRoot string
	RepoURL  string
	Title    string
}

// Page is one rendered Markdown file.
type Page struct {
	Source string // path relative to Src, with slashes
	Output string // path relative to Out
	Title  string
}

// Result lists the pages written.
type Result struct {
	Pages []Page
}

// BrokenLinksError lists every broken link, "file: link" each.
type BrokenLinksError struct{ Links []string }

func (e *BrokenLinksError) Error() string {
	return fmt.Sprintf("%d lien(s) cassé(s) dans la documentation :\n  %s", len(e.Links), strings.Join(e.Links, "\n  "))
}

// outputName maps a Markdown path to its page: README.md is the index of
// its folder.
func outputName(rel string) string {
	dir, file := path.Split(rel)
	if strings.EqualFold(file, "README.md") || strings.EqualFold(file, "index.md") {
		return dir + "index.html"
	}
	return dir + strings.TrimSuffix(file, path.Ext(file)) + ".html"
}

// Build renders every .md under Src into Out and copies the other files.
func Build(o Options) (Result, error) {
	var res Result
	if o.Title == "" {
		o.Title = "Documentation technique APiLos"
	}
	var sources []string
	var others []string
	err := filepath.WalkDir(o.Src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != o.Src && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		rel, _ := filepath.Rel(o.Src, p)
		rel = filepath.ToSlash(rel)
		if strings.EqualFold(path.Ext(rel), ".md") {
			sources = append(sources, rel)
		} else {
			others = append(others, rel)
		}
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("lecture de %s : %w", o.Src, err)
	}
	if len(sources) == 0 {
		return res, fmt.Errorf("aucun fichier Markdown dans %s", o.Src)
	}
	sort.Strings(sources)

	type rendered struct {
		page Page
		body []byte
	}
	var pages []rendered
	var broken []string
	for _, rel := range sources {
		src, err := os.ReadFile(filepath.Join(o.Src, filepath.FromSlash(rel)))
		if err != nil {
			return res, err
		}
		lr := &linkRewriter{opts: o, from: rel}
		md := goldmark.New(
			goldmark.WithExtensions(extension.GFM),
			goldmark.WithParserOptions(parser.WithAutoHeadingID(), parser.WithASTTransformers(util.Prioritized(lr, 100))),
			goldmark.WithRendererOptions(html.WithUnsafe()),
		)
		var body bytes.Buffer
		if err := md.Convert(src, &body); err != nil {
			return res, fmt.Errorf("%s : %w", rel, err)
		}
		broken = append(broken, lr.broken...)
		title := lr.title
		if title == "" {
			title = strings.TrimSuffix(path.Base(rel), path.Ext(rel))
		}
		pages = append(pages, rendered{Page{Source: rel, Output: outputName(rel), Title: title}, body.Bytes()})
	}
	if len(broken) > 0 {
		return res, &BrokenLinksError{Links: broken}
	}

	hasIndex := false
	for _, p := range pages {
		res.Pages = append(res.Pages, p.page)
		hasIndex = hasIndex || p.page.Output == "index.html"
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return res, err
	}
	for _, p := range pages {
		if err := writePage(o, p.page, template.HTML(p.body), res.Pages); err != nil {
			return res, err
		}
	}
	if !hasIndex {
		idx := Page{Output: "index.html", Title: o.Title}
		var b strings.Builder
		b.WriteString("<h1>" + template.HTMLEscapeString(o.Title) + "</h1>\n<ul>\n")
		for _, p := range res.Pages {
			fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a></li>\n", template.HTMLEscapeString(p.Output), template.HTMLEscapeString(p.Title))
		}
		b.WriteString("</ul>\n")
		if err := writePage(o, idx, template.HTML(b.String()), res.Pages); err != nil {
			return res, err
		}
	}
	for _, rel := range others {
		data, err := os.ReadFile(filepath.Join(o.Src, filepath.FromSlash(rel)))
		if err != nil {
			return res, err
		}
		dst := filepath.Join(o.Out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return res, err
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return res, err
		}
	}
	return res, nil
}

var layout = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Page.Title}} · {{.SiteTitle}}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;line-height:1.55;color:#161616;display:flex;min-height:100vh}
nav{flex:0 0 16rem;background:#f6f6f6;padding:1.5rem 1rem;border-right:1px solid #ddd}
nav a{display:block;color:#000091;text-decoration:none;padding:.2rem 0}
nav a[aria-current]{font-weight:700}
main{flex:1;max-width:52rem;padding:1.5rem 2.5rem}
a{color:#000091}
pre{background:#f6f6f6;padding:.75rem;overflow:auto}
code{font-size:.92em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
@media (max-width:48rem){body{display:block}nav{border-right:0;border-bottom:1px solid #ddd}}
</style>
</head>
<body>
<nav aria-label="Pages de la documentation">
<a href="{{.Root}}index.html"><strong>{{.SiteTitle}}</strong></a>
{{range .Pages}}{{if ne .Output "index.html"}}<a href="{{$.Root}}{{.Output}}"{{if eq .Output $.Page.Output}} aria-current="page"{{end}}>{{.Title}}</a>
{{end}}{{end}}</nav>
<main>
{{.Body}}
</main>
</body>
</html>
`))

func writePage(o Options, p Page, body template.HTML, all []Page) error {
	root := strings.Repeat("../", strings.Count(p.Output, "/"))
	var b bytes.Buffer
	err := layout.Execute(&b, map[string]any{"Page": p, "Pages": all, "Body": body, "SiteTitle": o.Title, "Root": root})
	if err != nil {
		return err
	}
	dst := filepath.Join(o.Out, filepath.FromSlash(p.Output))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, b.Bytes(), 0o644)
}

// linkRewriter points .md links to their .html page, links leaving docs/
// to the repository, notes the first title, and records broken links.
type linkRewriter struct {
	opts   Options
	from   string
	title  string
	broken []string
}

func (lr *linkRewriter) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if n.Level == 1 && lr.title == "" {
				lr.title = strings.TrimSpace(string(nodeText(n, src)))
			}
		case *ast.Link:
			n.Destination = []byte(lr.rewrite(string(n.Destination)))
		case *ast.Image:
			n.Destination = []byte(lr.rewrite(string(n.Destination)))
		}
		return ast.WalkContinue, nil
	})
}

func nodeText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b.Write(t.Segment.Value(src))
		} else {
			b.Write(nodeText(c, src))
		}
	}
	return b.Bytes()
}

func (lr *linkRewriter) rewrite(dest string) string {
	u, err := url.Parse(dest)
	if err != nil {
		lr.broken = append(lr.broken, lr.from+" : lien illisible "+dest)
		return dest
	}
	if u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasPrefix(u.Path, "/") {
		return dest // external, anchor-only or site-absolute: left alone
	}
	target := path.Clean(path.Join(path.Dir(lr.from), u.Path))
	if target == ".." || strings.HasPrefix(target, "../") {
		// Outside docs/: a file of the repository, linked on GitHub.
		if lr.opts.RepoRoot == "" {
			lr.broken = append(lr.broken, lr.from+" : "+dest+" sort de la documentation")
			return dest
		}
		srcAbs, _ := filepath.Abs(lr.opts.Src)
		repoAbs, _ := filepath.Abs(lr.opts.RepoRoot)
		abs := filepath.Join(srcAbs, filepath.FromSlash(target))
		rel, err := filepath.Rel(repoAbs, abs)
		if err != nil || strings.HasPrefix(rel, "..") || !exists(abs) {
			lr.broken = append(lr.broken, lr.from+" : "+dest+" (fichier introuvable)")
			return dest
		}
		out := strings.TrimRight(lr.opts.RepoURL, "/") + "/" + filepath.ToSlash(rel)
		if u.Fragment != "" {
			out += "#" + u.Fragment
		}
		return out
	}
	if !exists(filepath.Join(lr.opts.Src, filepath.FromSlash(target))) {
		lr.broken = append(lr.broken, lr.from+" : "+dest+" (fichier introuvable)")
		return dest
	}
	if !strings.EqualFold(path.Ext(target), ".md") {
		return dest
	}
	// Relative link from this page's output to the target's output.
	fromDir := path.Dir(outputName(lr.from))
	rel := relPath(fromDir, outputName(target))
	if u.Fragment != "" {
		rel += "#" + u.Fragment
	}
	return rel
}

func relPath(fromDir, to string) string {
	r, err := filepath.Rel(filepath.FromSlash(fromDir), filepath.FromSlash(to))
	if err != nil {
		return to
	}
	return filepath.ToSlash(r)
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil || !errors.Is(err, fs.ErrNotExist)
}
