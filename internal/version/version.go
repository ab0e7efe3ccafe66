// Package version holds the build version, set by the linker:
// -ldflags "-X github.com/MTES-MCT/apilos-go/internal/version.Version=v1.2.3".
package version

import "os"

// Version is the released version, or "dev".
var Version = "dev"

func init() {
	// The PaaS builds from a git push without tags: it passes the commit.
	if Version == "dev" {
		// Scalingo gives running containers the deployed commit in
		// CONTAINER_VERSION, and builds SOURCE_VERSION.
		for _, name := range []string{"CONTAINER_VERSION", "SOURCE_VERSION", "APP_VERSION"} {
			if c := os.Getenv(name); c != "" {
				Version = c
				break
			}
		}
	}
}
