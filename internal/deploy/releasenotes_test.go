package deploy

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitRepo makes a throwaway repository; run executes git in it.
func gitRepo(t *testing.T) (dir string, run func(args ...string) string) {
	t.Helper()
	dir = t.TempDir()
	run = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_SYSTEM=/dev/null")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %v : %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("init", "-q", "-b", "main")
	run("config", "user.name", "Équipe APiLos")
	run("config", "user.email", "equipe@apilos.test")
	return dir, run
}

func commit(t *testing.T, dir string, run func(...string) string, subject string, author ...string) {
	t.Helper()
	f := filepath.Join(dir, "journal.txt")
	old, _ := os.ReadFile(f)
	if err := os.WriteFile(f, append(old, subject+"\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	run("add", "journal.txt")
	args := []string{"commit", "-q", "-m", subject}
	if len(author) > 0 {
		args = append(args, "--author", author[0])
	}
	run(args...)
}

func TestGenerateReleaseNotes(t *testing.T) {
	dir, run := gitRepo(t)
	commit(t, dir, run, "feat: première version")
	run("tag", "v1.22.0")
	commit(t, dir, run, "feat(avenant): dénonciation d'une convention signée")
	commit(t, dir, run, "fix: le numéro de convention accepte les espaces")
	commit(t, dir, run, "chore(deps): bump pgx to v5.12.0")
	commit(t, dir, run, "build(deps): bump @gouvfr/dsfr from 1.15.2 to 1.15.3")
	commit(t, dir, run, "Bump htmx.org from 2.0.10 to 2.0.11", "dependabot[bot] <support@github.com>")
	commit(t, dir, run, "deps: go 1.26.8")
	commit(t, dir, run, "refactor: instruction des conventions dans le domaine")
	commit(t, dir, run, "ci: actionlint sur les workflows")
	commit(t, dir, run, "docs: procédure de mise en production")
	commit(t, dir, run, "perf!: recherche plein texte par trigrammes")
	commit(t, dir, run, "Nettoyage des gabarits")
	run("tag", "v1.23.0")
	commit(t, dir, run, "feat: après la version, hors notes")

	notes, err := GenerateReleaseNotes(context.Background(), dir, "v1.22.0", "v1.23.0")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{
		SectionFeatures: {"Avenant : dénonciation d'une convention signée"},
		SectionFixes:    {"Le numéro de convention accepte les espaces"},
		SectionDeps: {"Bump pgx to v5.12.0", "Bump @gouvfr/dsfr from 1.15.2 to 1.15.3",
			"Bump htmx.org from 2.0.10 to 2.0.11", "Go 1.26.8"},
		SectionTech: {"Instruction des conventions dans le domaine", "Actionlint sur les workflows",
			"Procédure de mise en production", "⚠ changement incompatible : Recherche plein texte par trigrammes",
			"Nettoyage des gabarits"},
	}
	got := map[string][]string{}
	for _, e := range notes.Entries {
		line := e.Line()
		got[e.Section] = append(got[e.Section], line[2:strings.LastIndex(line, " (")])
	}
	for _, s := range Sections {
		if strings.Join(sortedCopy(got[s]), "|") != strings.Join(sortedCopy(want[s]), "|") {
			t.Errorf("section %s :\n got %q\nwant %q", s, got[s], want[s])
		}
	}

	md := notes.Markdown()
	// Sections in the procedure's order, then the technical changelog.
	last := -1
	for _, h := range []string{"## Fonctionnalités", "## Correctifs", "## Mise à jour des dépendances", "## Améliorations techniques", "## Changelog technique"} {
		i := strings.Index(md, h)
		if i <= last {
			t.Fatalf("titre %q absent ou mal placé :\n%s", h, md)
		}
		last = i
	}
	if strings.Contains(md, "hors notes") || strings.Contains(md, "première version") {
		t.Errorf("les notes contiennent des commits hors de l'intervalle :\n%s", md)
	}
	// The changelog is exactly the procedure's git log command.
	wantLog := run("log", "v1.23.0...v1.22.0", "--oneline")
	if !strings.Contains(md, "`git log v1.23.0...v1.22.0 --oneline`") || !strings.Contains(md, wantLog) {
		t.Errorf("changelog technique attendu :\n%s\ndans :\n%s", wantLog, md)
	}
	if n := strings.Count(strings.TrimSpace(wantLog), "\n") + 1; n != 11 {
		t.Errorf("%d commits dans l'intervalle, attendu 11", n)
	}
}

func TestGenerateReleaseNotesErrors(t *testing.T) {
	dir, run := gitRepo(t)
	commit(t, dir, run, "feat: a")
	run("tag", "v1.0.0")
	commit(t, dir, run, "fix: b")
	run("tag", "v1.0.1")
	ctx := context.Background()
	if _, err := GenerateReleaseNotes(ctx, dir, "v1.0.1", "v1.0.0"); err == nil || !strings.Contains(err.Error(), "plus ancienne") {
		t.Errorf("ordre inversé : err = %v", err)
	}
	if _, err := GenerateReleaseNotes(ctx, dir, "v0.9.0", "v1.0.1"); err == nil || !strings.Contains(err.Error(), "v0.9.0") {
		t.Errorf("tag absent : err = %v", err)
	}
	notes, err := GenerateReleaseNotes(ctx, dir, "v1.0.0", "v1.0.0")
	if err != nil || len(notes.Entries) != 0 || strings.Count(notes.Markdown(), "_Rien dans cette version._") != 4 {
		t.Errorf("même version : %v, %d entrées", err, len(notes.Entries))
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := range c {
		for j := i + 1; j < len(c); j++ {
			if c[j] < c[i] {
				c[i], c[j] = c[j], c[i]
			}
		}
	}
	return c
}
