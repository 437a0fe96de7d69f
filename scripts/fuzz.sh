#!/usr/bin/env bash
# Fuzzes every parser of outside input with libFuzzer (Swift's -sanitize=fuzzer) for a bounded time:
# the frame codec, the SSE parser, the JSON field rewriter and usage reader, the strict JSON object check
# and the request envelope (against JSONDecoder), request preparation and
# answer translation for every dialect, and the front's Anthropic Messages and Responses decoding and encoding. Seeds: Tests/Fuzz/<target>/. A crash leaves its input in
# .build/fuzz-crashes/<target>/ and fails the run: copy it into Tests/Fuzz/<target>/ with the fix, and the
# plain build of orchestra-fuzz (run by scripts/test.sh) replays it forever after.
# Usage: scripts/fuzz.sh [seconds per target, default 25] (each target also stops after 300,000 inputs)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-25}"
# Only the project's own modules are instrumented (Package.swift reads ORCHESTRA_FUZZ): the dependencies
# already built in .build are reused, and the next plain build recompiles just those modules.
ORCHESTRA_FUZZ=1 swift build --product orchestra-fuzz
binary=.build/debug/orchestra-fuzz
status=0
for target in frames sse scan envelope requests answers messages message-answers responses response-answers; do
    work=$(mktemp -d)
    mkdir -p ".build/fuzz-crashes/$target"
    if SWIFT_BACKTRACE=enable=no ORCHESTRA_FUZZ_TARGET=$target "$binary" "$work" "Tests/Fuzz/$target" -max_total_time="$seconds" -runs=300000 -max_len=16384 \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix=".build/fuzz-crashes/$target/" \
        >"$work.log" 2>&1; then
        echo "fuzz $target: $(grep -E '^stat::number_of_executed_units' "$work.log" | awk '{print $2}') inputs, no crash"
    else
        echo "fuzz $target: FAILED"; tail -40 "$work.log"; status=1
    fi
    rm -rf "$work" "$work.log"
done
exit $status
