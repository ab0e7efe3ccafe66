package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Section titles of a release, as the release procedure asks for them.
const (
	SectionFeatures = "Fonctionnalités"
	SectionFixes    = "Correctifs"
	SectionDeps     = "Mise à jour des dépendances"
	SectionTech     = "Améliorations techniques"
)

// Sections in the order they appear in the notes.
var Sections = []string{SectionFeatures, SectionFixes, SectionDeps, SectionTech}

// Commit is one commit of the range.
type Commit struct {
	Hash    string // abbreviated
	Subject string
	Author  string
}

// Entry is a commit placed in a section, its subject made readable.
type Entry struct {
	Commit
	Section  string
	Scope    string
	Text     string // subject without its conventional prefix
	Breaking bool
}

// conventional matches "type(scope)!: text".
var conventional = regexp.MustCompile(`^([A-Za-z]+)(?:\(([^)]*)\))?(!)?:\s*(.+)$`)

// Classify places a commit in its section from its conventional-commit
// prefix: feat, fix, dependency updates (deps, chore(deps), build(deps),
// Dependabot's commits), everything else in the technical section.
func Classify(c Commit) Entry {
	e := Entry{Commit: c, Section: SectionTech, Text: strings.TrimSpace(c.Subject)}
	m := conventional.FindStringSubmatch(e.Text)
	typ := ""
	if m != nil {
		typ = strings.ToLower(m[1])
		e.Scope = strings.TrimSpace(m[2])
		e.Breaking = m[3] == "!"
		e.Text = strings.TrimSpace(m[4])
	}
	scope := strings.ToLower(e.Scope)
	switch {
	case typ == "deps" || scope == "deps" || scope == "deps-dev" ||
		strings.Contains(strings.ToLower(c.Author), "dependabot") ||
		(m == nil && strings.HasPrefix(strings.ToLower(e.Text), "bump ")):
		e.Section = SectionDeps
	case typ == "feat" || typ == "feature":
		e.Section = SectionFeatures
	case typ == "fix" || typ == "bugfix" || typ == "hotfix":
		e.Section = SectionFixes
	}
	if strings.Contains(c.Subject, "BREAKING CHANGE") {
		e.Breaking = true
	}
	return e
}

// Line renders the entry as a Markdown list item.
func (e Entry) Line() string {
	text := capitalize(e.Text)
	if e.Scope != "" && e.Section != SectionDeps {
		text = capitalize(e.Scope) + " : " + e.Text
	}
	if e.Breaking {
		text = "⚠ changement incompatible : " + text
	}
	return fmt.Sprintf("- %s (%s)", text, e.Hash)
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// ReleaseNotes are the notes of the release "to", since "from".
type ReleaseNotes struct {
	From, To string
	Entries  []Entry
	// Changelog is `git log to...from --oneline`, merges included.
	Changelog string
}

// Markdown renders the notes in French, ready to paste in the GitHub
// release: the four sections, then the technical changelog.
func (n ReleaseNotes) Markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# APiLos %s\n\n", n.To)
	fmt.Fprintf(&b, "Changements depuis %s. Reformulez chaque ligne pour un lecteur non technique avant publication.\n", n.From)
	for _, s := range Sections {
		fmt.Fprintf(&b, "\n## %s\n\n", s)
		count := 0
		for _, e := range n.Entries {
			if e.Section == s {
				b.WriteString(e.Line() + "\n")
				count++
			}
		}
		if count == 0 {
			b.WriteString("_Rien dans cette version._\n")
		}
	}
	fmt.Fprintf(&b, "\n## Changelog technique\n\n`git log %s...%s --oneline`\n\n```\n%s```\n", n.To, n.From, n.Changelog)
	return b.String()
}

// GenerateReleaseNotes reads the commits of the git repository dir that
// are in tag "to" and not in tag "from" (from is the previous release).
func GenerateReleaseNotes(ctx context.Context, dir, from, to string) (ReleaseNotes, error) {
	n := ReleaseNotes{From: from, To: to}
	for _, ref := range []string{from, to} {
		if _, err := git(ctx, dir, "rev-parse", "--verify", "--quiet", ref+"^{commit}"); err != nil {
			return n, fmt.Errorf("version %q introuvable dans le dépôt git (git fetch --tags ?)", ref)
		}
	}
	// The arguments in the wrong order give an empty range: say so.
	if _, err := git(ctx, dir, "merge-base", "--is-ancestor", to, from); err == nil {
		if same, _ := git(ctx, dir, "rev-parse", from+"^{commit}", to+"^{commit}"); len(strings.Fields(same)) == 2 && strings.Fields(same)[0] != strings.Fields(same)[1] {
			return n, fmt.Errorf("%s est plus ancienne que %s : donnez d'abord la version précédente, puis la nouvelle (release-notes %s %s)", to, from, to, from)
		}
	}
	rng := from + ".." + to
	out, err := git(ctx, dir, "log", "--no-merges", "--format=%h%x1f%s%x1f%an%x1e", rng)
	if err != nil {
		return n, err
	}
	for _, rec := range strings.Split(out, "\x1e") {
		f := strings.Split(strings.TrimSpace(rec), "\x1f")
		if len(f) != 3 {
			continue
		}
		n.Entries = append(n.Entries, Classify(Commit{Hash: f[0], Subject: f[1], Author: f[2]}))
	}
	// The technical changelog is the release procedure's own command.
	if n.Changelog, err = git(ctx, dir, "log", to+"..."+from, "--oneline"); err != nil {
		return n, err
	}
	return n, nil
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("git %s : %s", strings.Join(args, " "), strings.TrimSpace(stderr.String()))
		}
		return "", fmt.Errorf("git introuvable ou inutilisable : %w", err)
	}
	return stdout.String(), nil
}
