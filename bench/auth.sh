#!/usr/bin/env bash
# The cost of client keys: the same gateway build, the same nginx fake upstream, three ways in one run,
# interleaved so drift hits all alike: keys off; keys on with a key per request (no limits: the digest
# lookup and the caller's identity); keys on with a key that carries a budget and an rpm (a budget
# reservation and settlement in SQLite, and a rate window, per request).
# Usage: bench/auth.sh [seconds per run, default 10] [rounds, default 3]. ORCHESTRA_BIN_DIR as in run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${1:-10}
ROUNDS=${2:-3}
UPSTREAM_PORT=18080
PROXY_PORT=18081
OPEN_PORT=18094
KEYED_PORT=18095
CONNS=64
scripts/setup.sh nginx-light wrk
BIN_DIR=${ORCHESTRA_BIN_DIR:-}
if [ -z "$BIN_DIR" ]; then
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    BIN_DIR=.build/release
fi
dir=$(mktemp -d /tmp/orchestra-auth-bench.XXXXXX)
cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    for pid in ${open_pid:-} ${keyed_pid:-}; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
start_fake_upstream "$dir" "$UPSTREAM_PORT" "$PROXY_PORT"

# config NAME PORT AUTH: a gateway with one passthrough provider whose model has a price.
config() {
    builtins_off >"$dir/$1.toml"
    cat >>"$dir/$1.toml" <<TOML
[server]
listen = "127.0.0.1:$2"
runtime_dir = "$dir"
[usage]
database = "$dir/$1.sqlite"
[auth]
enabled = $3
[providers.bench]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.bench.models.model]
input_price = 0.15
output_price = 0.6
TOML
}
config open "$OPEN_PORT" false
config keyed "$KEYED_PORT" true
plain_key=$("$BIN_DIR/orchestra" keys create --config "$dir/keyed.toml" --name bench | awk '/^key:/ { print $2 }')
limited_key=$("$BIN_DIR/orchestra" keys create --config "$dir/keyed.toml" --name limited --budget-usd 1000000 --period month \
    --rpm 1000000000 | awk '/^key:/ { print $2 }')

BENCH_UPSTREAM_KEY=bench-key "$BIN_DIR/orchestra" serve --config "$dir/open.toml" >/dev/null 2>"$dir/open.log" &
open_pid=$!
BENCH_UPSTREAM_KEY=bench-key "$BIN_DIR/orchestra" serve --config "$dir/keyed.toml" >/dev/null 2>"$dir/keyed.log" &
keyed_pid=$!
for name in open keyed; do
    for _ in $(seq 1 100); do grep -q "ready:" "$dir/$name.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "ready:" "$dir/$name.log" || { cat "$dir/$name.log"; exit 1; }
done

rps() {   # rps PORT KEY -> requests per second at $CONNS connections
    KEY=$2 MODEL=bench/model STREAM=0 wrk -t2 -c"$CONNS" -d"${DURATION}s" -s bench/post.lua "http://127.0.0.1:$1/v1/chat/completions" >"$dir/wrk.out" 2>&1
    if grep -qE "Non-2xx|Socket errors" "$dir/wrk.out"; then echo "warning: port $1: $(grep -E 'Non-2xx|Socket errors' "$dir/wrk.out")" >&2; fi
    awk '/Requests\/sec/ { printf "%.0f\n", $2 }' "$dir/wrk.out"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

KEY=dummy MODEL=bench/model wrk -t1 -c4 -d2s -s bench/post.lua "http://127.0.0.1:$OPEN_PORT/v1/chat/completions" >/dev/null 2>&1
KEY=$plain_key MODEL=bench/model wrk -t1 -c4 -d2s -s bench/post.lua "http://127.0.0.1:$KEYED_PORT/v1/chat/completions" >/dev/null 2>&1
: >"$dir/open.rps"; : >"$dir/plain.rps"; : >"$dir/limited.rps"
for _ in $(seq 1 "$ROUNDS"); do
    rps "$OPEN_PORT" dummy >>"$dir/open.rps"
    rps "$KEYED_PORT" "$plain_key" >>"$dir/plain.rps"
    rps "$KEYED_PORT" "$limited_key" >>"$dir/limited.rps"
done
open=$(median <"$dir/open.rps")
plain=$(median <"$dir/plain.rps")
limited=$(median <"$dir/limited.rps")
echo "# Client keys, $(date -u +%Y-%m-%d), $(git rev-parse --short HEAD), ${DURATION}s x $ROUNDS rounds (median), $CONNS connections, non-streaming"
echo
echo "| keys | req/s | vs keys off |"
echo "|---|---|---|"
awk -v o="$open" -v p="$plain" -v l="$limited" 'BEGIN {
    printf "| off | %d | 100%% |\n", o
    printf "| on, a key per request | %d | %.1f%% |\n", p, 100 * p / o
    printf "| on, a key with a budget and an rpm | %d | %.1f%% |\n", l, 100 * l / o
}'
echo
echo "rounds: off $(tr '\n' ' ' <"$dir/open.rps")| key $(tr '\n' ' ' <"$dir/plain.rps")| budget $(tr '\n' ' ' <"$dir/limited.rps")"
