#!/usr/bin/env bash
# Benchmarks Orchestra against a local fake upstream (nginx returning fixed JSON and SSE), with wrk,
# three ways in the same run: direct to the upstream, through nginx as a plain reverse proxy (the best a
# proxy can do on this machine), and through Orchestra (front -> Unix socket -> worker -> libcurl).
# Usage: bench/run.sh [seconds per run, default 10]. Loopback only; every run is bounded in time.
# ORCHESTRA_BIN_DIR=dir runs the binaries found there instead of building this tree's (to measure an
# older build against this one in the same session).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${1:-10}
UPSTREAM_PORT=18080
PROXY_PORT=18081
GATEWAY_PORT=18082
scripts/setup.sh nginx-light wrk
BIN_DIR=${ORCHESTRA_BIN_DIR:-}
if [ -z "$BIN_DIR" ]; then
    echo "bench: building release binaries" >&2
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    BIN_DIR=.build/release
fi

for port in $UPSTREAM_PORT $PROXY_PORT $GATEWAY_PORT; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "bench: port $port is already in use; stop whatever listens there first" >&2
        exit 1
    fi
done

dir=$(mktemp -d /tmp/orchestra-bench.XXXXXX)
cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    [ -n "${gateway_pid:-}" ] && kill "$gateway_pid" 2>/dev/null && wait "$gateway_pid" 2>/dev/null || true
    rm -rf "$dir"
}
trap cleanup EXIT

start_fake_upstream "$dir" "$UPSTREAM_PORT" "$PROXY_PORT"
builtins_off >"$dir/config.toml"
cat >>"$dir/config.toml" <<TOML
[server]
listen = "127.0.0.1:$GATEWAY_PORT"
[providers.bench]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.benchstream]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/stream/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
# Translation cost: the same answers in Gemini's and Anthropic's dialects, and OpenAI with Mistral-like quirks.
[providers.gem]
dialect = "gemini"
base_url = "http://127.0.0.1:$UPSTREAM_PORT/gem/v1beta"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.anth]
dialect = "anthropic"
base_url = "http://127.0.0.1:$UPSTREAM_PORT/anth"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.anthstream]
dialect = "anthropic"
base_url = "http://127.0.0.1:$UPSTREAM_PORT/anthstream"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.quirky]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
quirks = { drop_fields = ["store"], rename_fields = { seed = "random_seed" }, developer_as_system = true, drop_nulls = true }
[providers.quirkystream]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/stream/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
quirks = { drop_fields = ["store"], rename_fields = { seed = "random_seed" }, developer_as_system = true, drop_nulls = true }
TOML
BENCH_UPSTREAM_KEY=bench-key "$BIN_DIR/orchestra" serve --config "$dir/config.toml" 2>"$dir/gateway.log" &
gateway_pid=$!
for _ in $(seq 1 100); do
    grep -q "ready:" "$dir/gateway.log" 2>/dev/null && curl -sf -o /dev/null "http://127.0.0.1:$UPSTREAM_PORT/v1/chat/completions" -d '{}' && break
    sleep 0.1
done
grep -q "ready:" "$dir/gateway.log" || { cat "$dir/gateway.log"; echo "gateway did not start"; exit 1; }

# run TARGET_URL MODEL STREAM CONNECTIONS -> "req/s p50_ms p99_ms"
run() {
    local threads=2
    [ "$4" -eq 1 ] && threads=1
    MODEL=$2 STREAM=$3 wrk -t"$threads" -c"$4" -d"${DURATION}s" --latency -s bench/post.lua "$1" >"$dir/wrk.out" 2>&1
    local errors
    errors=$(grep -E "Non-2xx|Socket errors" "$dir/wrk.out" || true)
    [ -n "$errors" ] && echo "warning: $1 $2 c=$4: $errors" >&2
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        END { printf "%.0f %.3f %.3f\n", rps, p50, p99 }' "$dir/wrk.out"
}

peak_rss_kb() { awk '/VmHWM/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

echo "# Orchestra benchmark, $(date -u +%Y-%m-%d), ${DURATION}s per cell, $(nproc) cores, wrk and all servers on this machine"
echo
echo "| mode | conns | direct req/s | nginx proxy req/s | orchestra req/s | orchestra / proxy | direct p50 ms | proxy p50 ms | orchestra p50 ms | added p50 ms (vs direct) | orchestra p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
# A short warm-up so the first measured cell does not pay for connection setup and page faults.
MODEL=bench/model STREAM=0 wrk -t1 -c4 -d2s -s bench/post.lua "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" >/dev/null 2>&1
for mode in json sse; do
    if [ "$mode" = json ]; then stream=0; path=/v1/chat/completions; provider=bench; else stream=1; path=/stream/v1/chat/completions; provider=benchstream; fi
    for conns in 1 16 64; do
        read -r d_rps d_p50 d_p99 < <(run "http://127.0.0.1:$UPSTREAM_PORT$path" model "$stream" "$conns")
        read -r p_rps p_p50 p_p99 < <(run "http://127.0.0.1:$PROXY_PORT$path" model "$stream" "$conns")
        read -r o_rps o_p50 o_p99 < <(run "http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions" "$provider/model" "$stream" "$conns")
        awk -v m="$mode" -v c="$conns" -v dr="$d_rps" -v pr="$p_rps" -v or="$o_rps" -v dp="$d_p50" -v pp="$p_p50" -v op="$o_p50" -v o99="$o_p99" \
            'BEGIN { printf "| %s | %d | %d | %d | %d | %.0f%% | %.3f | %.3f | %.3f | %.3f | %.3f |\n", m, c, dr, pr, or, (pr > 0 ? 100 * or / pr : 0), dp, pp, op, op - dp, o99 }'
    done
done

echo
echo "Translation cost through Orchestra, 16 connections: req/s and p50 ms, and each dialect as a share of passthrough."
echo
echo "| mode | passthrough | OpenAI + quirks | Gemini native | Anthropic Messages | quirks / passthrough | Gemini / passthrough | Anthropic / passthrough |"
echo "|---|---|---|---|---|---|---|---|"
gw="http://127.0.0.1:$GATEWAY_PORT/v1/chat/completions"
for mode in json sse; do
    if [ "$mode" = json ]; then stream=0; pass=bench; quirky=quirky; anth=anth; else stream=1; pass=benchstream; quirky=quirkystream; anth=anthstream; fi
    read -r a_rps a_p50 _ < <(run "$gw" "$pass/model" "$stream" 16)
    read -r q_rps q_p50 _ < <(run "$gw" "$quirky/model" "$stream" 16)
    read -r g_rps g_p50 _ < <(run "$gw" "gem/model" "$stream" 16)
    read -r n_rps n_p50 _ < <(run "$gw" "$anth/model" "$stream" 16)
    awk -v m="$mode" -v a="$a_rps" -v ap="$a_p50" -v q="$q_rps" -v qp="$q_p50" -v g="$g_rps" -v gp="$g_p50" -v n="$n_rps" -v np="$n_p50" \
        'BEGIN { printf "| %s | %d (%.3f) | %d (%.3f) | %d (%.3f) | %d (%.3f) | %.0f%% | %.0f%% | %.0f%% |\n", m, a, ap, q, qp, g, gp, n, np, 100 * q / a, 100 * g / a, 100 * n / a }'
done

front_rss=$(peak_rss_kb "$gateway_pid")
worker_rss=0
for pid in $(pgrep -P "$gateway_pid" -f orchestra-worker); do
    rss=$(peak_rss_kb "$pid")
    [ "$rss" -gt "$worker_rss" ] && worker_rss=$rss
done
echo
echo "Peak RSS: front $((front_rss / 1024)) MB, largest worker $((worker_rss / 1024)) MB, front + one worker $(((front_rss + worker_rss) / 1024)) MB."
