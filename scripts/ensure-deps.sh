#!/usr/bin/env bash
# Installs what the tests and the dev mode need when it is missing, with the
# system package manager when we can (root, or sudo without a password);
# otherwise says exactly what to install.
set -euo pipefail

need=()
pg_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir; return
  fi
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}
[ -n "$(pg_bindir)" ] && [ -x "$(pg_bindir)/initdb" ] || need+=(postgresql postgresql-contrib)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
# pdftotext reads generated PDFs back; clamd is the real antivirus of the
# ClamAV test (started with its own one-signature database).
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
{ command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ]; } || need+=(clamav-daemon)
if [ "${APILOS_NEED_NODE:-0}" = 1 ]; then
  command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
fi
if [ "${APILOS_NEED_CHROMIUM:-0}" = 1 ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
# Documents: LibreOffice converts .docx to PDF (worker, tests).
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui fonts-liberation2)
# The .docx renderer is compared with docxtpl, the Python library of the reference.
/usr/bin/python3 -c 'import docxtpl' >/dev/null 2>&1 || need+=(python3-docxtpl)
command -v go >/dev/null 2>&1 || { echo "Go est introuvable : installez Go 1.26 (https://go.dev/dl/) puis relancez." >&2; exit 1; }

[ ${#need[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo -n"; else
    echo "Paquets manquants : ${need[*]}" >&2
    echo "Installez-les puis relancez : sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets manquants : ${need[*]} (installez-les avec le gestionnaire de paquets de votre système)" >&2
  exit 1
fi
echo "Installation de : ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >&2
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
