#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: `initdb` in a new temporary directory as an unprivileged
# user (postgres refuses to run as root), password authentication (SCRAM) for an `orchestra` role,
# listening only on 127.0.0.1 at a free port. Debian's `postgresql` package provides the programs.
#   eval "$(scripts/postgres.sh start)"   sets ORCHESTRA_TEST_POSTGRES_URL, _PASSWORD_FILE and _DIR
#   scripts/postgres.sh stop DIR
#   scripts/postgres.sh pause DIR | resume DIR   (stops the server keeping its data, starts it again: outage tests)
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "postgres.sh: install Debian's postgresql package" >&2; exit 1; }
as_owner() {
    if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; else "$@"; fi
}
case "${1:-}" in
start)
    dir=$(mktemp -d /tmp/orchestra-postgres.XXXXXX)
    chmod 0755 "$dir"
    password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
    printf '%s' "$password" >"$dir/password"
    [ "$(id -u)" -eq 0 ] && chown nobody:nogroup "$dir" "$dir/password"
    chmod 0600 "$dir/password"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$dir/data" -U orchestra --pwfile="$dir/password" --auth=scram-sha-256 -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    echo "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=off" >"$dir/options"
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null ||
        { cat "$dir/server.log" >&2; exit 1; }
    PGPASSWORD=$password "$bin/createdb" -h 127.0.0.1 -p "$port" -U orchestra orchestra
    # The tests read the password file as whoever runs them.
    cp "$dir/password" "$dir/client-password" && chmod 0600 "$dir/client-password"
    echo "export ORCHESTRA_TEST_POSTGRES_URL=postgres://orchestra@127.0.0.1:$port/orchestra"
    echo "export ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE=$dir/client-password"
    echo "export ORCHESTRA_TEST_POSTGRES_DIR=$dir"
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
pause)
    dir=${2:?usage: postgres.sh pause DIR}
    as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    ;;
resume)
    dir=${2:?usage: postgres.sh resume DIR}
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(cat "$dir/options")" start >/dev/null
    ;;
*)
    echo "usage: postgres.sh start | stop DIR | pause DIR | resume DIR" >&2
    exit 2
    ;;
esac
