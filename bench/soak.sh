#!/usr/bin/env bash
# A bounded soak: chat, streams, bad JSON and unknown models mixed for a while, with the front's RSS and
# fds and the PSS of the front and every worker sampled; prints a markdown table (bench/frontdoor.py).
# Usage: bench/soak.sh [seconds, default 60]. ORCHESTRA_BIN_DIR as in run.sh (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN_DIR=${ORCHESTRA_BIN_DIR:-}
if [ -z "$BIN_DIR" ]; then
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    BIN_DIR=.build/release
fi
exec python3 bench/frontdoor.py soak "$BIN_DIR" "${1:-60}"
