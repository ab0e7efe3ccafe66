package ci

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"go.yaml.in/yaml/v4"
)

// root is the repository root, from this file's location.
func root(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

func read(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root(t), ".github", "workflows", "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("aucun workflow dans .github/workflows (%v)", err)
	}
	return files
}

// TestActionlint lints every workflow with the actionlint Go tool of go.mod
// (with shellcheck on the run: scripts when it is installed, as on GitHub's
// runners).
func TestActionlint(t *testing.T) {
	args := []string{"tool", "actionlint", "-no-color"}
	for _, f := range workflowFiles(t) {
		rel, _ := filepath.Rel(root(t), f)
		args = append(args, rel)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("actionlint signale des erreurs (%v) :\n%s", err, out)
	}
	if _, err := exec.LookPath("shellcheck"); err != nil {
		t.Log("shellcheck absent : les scripts run: n'ont pas été analysés par shellcheck (ils le sont sur GitHub)")
	}
}

func parseWorkflow(t *testing.T, name string) *actionlint.Workflow {
	t.Helper()
	w, errs := actionlint.Parse(read(t, filepath.Join(".github", "workflows", name)))
	if len(errs) > 0 {
		t.Fatalf("%s : %v", name, errs[0])
	}
	return w
}

// runSteps lists the run: scripts of a job.
func runSteps(j *actionlint.Job) []string {
	var out []string
	for _, s := range j.Steps {
		if r, ok := s.Exec.(*actionlint.ExecRun); ok && r.Run != nil {
			out = append(out, strings.TrimSpace(r.Run.Value))
		}
	}
	return out
}

const testsWorkflow = "./.github/workflows/tests.yml"

// TestTestJobsRunMakeTest: every test job of every workflow is `make test`
// and nothing else, either directly (tests.yml) or by calling tests.yml.
// So what CI runs is what a developer runs, and this repository's own CI
// (.ci/run, make test) runs these workflows' test steps locally: they need
// no secret.
func TestTestJobsRunMakeTest(t *testing.T) {
	seen := 0
	for _, f := range workflowFiles(t) {
		name := filepath.Base(f)
		w := parseWorkflow(t, name)
		for id, j := range w.Jobs {
			if id != "test" {
				continue
			}
			seen++
			if j.WorkflowCall != nil {
				if j.WorkflowCall.Uses == nil || j.WorkflowCall.Uses.Value != testsWorkflow {
					t.Errorf("%s : le job test appelle %v au lieu de %s", name, j.WorkflowCall.Uses, testsWorkflow)
				}
				continue
			}
			if got := runSteps(j); !slices.Equal(got, []string{"make test"}) {
				t.Errorf("%s : le job test exécute %q, attendu exactement [\"make test\"]", name, got)
			}
		}
	}
	if seen < 4 {
		t.Errorf("%d jobs test trouvés, attendu au moins 4 (tests, ci, main, release)", seen)
	}
	// The reusable workflow has the services the tests may use.
	tj := parseWorkflow(t, "tests.yml").Jobs["test"]
	if tj == nil || tj.Services == nil {
		t.Fatal("tests.yml : job test sans services")
	}
	for _, svc := range []string{"postgres", "redis"} {
		if _, ok := tj.Services.Value[svc]; !ok {
			t.Errorf("tests.yml : service %s absent", svc)
		}
	}
}

func events(w *actionlint.Workflow) map[string]actionlint.Event {
	m := map[string]actionlint.Event{}
	for _, e := range w.On {
		m[e.EventName()] = e
	}
	return m
}

func filterValues(f *actionlint.WebhookEventFilter) []string {
	if f == nil {
		return nil
	}
	var out []string
	for _, v := range f.Values {
		out = append(out, v.Value)
	}
	return out
}

func needs(j *actionlint.Job) []string {
	var out []string
	for _, n := range j.Needs {
		out = append(out, n.Value)
	}
	return out
}

// TestWorkflowTriggers checks the delivery chain of the deployment document:
// every push and pull request is tested; main goes to staging after its
// tests; a vX.Y.Z tag goes to production after its tests, then the release.
func TestWorkflowTriggers(t *testing.T) {
	ci := events(parseWorkflow(t, "ci.yml"))
	if _, ok := ci["pull_request"]; !ok {
		t.Error("ci.yml : pas de déclenchement sur pull_request")
	}
	if push, ok := ci["push"].(*actionlint.WebhookEvent); !ok || !slices.Equal(filterValues(push.BranchesIgnore), []string{"main"}) {
		t.Error("ci.yml : attendu push sur toutes les branches sauf main (testée par main.yml)")
	}

	main := parseWorkflow(t, "main.yml")
	if push, ok := events(main)["push"].(*actionlint.WebhookEvent); !ok || !slices.Equal(filterValues(push.Branches), []string{"main"}) {
		t.Error("main.yml : attendu push sur main")
	}
	checkDeployJob(t, "main.yml", main, "staging", "false")

	rel := parseWorkflow(t, "release.yml")
	if push, ok := events(rel)["push"].(*actionlint.WebhookEvent); !ok || !slices.Equal(filterValues(push.Tags), []string{"v*.*.*"}) {
		t.Error("release.yml : attendu push des tags v*.*.*")
	}
	checkDeployJob(t, "release.yml", rel, "production", "true")
	r := rel.Jobs["release"]
	if r == nil || !slices.Equal(needs(r), []string{"deploy"}) {
		t.Fatal("release.yml : le job release doit attendre le déploiement")
	}
	if script := strings.Join(runSteps(r), "\n"); !strings.Contains(script, "apilos release-notes") || !strings.Contains(script, "gh release create") {
		t.Errorf("release.yml : la release doit être créée avec les notes d'apilos release-notes :\n%s", script)
	}

	// The deployment pushes HEAD to the PaaS master branch, then checks the
	// site with the deployed commit as expected version.
	dep := parseWorkflow(t, "deploy.yml").Jobs["deploy"]
	script := strings.Join(runSteps(dep), "\n")
	for _, want := range []string{`git push --force "git@ssh.osc-fr1.scalingo.com:${APP}.git" "HEAD:refs/heads/master"`,
		`check-deploy "$URL" --version "$GITHUB_SHA"`, "--production"} {
		if !strings.Contains(script, want) {
			t.Errorf("deploy.yml : %q absent des étapes", want)
		}
	}

	schedules := map[string]string{"s3-backup.yml": "27 1 * * 1", "db-backup-download.yml": "31 6 * * *"}
	for name, cron := range schedules {
		ev := events(parseWorkflow(t, name))
		s, ok := ev["schedule"].(*actionlint.ScheduledEvent)
		if !ok || len(s.Schedules) != 1 || s.Schedules[0].Cron == nil || s.Schedules[0].Cron.Value != cron {
			t.Errorf("%s : attendu cron %q", name, cron)
		}
		if _, ok := ev["workflow_dispatch"]; !ok {
			t.Errorf("%s : lancement manuel (workflow_dispatch) absent", name)
		}
	}
	docs := events(parseWorkflow(t, "publish-docs.yml"))
	if push, ok := docs["push"].(*actionlint.WebhookEvent); !ok || !slices.Equal(filterValues(push.Branches), []string{"main"}) {
		t.Error("publish-docs.yml : attendu push sur main")
	}
}

func checkDeployJob(t *testing.T, name string, w *actionlint.Workflow, env, production string) {
	t.Helper()
	d := w.Jobs["deploy"]
	if d == nil || d.WorkflowCall == nil || d.WorkflowCall.Uses.Value != "./.github/workflows/deploy.yml" {
		t.Fatalf("%s : job deploy absent ou n'appelant pas deploy.yml", name)
	}
	if !slices.Equal(needs(d), []string{"test"}) {
		t.Errorf("%s : le déploiement doit attendre les tests (needs: test), a %v", name, needs(d))
	}
	in := d.WorkflowCall.Inputs
	if in["environment"] == nil || in["environment"].Value.Value != env {
		t.Errorf("%s : environnement attendu %s", name, env)
	}
	if in["production"] == nil || in["production"].Value.Value != production {
		t.Errorf("%s : production attendu %s", name, production)
	}
	if _, ok := d.WorkflowCall.Secrets["scalingo_ssh_private_key"]; !ok {
		t.Errorf("%s : secret SCALINGO_SSH_PRIVATE_KEY non transmis", name)
	}
}

func TestDependabot(t *testing.T) {
	var cfg struct {
		Version int `yaml:"version"`
		Updates []struct {
			Ecosystem string `yaml:"package-ecosystem"`
			Directory string `yaml:"directory"`
			Schedule  struct {
				Interval string `yaml:"interval"`
			} `yaml:"schedule"`
			CommitMessage struct {
				Prefix  string `yaml:"prefix"`
				Include string `yaml:"include"`
			} `yaml:"commit-message"`
		} `yaml:"updates"`
	}
	if err := yaml.Unmarshal(read(t, ".github/dependabot.yml"), &cfg); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range cfg.Updates {
		got = append(got, u.Ecosystem)
		if u.Directory != "/" || u.Schedule.Interval != "weekly" {
			t.Errorf("%s : répertoire %q, fréquence %q", u.Ecosystem, u.Directory, u.Schedule.Interval)
		}
		// "chore(deps): ..." lands in the dependencies section of the notes.
		if u.CommitMessage.Prefix != "chore" || u.CommitMessage.Include != "scope" {
			t.Errorf("%s : messages de commit attendus chore(deps)", u.Ecosystem)
		}
	}
	slices.Sort(got)
	if cfg.Version != 2 || !slices.Equal(got, []string{"github-actions", "gomod", "npm"}) {
		t.Errorf("dependabot : version %d, écosystèmes %v", cfg.Version, got)
	}
}

// TestPaaSFiles checks the files the PaaS reads at build and start.
func TestPaaSFiles(t *testing.T) {
	// Buildpacks: system packages, then Node.js (assets), then Go last.
	bps := strings.Fields(string(read(t, ".buildpacks")))
	want := []string{"https://github.com/Scalingo/apt-buildpack", "https://github.com/Scalingo/nodejs-buildpack", "https://github.com/Scalingo/go-buildpack"}
	if !slices.Equal(bps, want) {
		t.Errorf(".buildpacks = %v, attendu %v", bps, want)
	}
	var apt []string
	for _, l := range strings.Split(string(read(t, "Aptfile")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			apt = append(apt, l)
		}
	}
	if !slices.Contains(apt, "libreoffice-writer-nogui") || !slices.ContainsFunc(apt, func(p string) bool { return strings.HasPrefix(p, "fonts-") }) {
		t.Errorf("Aptfile : LibreOffice et des polices attendus, a %v", apt)
	}

	var manifest struct {
		Stack string `json:"stack"`
		Env   map[string]struct {
			Description string `json:"description"`
			Value       string `json:"value"`
			Generator   string `json:"generator"`
		} `json:"env"`
		Addons []struct {
			Plan string `json:"plan"`
		} `json:"addons"`
		Formation map[string]struct {
			Amount int `json:"amount"`
		} `json:"formation"`
	}
	if err := json.Unmarshal(read(t, "scalingo.json"), &manifest); err != nil {
		t.Fatalf("scalingo.json : %v", err)
	}
	if !strings.HasPrefix(manifest.Stack, "scalingo-") {
		t.Errorf("scalingo.json : stack %q", manifest.Stack)
	}
	var addons []string
	for _, a := range manifest.Addons {
		addons = append(addons, strings.SplitN(a.Plan, ":", 2)[0])
	}
	slices.Sort(addons)
	if !slices.Equal(addons, []string{"postgresql", "redis"}) {
		t.Errorf("scalingo.json : addons %v, attendu postgresql et redis", addons)
	}
	for k, v := range manifest.Env {
		if strings.TrimSpace(v.Description) == "" {
			t.Errorf("scalingo.json : variable %s sans description", k)
		}
	}
	if manifest.Env["SECRET_KEY"].Generator != "secret" {
		t.Error("scalingo.json : SECRET_KEY doit être générée (generator: secret)")
	}
	if manifest.Formation["web"].Amount != 1 || manifest.Formation["worker"].Amount != 1 || len(manifest.Formation) != 2 {
		t.Errorf("scalingo.json : formation %v, attendu 1 web et 1 worker", manifest.Formation)
	}

	// Procfile: the processes are the apilos binary the Go buildpack puts in
	// bin/ (on the PATH), the postdeploy hook the committed script.
	procs := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(string(read(t, "Procfile"))), "\n") {
		k, v, _ := strings.Cut(l, ":")
		procs[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if procs["web"] != "apilos web" || procs["worker"] != "apilos worker" || procs["postdeploy"] != "bash bin/post_deploy" {
		t.Errorf("Procfile : %v", procs)
	}
	for _, f := range []string{"bin/post_deploy", "bin/go-pre-compile"} {
		if st, err := os.Stat(filepath.Join(root(t), f)); err != nil || st.Mode()&0o111 == 0 {
			t.Errorf("%s absent ou non exécutable", f)
		}
	}
	// The go-pre-compile hook builds the assets the binary embeds.
	if !strings.Contains(string(read(t, "bin/go-pre-compile")), "scripts/assets.sh") {
		t.Error("bin/go-pre-compile doit lancer scripts/assets.sh")
	}
}

// buildpackGoVersion reads the Go version the way the Scalingo Go buildpack
// does: GOVERSION from the environment, else the "// +scalingo goVersion"
// comment of go.mod, else its go directive prefixed with "go".
func buildpackGoVersion(gomod, envGOVERSION string) string {
	if envGOVERSION != "" {
		return envGOVERSION
	}
	for _, l := range strings.Split(gomod, "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 && f[0] == "//" && f[1] == "+scalingo" && f[2] == "goVersion" {
			return f[3]
		}
	}
	for _, l := range strings.Split(gomod, "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "go" {
			return "go" + f[1]
		}
	}
	return ""
}

// buildpackInstallSpec reads the packages the buildpack installs:
// GO_INSTALL_PACKAGE_SPEC, else the "// +scalingo install" comment, else
// every main package of the module.
func buildpackInstallSpec(gomod, env string) string {
	if env != "" {
		return env
	}
	for _, l := range strings.Split(gomod, "\n") {
		f := strings.Fields(l)
		if len(f) >= 4 && f[0] == "//" && f[1] == "+scalingo" && f[2] == "install" {
			return strings.Join(f[3:], " ")
		}
	}
	return ""
}

var goVersion = regexp.MustCompile(`^go(\d+)\.(\d+)(?:\.(\d+))?$`)

func TestGoBuildpackReadsGoMod(t *testing.T) {
	gomod := string(read(t, "go.mod"))
	var manifest struct {
		Env map[string]struct {
			Value string `json:"value"`
		} `json:"env"`
	}
	if err := json.Unmarshal(read(t, "scalingo.json"), &manifest); err != nil {
		t.Fatal(err)
	}
	directive := buildpackGoVersion(gomod, "")
	effective := buildpackGoVersion(gomod, manifest.Env["GOVERSION"].Value)
	d, e := goVersion.FindStringSubmatch(directive), goVersion.FindStringSubmatch(effective)
	if d == nil || e == nil {
		t.Fatalf("versions de Go illisibles pour le buildpack : go.mod %q, retenue %q", directive, effective)
	}
	// Same major.minor as go.mod; a pinned patch not older than go.mod's.
	if d[1] != e[1] || d[2] != e[2] {
		t.Errorf("le buildpack installerait %s alors que go.mod demande %s", effective, directive)
	}
	if e[3] != "" && d[3] != "" {
		ep, _ := strconv.Atoi(e[3])
		dp, _ := strconv.Atoi(d[3])
		if ep < dp {
			t.Errorf("le buildpack installerait %s, plus ancien que %s du go.mod", effective, directive)
		}
	}
	spec := buildpackInstallSpec(gomod, manifest.Env["GO_INSTALL_PACKAGE_SPEC"].Value)
	if spec != "./cmd/apilos" {
		t.Errorf("paquets installés par le buildpack : %q, attendu ./cmd/apilos (bin/apilos, nom utilisé par le Procfile)", spec)
	}
	if st, err := os.Stat(filepath.Join(root(t), "cmd", "apilos")); err != nil || !st.IsDir() {
		t.Error("cmd/apilos absent")
	}
	// The version variable the buildpack sets at link time exists.
	sym := manifest.Env["GO_LINKER_SYMBOL"].Value
	if sym != "github.com/MTES-MCT/apilos-go/internal/version.Version" || !strings.Contains(string(read(t, "internal/version/version.go")), "var Version") {
		t.Errorf("GO_LINKER_SYMBOL = %q : doit désigner internal/version.Version", sym)
	}
}

func TestBuildpackReaders(t *testing.T) {
	mod := "module x\n\n// +scalingo goVersion go1.26\n// +scalingo install ./cmd/apilos\ngo 1.26.0\n"
	if v := buildpackGoVersion(mod, ""); v != "go1.26" {
		t.Errorf("commentaire goVersion : %q", v)
	}
	if v := buildpackGoVersion("module x\ngo 1.26.0\n", ""); v != "go1.26.0" {
		t.Errorf("directive go : %q", v)
	}
	if v := buildpackGoVersion(mod, "go1.27"); v != "go1.27" {
		t.Errorf("GOVERSION : %q", v)
	}
	if s := buildpackInstallSpec(mod, ""); s != "./cmd/apilos" {
		t.Errorf("commentaire install : %q", s)
	}
}
