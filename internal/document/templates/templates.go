// Package templates holds the project's Word templates, embedded in the
// binary. They are written by wordgen; regenerate them with
//
//	go generate ./internal/document/templates
//
// (a test fails when a file and its generator differ).
package templates

import "embed"

//go:generate go run ./gen

// FS holds the .docx templates by file name.
//
//go:embed *.docx
var FS embed.FS
