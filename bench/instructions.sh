#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: far steadier than wall-clock numbers on
# shared cores (run it on a quiet machine all the same: idle timers count too, see bench/README.md).
# Runs the gateway (and its workers) under callgrind against the nginx fake upstream of bench/run.sh,
# sends a fixed number of requests twice (few, then many) and divides the difference, so start-up
# and shutdown cancel out. Prints the front's and the worker's instructions per request, whole and
# streamed. Usage: bench/instructions.sh [BIN_DIR, default: this tree's release build]. Loopback only.
# AUTH=1 turns client keys on and sends a key (no limits) with every request: the cost of auth.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
BIN_DIR=${1:-}
scripts/setup.sh nginx-light valgrind
if [ -z "$BIN_DIR" ]; then
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    BIN_DIR=.build/release
fi
# Valgrind 3.19 cannot read the DWARF 5 debug information Swift's toolchain writes ("unhandled dwarf2
# abbrev form"), and gives up: it runs copies of the binaries without it (instruction counts are the same).
stripped=$(mktemp -d /tmp/orchestra-instructions-bin.XXXXXX)
for binary in orchestra orchestra-worker; do objcopy --strip-debug "$BIN_DIR/$binary" "$stripped/$binary"; done
BIN_DIR=$stripped
UPSTREAM_PORT=18180
PROXY_PORT=18181
GATEWAY_PORT=18182
FEW=50
MANY=350

dir=$(mktemp -d /tmp/orchestra-instructions.XXXXXX)
cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    rm -rf "$stripped"
    [ -n "${KEEP:-}" ] && echo "kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT
start_fake_upstream "$dir" "$UPSTREAM_PORT" "$PROXY_PORT"
builtins_off >"$dir/config.toml"
cat >>"$dir/config.toml" <<TOML
[server]
listen = "127.0.0.1:$GATEWAY_PORT"
runtime_dir = "$dir"
[supervisor]
ready_timeout = 120
ping_interval = 30
ping_timeout = 60
[usage]
database = "$dir/usage.sqlite"
[providers.bench]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
[providers.benchstream]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/stream/v1"
[auth]
enabled = $([ -n "${AUTH:-}" ] && echo true || echo false)
TOML
KEY=dummy
[ -n "${AUTH:-}" ] && KEY=$("$BIN_DIR/orchestra" keys create --config "$dir/config.toml" --name bench | awk '/^key:/ { print $2 }')

# count STREAM N -> "front worker" instructions for N requests, start-up and shutdown included
count() {
    local stream=$1 n=$2 out="$dir/cg-$1-$2"
    mkdir -p "$out"
    valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$out/%p.out" \
        "$BIN_DIR/orchestra" serve --config "$dir/config.toml" 2>"$out/gateway.log" &
    local pid=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" && break
        sleep 0.2
    done
    python3 - "$GATEWAY_PORT" "$stream" "$n" "$KEY" <<'PY'
import http.client, json, sys
port, stream, n, key = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
body = {"model": "benchstream/model" if stream else "bench/model", "max_tokens": 64,
        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                     {"role": "user", "content": "Write a haiku about gateways."}]}
if stream:
    body["stream"] = True
payload = json.dumps(body).encode()
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
for _ in range(n):
    connection.request("POST", "/v1/chat/completions", payload, {"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
PY
    kill -TERM "$pid"
    wait "$pid" || true
    local front=0 worker=0
    for file in "$out"/*.out; do
        local total
        total=$(awk '/^(summary|totals):/ { print $2; exit }' "$file")
        if grep -q '^cmd:.*orchestra-worker' "$file"; then
            worker=$((worker + total))
        else
            front=$((front + total))
        fi
    done
    echo "$front $worker"
}

echo "| mode | front instructions / request | worker instructions / request |"
echo "|---|---|---|"
for stream in 0 1; do
    read -r few_front few_worker < <(count "$stream" "$FEW")
    read -r many_front many_worker < <(count "$stream" "$MANY")
    mode=json
    [ "$stream" = 1 ] && mode=sse
    echo "| $mode | $(((many_front - few_front) / (MANY - FEW))) | $(((many_worker - few_worker) / (MANY - FEW))) |"
done
