// Package ci holds the tests of the delivery files: GitHub workflows
// (actionlint, test jobs, triggers), Dependabot, and what the PaaS reads
// (buildpacks, Aptfile, scalingo.json, Procfile, go.mod as the Go buildpack
// reads it), plus the end-to-end test that starts the processes the way the
// PaaS does.
package ci
