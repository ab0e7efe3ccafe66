package web

import "github.com/MTES-MCT/apilos-go/internal/programme"

// label is the French label of code in one of the catalogue's lists
// (internal/programme); "—" for an empty value, unknown codes as stored.
func label(l programme.List, code string) string {
	if code == "" {
		return "—"
	}
	return l.Label(code)
}
