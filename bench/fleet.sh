#!/usr/bin/env bash
# PostgreSQL mode against SQLite mode, in one run, on the same nginx fake upstream: a key with a budget
# and an rpm (so every request reserves, settles and takes a window slot), 64 connections, non-streaming,
# and one connection for the added latency. Then the same with three PostgreSQL instances sharing the
# database (three wrk processes, one per instance, their rates summed). The database's transactions per
# request are counted from pg_stat_database (the background's own rate, measured idle, subtracted), and
# pgbench measures how many requests' database work (admission + end) this PostgreSQL sustains.
# Usage: bench/fleet.sh [seconds per run, default 10] [rounds, default 3]. ORCHESTRA_BIN_DIR as in run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
DURATION=${1:-10}
ROUNDS=${2:-3}
UPSTREAM_PORT=18080
PROXY_PORT=18081
SQLITE_PORT=18096
PG_PORTS=(18097 18098 18099)
CONNS=64
scripts/setup.sh nginx-light wrk postgresql
BIN_DIR=$(bench_binaries)
dir=$(mktemp -d /tmp/orchestra-fleet-bench.XXXXXX)
eval "$(scripts/postgres.sh start)"
pids=()
cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    scripts/postgres.sh stop "$ORCHESTRA_TEST_POSTGRES_DIR"
    rm -rf "$dir"
}
trap cleanup EXIT
start_fake_upstream "$dir" "$UPSTREAM_PORT" "$PROXY_PORT"
export PGPASSWORD
PGPASSWORD=$(cat "$ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE")
psql_url=${ORCHESTRA_TEST_POSTGRES_URL%/*}
sql() { psql "$psql_url/orchestra" -tAc "$1"; }

# config NAME PORT STORAGE: a gateway with keys on and one passthrough provider whose model has a price.
config() {
    builtins_off >"$dir/$1.toml"
    cat >>"$dir/$1.toml" <<TOML
[server]
listen = "127.0.0.1:$2"
runtime_dir = "$dir/$1"
[usage]
database = "$dir/$1.sqlite"
[auth]
enabled = true
[providers.bench]
base_url = "http://127.0.0.1:$UPSTREAM_PORT/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.bench.models.model]
input_price = 0.15
output_price = 0.6
$3
TOML
    mkdir -p "$dir/$1"
}
storage="[storage]
postgres_url = \"$ORCHESTRA_TEST_POSTGRES_URL?sslmode=disable\"
postgres_password_file = \"$ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE\""
config sqlite "$SQLITE_PORT" ""
for index in 0 1 2; do config "pg$index" "${PG_PORTS[$index]}" "$storage
instance_name = \"pg$index\""; done
"$BIN_DIR/orchestra" migrate --config "$dir/pg0.toml" >/dev/null
sql "ALTER DATABASE orchestra SET track_functions = 'pl'" >/dev/null   # to count the gateway's calls
key_for() {   # key_for CONFIG: a key with a budget and an rpm nobody reaches
    "$BIN_DIR/orchestra" keys create --config "$1" --name bench --budget-usd 1000000 --period month --rpm 1000000000 |
        awk '/^key:/ { print $2 }'
}
sqlite_key=$(key_for "$dir/sqlite.toml")
pg_key=$(key_for "$dir/pg0.toml")

start() {   # start NAME
    BENCH_UPSTREAM_KEY=bench-key "$BIN_DIR/orchestra" serve --config "$dir/$1.toml" >/dev/null 2>"$dir/$1.log" &
    pids+=($!)
    for _ in $(seq 1 100); do grep -q "ready:" "$dir/$1.log" 2>/dev/null && break; sleep 0.1; done
    grep -q "ready:" "$dir/$1.log" || { cat "$dir/$1.log"; exit 1; }
}
start sqlite
start pg0

wrk_run() {   # wrk_run PORT KEY CONNS OUT
    KEY=$2 MODEL=bench/model STREAM=0 wrk -t1 -c"$3" -d"${DURATION}s" --latency -s bench/post.lua \
        "http://127.0.0.1:$1/v1/chat/completions" >"$4" 2>&1
    if grep -qE "Non-2xx|Socket errors" "$4"; then echo "warning: port $1: $(grep -E 'Non-2xx|Socket errors' "$4")" >&2; fi
}
rps_of() { awk '/Requests\/sec/ { printf "%.0f\n", $2 }' "$1"; }
requests_of() { awk '/requests in/ { print $1 }' "$1"; }
p50_of() { awk '$1 == "50%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms/, "", v) } else { sub(/s/, "", v); v *= 1000 }; printf "%.3f\n", v }' "$1"; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
calls() { sql "SELECT coalesce(sum(calls), 0) FROM pg_stat_user_functions WHERE funcname = '$1'"; }

for port_key in "$SQLITE_PORT:$sqlite_key" "${PG_PORTS[0]}:$pg_key"; do
    KEY=${port_key#*:} MODEL=bench/model wrk -t1 -c4 -d2s -s bench/post.lua "http://127.0.0.1:${port_key%%:*}/v1/chat/completions" >/dev/null 2>&1
done
: >"$dir/sqlite.rps"; : >"$dir/pg.rps"; : >"$dir/sqlite.p50"; : >"$dir/pg.p50"; : >"$dir/trips"
for _ in $(seq 1 "$ROUNDS"); do
    wrk_run "$SQLITE_PORT" "$sqlite_key" "$CONNS" "$dir/out"; rps_of "$dir/out" >>"$dir/sqlite.rps"
    sleep 2   # function statistics reach pg_stat_user_functions within a second
    admits=$(calls orchestra_admit_request); ends=$(calls orchestra_finish_request)
    wrk_run "${PG_PORTS[0]}" "$pg_key" "$CONNS" "$dir/out"; rps_of "$dir/out" >>"$dir/pg.rps"
    sleep 2
    awk -v a="$(( $(calls orchestra_admit_request) - admits ))" -v e="$(( $(calls orchestra_finish_request) - ends ))" \
        -v n="$(requests_of "$dir/out")" 'BEGIN { printf "%.2f %.2f\n", a / n, e / n }' >>"$dir/trips"
    wrk_run "$SQLITE_PORT" "$sqlite_key" 1 "$dir/out"; p50_of "$dir/out" >>"$dir/sqlite.p50"
    wrk_run "${PG_PORTS[0]}" "$pg_key" 1 "$dir/out"; p50_of "$dir/out" >>"$dir/pg.p50"
done
start pg1
start pg2
: >"$dir/pg3.rps"
for _ in $(seq 1 "$ROUNDS"); do
    runs=()
    for index in 0 1 2; do
        wrk_run "${PG_PORTS[$index]}" "$pg_key" $((CONNS / 3)) "$dir/out$index" &
        runs+=($!)
    done
    wait "${runs[@]}"
    cat "$dir/out0" "$dir/out1" "$dir/out2" | awk '/Requests\/sec/ { sum += $2 } END { printf "%.0f\n", sum }' >>"$dir/pg3.rps"
done

# How many requests' database work (an admission with a window and a budget, then its end with the
# real tokens and cost, as the gateway sends them) this PostgreSQL takes per second from 8 clients, over
# 1,000 keys, and over one key that every request uses (they queue on its lock).
cat >"$dir/request.sql" <<'SQL'
\set n random(1, 1000)
\set id random(1, 1000000000000)
SELECT * FROM orchestra_admit_request('r' || :id, 'pgbench', ('[{"s":"key:bench' || :n || '","w":[[60,1000000000,null]],"h":true}]')::jsonb, 300, ARRAY['key:bench' || :n], ARRAY[0::float8], ARRAY[1e12::float8], 0.0001);
SELECT orchestra_finish_request('r' || :id, 200, ARRAY['key:bench' || :n], ARRAY[0::float8], 0.00005);
SQL
sed 's/random(1, 1000)$/random(1, 1)/' "$dir/request.sql" >"$dir/hot.sql"
pgbench_rate() { pgbench -n -c 8 -j 2 -T "$DURATION" -f "$1" "$psql_url/orchestra" 2>/dev/null | awk '/^tps/ { printf "%.0f\n", $3 }'; }
sql "INSERT INTO instances VALUES ('pgbench', 'pgbench', 0, 1e12) ON CONFLICT DO NOTHING" >/dev/null
spread=$(pgbench_rate "$dir/request.sql")
hot=$(pgbench_rate "$dir/hot.sql")

sqlite=$(median <"$dir/sqlite.rps"); pg=$(median <"$dir/pg.rps"); pg3=$(median <"$dir/pg3.rps")
sqlite_p50=$(median <"$dir/sqlite.p50"); pg_p50=$(median <"$dir/pg.p50")
admit_trips=$(awk '{ print $1 }' "$dir/trips" | median); end_trips=$(awk '{ print $2 }' "$dir/trips" | median)
echo "# Fleet storage, $(date -u +%Y-%m-%d), $(git rev-parse --short HEAD), ${DURATION}s x $ROUNDS rounds (median), a key with a budget and an rpm"
echo
echo "| storage | req/s at $CONNS connections | vs SQLite | p50 at 1 connection |"
echo "|---|---|---|---|"
awk -v s="$sqlite" -v p="$pg" -v t="$pg3" -v sp="$sqlite_p50" -v pp="$pg_p50" 'BEGIN {
    printf "| SQLite, one instance | %d | 100%% | %.3f ms |\n", s, sp
    printf "| PostgreSQL, one instance | %d | %.1f%% | %.3f ms |\n", p, 100 * p / s, pp
    printf "| PostgreSQL, three instances (summed) | %d | %.1f%% | |\n", t, 100 * t / s
}'
echo
echo "database round trips per request (PostgreSQL, one instance): $admit_trips before the upstream is called (orchestra_admit_request), $end_trips after the answer (orchestra_finish_request), and usage records in batches"
echo "pgbench, a request's database work (admission + end), 8 clients: $spread requests/s over 1,000 keys, $hot/s on one key"
echo
echo "rounds: sqlite $(tr '\n' ' ' <"$dir/sqlite.rps")| pg $(tr '\n' ' ' <"$dir/pg.rps")| pg x3 $(tr '\n' ' ' <"$dir/pg3.rps")| trips $(tr '\n' ' ' <"$dir/trips")"
