#!/usr/bin/env bash
# Restores a pg_dump custom-format file (make db-dump, or a PaaS backup
# extracted from its archive) into the database of DATABASE_URL, replacing
# what it holds, then applies the migrations the dump predates.
# Usage: scripts/db-restore.sh FILE
# The restore asks for confirmation on a terminal; elsewhere (CI, scripts)
# set CONFIRM=oui.
set -euo pipefail

file=${1:-}
if [ -z "$file" ]; then
  echo "Fichier de sauvegarde manquant : make db-restore FILE=chemin/vers/sauvegarde.dump" >&2
  exit 1
fi
if [ ! -r "$file" ]; then
  echo "Fichier de sauvegarde illisible : $file" >&2
  exit 1
fi
url=${DATABASE_URL:-${SCALINGO_POSTGRESQL_URL:-}}
if [ -z "$url" ]; then
  echo "DATABASE_URL (ou SCALINGO_POSTGRESQL_URL) est vide : indiquez la base à restaurer" >&2
  exit 1
fi

pg_tool() {
  if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/$1" ]; then echo "$PG_BINDIR/$1"; return; fi
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/$1" ]; then echo "$(pg_config --bindir)/$1"; return; fi
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  echo "$1 est introuvable : installez le client PostgreSQL (paquet postgresql-client) ou indiquez PG_BINDIR" >&2
  exit 1
}
pg_restore=$(pg_tool pg_restore)

# The target shown without its password.
target=$(printf '%s' "$url" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#')
env_name=${ENVIRONMENT:-development}
if [ "${CONFIRM:-}" != "oui" ]; then
  if [ -t 0 ]; then
    printf 'Toutes les données de %s (environnement %s) seront remplacées par %s. Continuer (oui/Non) ? ' "$target" "$env_name" "$file" >&2
    read -r answer
    if [ "$(printf '%s' "$answer" | tr '[:upper:]' '[:lower:]')" != "oui" ]; then
      echo "Restauration annulée." >&2
      exit 1
    fi
  else
    echo "Restauration refusée sans confirmation : relancez avec CONFIRM=oui (toutes les données de $target seront remplacées)" >&2
    exit 1
  fi
fi

# One transaction: a failed restore leaves the database as it was.
"$pg_restore" --clean --if-exists --no-owner --no-acl --single-transaction --exit-on-error \
  --dbname="$url" "$file"
echo "Sauvegarde $file restaurée dans $target." >&2

# The dump may predate the current schema: apply the pending migrations.
here=$(cd "$(dirname "$0")/.." && pwd)
export DATABASE_URL="$url"
if [ -n "${APILOS_BIN:-}" ]; then
  "$APILOS_BIN" migrate up
elif command -v apilos >/dev/null 2>&1; then
  apilos migrate up
elif [ -x "$here/bin/apilos" ]; then
  "$here/bin/apilos" migrate up
else
  (cd "$here" && go run ./cmd/apilos migrate up)
fi
