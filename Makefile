# The two commands of the README: `make dev` runs the app, `make test` runs
# every test on throwaway PostgreSQL and Redis servers.
GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/MTES-MCT/apilos-go/internal/version.Version=$(VERSION)

.PHONY: build dev test vet assets db-dump db-restore

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/apilos ./cmd/apilos

assets:
	APILOS_NEED_NODE=1 ./scripts/ensure-deps.sh
	./scripts/assets.sh

dev: assets build
	./bin/apilos dev

vet:
	$(GO) vet ./...

# The assets are built first so the browser tests run the real DSFR
# JavaScript under the pages' Content-Security-Policy.
test: assets
	APILOS_NEED_CHROMIUM=1 ./scripts/with-services.sh sh -c '$(GO) vet ./... && $(GO) test -count=1 ./...'

# Backups: pg_dump custom format of DATABASE_URL; restore with --clean
# --no-owner --no-acl in one transaction, then apilos migrate up.
db-dump:
	./scripts/db-dump.sh $(FILE)

db-restore:
	./scripts/db-restore.sh "$(FILE)"
