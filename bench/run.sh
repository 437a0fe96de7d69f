#!/usr/bin/env bash
# Every performance target of issue 17 in one run and one table, pass or fail (bench/targets.py), with the
# cells behind it. Installs nginx, wrk, PostgreSQL and binutils if missing, builds release binaries, starts
# nginx as the fake upstream (fixed chat-completion JSON, a fixed five-event SSE stream, the same answers in
# Gemini's native format) and as a plain reverse proxy in front of it (the best a proxy does on this machine),
# and a throw-away PostgreSQL for the fleet rows. Ratios are to the proxy measured in the same run.
# Usage: bench/run.sh [seconds per cell, default 10]. Loopback only; every cell is bounded in time.
# ORCHESTRA_BIN_DIR=dir runs the binaries found there instead of building this tree's.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${1:-10}
UPSTREAM_PORT=18080
PROXY_PORT=18081
scripts/setup.sh nginx-light wrk postgresql binutils
BIN_DIR=$(bench_binaries)
for port in $UPSTREAM_PORT $PROXY_PORT 18092 18093 18094; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "bench: port $port is already in use; stop whatever listens there first" >&2
        exit 1
    fi
done

dir=$(mktemp -d /tmp/orchestra-bench.XXXXXX)
eval "$(scripts/postgres.sh start)"
cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    scripts/postgres.sh stop "$ORCHESTRA_TEST_POSTGRES_DIR"
    rm -rf "$dir"
}
trap cleanup EXIT
start_fake_upstream "$dir" "$UPSTREAM_PORT" "$PROXY_PORT"
for _ in $(seq 1 100); do
    curl -sf -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" -d '{}' && break
    sleep 0.1
done
python3 bench/targets.py "$BIN_DIR" "$DURATION" "$UPSTREAM_PORT" "$PROXY_PORT" "$dir"
