package docsite

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBuild(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"Makefile":            "test:\n",
		"docs/README.md":      "# Accueil\n\nVoir [le déploiement](DEPLOIEMENT.md#staging) et [le Makefile](../Makefile).\n",
		"docs/DEPLOIEMENT.md": "# Déploiement\n\n## Staging\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![schéma](img/schema.svg)\n[retour](README.md)\n",
		"docs/ops/SOUS.md":    "# Sous-page\n\n[haut](../DEPLOIEMENT.md)\n",
		"docs/img/schema.svg": "<svg/>",
	})
	out := filepath.Join(t.TempDir(), "site")
	res, err := Build(Options{Src: filepath.Join(repo, "docs"), Out: out, RepoRoot: repo, RepoURL: "https://example.test/blob/main"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 3 {
		t.Fatalf("%d pages, attendu 3", len(res.Pages))
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	index := read("index.html")
	for _, want := range []string{`href="DEPLOIEMENT.html#staging"`, `href="https://example.test/blob/main/Makefile"`, "<title>Accueil", `lang="fr"`} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html sans %q :\n%s", want, index)
		}
	}
	dep := read("DEPLOIEMENT.html")
	for _, want := range []string{`<table>`, `id="staging"`, `src="img/schema.svg"`, `href="index.html"`, `aria-current="page">Déploiement`} {
		if !strings.Contains(dep, want) {
			t.Errorf("DEPLOIEMENT.html sans %q", want)
		}
	}
	if sub := read("ops/SOUS.html"); !strings.Contains(sub, `href="../DEPLOIEMENT.html"`) || !strings.Contains(sub, `href="../index.html"`) {
		t.Errorf("liens relatifs d'une sous-page :\n%s", sub)
	}
	if read("img/schema.svg") != "<svg/>" {
		t.Error("image non copiée")
	}
}

func TestBuildBrokenLinks(t *testing.T) {
	repo := t.TempDir()
	write(t, repo, map[string]string{
		"docs/A.md": "# A\n\n[manque](MANQUE.md) [dehors](../absent.sh) [ok](https://example.test/x.md) [ancre](#a)\n",
	})
	_, err := Build(Options{Src: filepath.Join(repo, "docs"), Out: t.TempDir(), RepoRoot: repo})
	var be *BrokenLinksError
	if !errors.As(err, &be) || len(be.Links) != 2 || !strings.Contains(err.Error(), "MANQUE.md") || !strings.Contains(err.Error(), "../absent.sh") {
		t.Fatalf("err = %v, attendu les 2 liens cassés nommés", err)
	}
}

// TestRepositoryDocs builds the real docs/ as the publishing workflow does:
// a broken link fails here before it reaches the published site.
func TestRepositoryDocs(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
	res, err := Build(Options{Src: filepath.Join(root, "docs"), Out: t.TempDir(), RepoRoot: root, RepoURL: "https://github.com/MTES-MCT/apilos-go/blob/main"})
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range res.Pages {
		found[p.Source] = true
	}
	for _, want := range []string{"DEPLOIEMENT.md", "RELEASE.md", "METABASE.md", "PCA_PRA.md"} {
		if !found[want] {
			t.Errorf("docs/%s absent du site", want)
		}
	}
}
