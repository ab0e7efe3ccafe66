package e2e

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"
)

// browserRequired: in CI (CI=true) or with APILOS_REQUIRE_BROWSER=1 a
// missing Chromium fails the test; elsewhere it is skipped with the way
// to install it.
func browserRequired() bool {
	return strings.EqualFold(os.Getenv("CI"), "true") || os.Getenv("CI") == "1" || os.Getenv("APILOS_REQUIRE_BROWSER") == "1"
}

// launch starts Chromium for the test and closes it at cleanup.
func launch(t *testing.T) *Browser {
	t.Helper()
	path := FindChromium()
	if path == "" {
		msg := "chromium introuvable : installez le paquet Debian « chromium » (make test le fait), ou donnez son chemin dans APILOS_CHROMIUM"
		if browserRequired() {
			t.Fatal(msg + " ; le test navigateur est obligatoire ici (CI=true ou APILOS_REQUIRE_BROWSER=1)")
		}
		t.Skip(msg + " ; test ignoré en local (il est obligatoire avec CI=true ou APILOS_REQUIRE_BROWSER=1)")
	}
	b, err := Launch(path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("arrêt de chromium : %v", err)
		}
	})
	return b
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
