// Package version holds the build version, set by the linker:
// -ldflags "-X github.com/MTES-MCT/apilos-go/internal/version.Version=v1.2.3".
package version

import "os"

// Version is the released version, or "dev".
var Version = "dev"

func init() {
	// The PaaS builds from a git push without tags: it passes the commit.
	if Version == "dev" {
		if c := os.Getenv("SOURCE_VERSION"); c != "" {
			Version = c
		} else if c := os.Getenv("APP_VERSION"); c != "" {
			Version = c
		}
	}
}
