#!/usr/bin/env bash
# A regression guard the machine's noise cannot move: instructions per request (callgrind) of the front
# and of a worker on a fixed small workload (bench/instructions.sh, 100 requests, whole and
# streamed), against the numbers committed in bench/instruction-baseline.txt. Fails when one grows more
# than 15 %; says so when one shrinks as much (then commit the new numbers). Runs the debug build that
# the tests already built (a release build from scratch would double CI's time).
# Usage: bench/instruction-guard.sh [--update]   (--update writes the measured numbers as the baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh binutils nginx-light valgrind
baseline=bench/instruction-baseline.txt
swift build --product orchestra >&2
swift build --product orchestra-worker >&2
measured=$(REQUESTS=100 bench/instructions.sh "$(swift build --show-bin-path)")
echo "$measured"
# "| json | front | worker |" rows -> "json front N" lines
current=$(echo "$measured" | awk -F'|' '$2 ~ /json|sse/ { gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/ /, "", $4);
    print $2, "front", $3; print $2, "worker", $4 }')
if [ "${1:-}" = "--update" ]; then
    { echo "# mode process instructions-per-request (debug build; bench/instruction-guard.sh --update, $(date -u +%F))"
      echo "$current"; } >"$baseline"
    echo "instruction guard: baseline written to $baseline"
    exit 0
fi
status=0
while read -r mode process count; do
    expected=$(awk -v m="$mode" -v p="$process" '$1 == m && $2 == p { print $3 }' "$baseline")
    [ -n "$expected" ] || { echo "instruction guard: no baseline for $mode $process in $baseline"; status=1; continue; }
    percent=$(((count - expected) * 100 / expected))
    if ((count * 100 > expected * 115)); then
        echo "instruction guard: $mode $process $count instructions per request, $percent % over the baseline $expected: FAILED"
        status=1
    elif ((count * 100 < expected * 85)); then
        echo "instruction guard: $mode $process $count, $percent % under the baseline $expected: commit the new numbers (--update)"
    else
        echo "instruction guard: $mode $process $count ($percent % against $expected): ok"
    fi
done <<<"$current"
exit $status
