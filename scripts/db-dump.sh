#!/usr/bin/env bash
# Dumps the database of DATABASE_URL (or SCALINGO_POSTGRESQL_URL) in
# pg_dump's custom format, the one db-restore.sh and the PaaS backups use.
# Usage: scripts/db-dump.sh [FILE]   (default: apilos-YYYYmmdd-HHMMSS.dump)
set -euo pipefail

url=${DATABASE_URL:-${SCALINGO_POSTGRESQL_URL:-}}
if [ -z "$url" ]; then
  echo "DATABASE_URL (ou SCALINGO_POSTGRESQL_URL) est vide : indiquez la base à sauvegarder, ex. DATABASE_URL=postgres://... make db-dump" >&2
  exit 1
fi
out=${1:-apilos-$(date +%Y%m%d-%H%M%S).dump}

# pg_dump must be at least as new as the server: prefer PG_BINDIR, then
# the pg_config of the machine, then the PATH.
pg_tool() {
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/$1" ]; then echo "$PG_BINDIR/$1"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/$1" ]; then echo "$(pg_config --bindir)/$1"; return; fi
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  echo "$1 est introuvable : installez le client PostgreSQL (paquet postgresql-client) ou indiquez PG_BINDIR" >&2
  exit 1
}
pg_dump=$(pg_tool pg_dump)

tmp="$out.partial"
trap 'rm -f "$tmp"' EXIT
"$pg_dump" --format=custom --compress=6 --file="$tmp" --dbname="$url"
mv "$tmp" "$out"
trap - EXIT
echo "Sauvegarde écrite dans $out ($(du -h "$out" | cut -f1)). Restauration : make db-restore FILE=$out" >&2
