#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster and Redis server, exports their URLs
# as APILOS_TEST_DATABASE_URL / APILOS_TEST_REDIS_URL, runs the command, then
# stops both. Works as root (runs PostgreSQL as the postgres user) and as a
# normal user.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/ensure-deps.sh"

bindir=""
if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then bindir=$(pg_config --bindir); fi
[ -n "$bindir" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
pgport=$(free_port)
rport=$(free_port)
work=$(mktemp -d /tmp/apilos-test.XXXXXX)
chmod 755 "$work"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$work"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  "${as_pg[@]}" "$bindir/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"${as_pg[@]}" "$bindir/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$bindir/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-p $pgport -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"
for _ in $(seq 50); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done

export APILOS_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$pgport/postgres?sslmode=disable"
export APILOS_TEST_REDIS_URL="redis://127.0.0.1:$rport"
echo "PostgreSQL de test : $APILOS_TEST_DATABASE_URL ; Redis de test : $APILOS_TEST_REDIS_URL" >&2
"$@"
