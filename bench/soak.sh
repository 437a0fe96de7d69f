#!/usr/bin/env bash
# A bounded soak: chat, streams, bad JSON and unknown models mixed for a while, with the front's RSS and
# fds and the PSS of the front and every worker sampled; prints a markdown table (bench/frontdoor.py).
# Usage: bench/soak.sh [seconds, default 60]. ORCHESTRA_BIN_DIR as in run.sh (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
exec python3 bench/frontdoor.py soak "$(bench_binaries)" "${1:-60}"
