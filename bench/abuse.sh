#!/usr/bin/env bash
# The front door under abuse (slowloris, idle floods, fd exhaustion under ulimit -n 1024, malformed HTTP),
# each phase bounded, with a client load running throughout; prints a markdown table (bench/frontdoor.py).
# Usage: bench/abuse.sh [seconds per phase, default 10] [attacking connections, default 2000].
# ORCHESTRA_BIN_DIR as in run.sh (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN_DIR=${ORCHESTRA_BIN_DIR:-}
if [ -z "$BIN_DIR" ]; then
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    BIN_DIR=.build/release
fi
exec python3 bench/frontdoor.py abuse "$BIN_DIR" "${1:-10}" "${2:-2000}"
