#!/bin/sh
# Installs the front-end packages from the lockfile (DSFR, htmx) and copies
# only the files the pages serve into internal/web/static/vendor/, which is
# embedded in the binary and not committed. Run it before `go build` when
# you want the real look; the Go build and tests work without it.
set -eu
cd "$(dirname "$0")/.."

if [ ! -f .dsfr.yml ]; then
	echo "assets : .dsfr.yml manquant à la racine (accept-license: 1.0.1), l'installation du DSFR serait refusée" >&2
	exit 1
fi
# No install scripts: the packages ship built files, and one dependency of
# swagger-ui-dist would otherwise send usage statistics.
if [ -f package-lock.json ]; then
	npm ci --no-audit --no-fund --ignore-scripts
else
	npm install --no-audit --no-fund --ignore-scripts
fi

dsfr=node_modules/@gouvfr/dsfr/dist
htmx=node_modules/htmx.org/dist
swagger=node_modules/swagger-ui-dist
out=internal/web/static/vendor

rm -rf "$out"
mkdir -p "$out/dsfr/artwork/pictograms" "$out/dsfr/artwork/background" "$out/dsfr/icons" "$out/htmx" "$out/swagger-ui"

cp "$dsfr/dsfr.min.css" "$dsfr/dsfr.module.min.js" "$dsfr/dsfr.nomodule.min.js" "$out/dsfr/"
# Marianne and Spectral, woff2 and the woff fallback named by the CSS.
cp -R "$dsfr/fonts" "$out/dsfr/fonts"
cp -R "$dsfr/favicon" "$out/dsfr/favicon"

# Icons: only the categories the pages use (add one here when a page needs
# it). Their stylesheets are joined into one file placed three levels under
# dsfr/, so their relative URLs (../../../icons/<category>/<name>.svg) still
# resolve to the copied SVG files.
icon_categories="system user arrows buildings document business communication editor map"
mkdir -p "$out/dsfr/utility/icons/icons-apilos"
: > "$out/dsfr/utility/icons/icons-apilos/icons.min.css"
for c in $icon_categories; do
	cat "$dsfr/utility/icons/icons-$c/icons-$c.min.css" >> "$out/dsfr/utility/icons/icons-apilos/icons.min.css"
	echo >> "$out/dsfr/utility/icons/icons-apilos/icons.min.css"
	cp -R "$dsfr/icons/$c" "$out/dsfr/icons/$c"
done

# The icons the DSFR stylesheet itself draws (badges, links, accordions,
# the « À signer » badge's weather/flashlight-fill...), whatever their
# category.
grep -o 'url(icons/[^)]*)' "$dsfr/dsfr.min.css" | sed 's/^url(//; s/)$//' | sort -u | while read -r f; do
	mkdir -p "$out/dsfr/$(dirname "$f")"
	cp "$dsfr/$f" "$out/dsfr/$f"
done

# Pictograms and the background motif of the error pages.
cp -R "$dsfr/artwork/pictograms/." "$out/dsfr/artwork/pictograms/"
cp "$dsfr/artwork/background/ovoid.svg" "$out/dsfr/artwork/background/"

cp "$htmx/htmx.min.js" "$out/htmx/"

# Swagger UI of the SIAP API documentation (/api-siap/v0/schema-ui/),
# served from the site: the pages' CSP allows no other origin.
cp "$swagger/swagger-ui-bundle.js" "$swagger/swagger-ui.css" "$swagger/LICENSE" "$out/swagger-ui/"

cp node_modules/@gouvfr/dsfr/LICENSE.md "$out/dsfr/LICENSE.md" 2>/dev/null || true

# axe-core, for the accessibility checks of the browser tests only (never
# served by the site; a development dependency, absent from a production
# install).
axe=internal/e2e/testdata/axe
rm -rf "$axe"
if [ -f node_modules/axe-core/axe.min.js ]; then
	mkdir -p "$axe"
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$axe/"
fi
echo "assets : fichiers copiés dans $out ($(du -sh "$out" | cut -f1))"
