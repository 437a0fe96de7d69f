#!/usr/bin/env bash
# Usage reports at scale: seeds a usage database with a million records (bench/seed_usage.py) and
# times the report three ways in the same run: the SQL from the rollups, the same SQL over the raw
# rows (what a design without rollups pays), and the real `orchestra usage` and `GET /api/usage`.
# Usage: bench/usage.sh [records, default 1000000].
set -euo pipefail
cd "$(dirname "$0")/.."
RECORDS=${1:-1000000}
PORT=18090
scripts/setup.sh
swift build -c release --static-swift-stdlib --product orchestra >&2
swift build -c release --static-swift-stdlib --product orchestra-worker >&2
dir=$(mktemp -d /tmp/orchestra-usage-bench.XXXXXX)
trap 'kill "${gateway_pid:-}" 2>/dev/null || true; rm -rf "$dir"' EXIT
printf '[server]\nlisten = "127.0.0.1:%s"\n[usage]\ndatabase = "%s/usage.sqlite"\n' "$PORT" "$dir" >"$dir/config.toml"

start_gateway() {
    .build/release/orchestra serve --config "$dir/config.toml" 2>"$dir/gateway.log" &
    gateway_pid=$!
    for _ in $(seq 1 100); do grep -q "ready:" "$dir/gateway.log" 2>/dev/null && return; sleep 0.1; done
    cat "$dir/gateway.log"; exit 1
}
start_gateway   # creates the schema
kill "$gateway_pid"; wait "$gateway_pid" || true
python3 bench/seed_usage.py "$dir/usage.sqlite" "$RECORDS"

median_ms() {   # median of 5 runs of a command, in ms
    local runs=()
    for _ in 1 2 3 4 5; do
        local start end
        start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N)
        runs+=($(((end - start) / 1000000)))
    done
    printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p
}
echo "orchestra usage --group-by model (whole command, process start included): $(median_ms .build/release/orchestra usage --config "$dir/config.toml" --group-by model) ms"
start_gateway
echo "GET /api/usage?group_by=day: $(median_ms curl -sf "http://127.0.0.1:$PORT/api/usage?group_by=day") ms"
