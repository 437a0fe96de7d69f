#!/usr/bin/env bash
# Instructions per request, counted by valgrind's callgrind: far steadier than wall-clock numbers on
# shared cores (run it on a quiet machine all the same: idle timers count too, see bench/README.md).
# Runs the gateway (and its workers) under callgrind against the nginx fake upstream of bench/run.sh
# and counts only while a fixed number of requests run, minus an idle interval as long (start-up,
# shutdown and the idle timers cancel out). Prints the front's and the worker's instructions per request, whole and
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
# Valgrind 3.19 also dies on dispatch_main's read-only signal mask in a dynamically linked build (see
# bench/sigsuspend-copy.c): a sigsuspend that passes a copy is preloaded.
"$(command -v cc || command -v clang)" -shared -fPIC -O2 -o "$stripped/sigsuspend-copy.so" bench/sigsuspend-copy.c
UPSTREAM_PORT=18180
PROXY_PORT=18181
GATEWAY_PORT=18182
REQUESTS=${REQUESTS:-200}

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

# requests STREAM N: N chat requests on one connection; prints how long they took, in seconds.
requests() {
    python3 - "$GATEWAY_PORT" "$1" "$2" "$KEY" <<'PY'
import http.client, json, sys, time
port, stream, n, key = int(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
body = {"model": "benchstream/model" if stream else "bench/model", "max_tokens": 64,
        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                     {"role": "user", "content": "Write a haiku about gateways."}]}
if stream:
    body["stream"] = True
payload = json.dumps(body).encode()
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
started = time.monotonic()
for _ in range(n):
    connection.request("POST", "/v1/chat/completions", payload, {"Content-Type": "application/json", "Authorization": f"Bearer {key}"})
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status
print(f"{time.monotonic() - started:.3f}")
PY
}

# totals DIR SUFFIX -> "front worker": instructions in the dumps named *.out.SUFFIX
totals() {
    local front=0 worker=0 file total
    for file in "$1"/*.out."$2"; do
        total=$(awk '/^(summary|totals):/ && $2 > most { most = $2 } END { print most + 0 }' "$file")
        if grep -q '^cmd:.*orchestra-worker' "$file"; then worker=$((worker + total)); else front=$((front + total)); fi
    done
    echo "$front $worker"
}

# count STREAM -> "front worker" instructions per request. Instrumentation is on only while N requests
# run (after a warm-up), then for an idle interval as long: the idle timers' share (the supervisor's
# tick, the usage flush), which grows with valgrind's slowness, is subtracted.
count() {
    local stream=$1 out="$dir/cg-$1"
    mkdir -p "$out"
    LD_PRELOAD="$stripped/sigsuspend-copy.so" valgrind --tool=callgrind --trace-children=yes --instr-atstart=no --callgrind-out-file="$out/%p.out" \
        "$BIN_DIR/orchestra" serve --config "$dir/config.toml" 2>"$out/gateway.log" &
    local pid=$!
    for _ in $(seq 1 600); do
        curl -sf -o /dev/null "http://127.0.0.1:$GATEWAY_PORT/health" && break
        sleep 0.2
    done
    requests "$stream" 10 >/dev/null
    callgrind_control --instr=on >/dev/null 2>&1
    local seconds
    seconds=$(requests "$stream" "$REQUESTS")
    callgrind_control --instr=off >/dev/null 2>&1
    callgrind_control --dump=busy >/dev/null 2>&1
    callgrind_control --zero >/dev/null 2>&1
    callgrind_control --instr=on >/dev/null 2>&1
    sleep "$seconds"
    callgrind_control --instr=off >/dev/null 2>&1
    callgrind_control --dump=idle >/dev/null 2>&1
    kill -TERM "$pid"
    wait "$pid" || true
    local busy_front busy_worker idle_front idle_worker
    read -r busy_front busy_worker < <(totals "$out" 1)
    read -r idle_front idle_worker < <(totals "$out" 2)
    echo "$(((busy_front - idle_front) / REQUESTS)) $(((busy_worker - idle_worker) / REQUESTS))"
}

echo "| mode | front instructions / request | worker instructions / request |"
echo "|---|---|---|"
for stream in 0 1; do
    read -r front worker < <(count "$stream")
    mode=json
    [ "$stream" = 1 ] && mode=sse
    echo "| $mode | $front | $worker |"
done
