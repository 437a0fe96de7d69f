#!/usr/bin/env bash
# The front door under abuse (slowloris, idle floods, fd exhaustion under ulimit -n 1024, malformed HTTP),
# each phase bounded, with a client load running throughout; prints a markdown table (bench/frontdoor.py).
# Usage: bench/abuse.sh [seconds per phase, default 10] [attacking connections, default 2000].
# ORCHESTRA_BIN_DIR as in run.sh (default: a release build).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
exec python3 bench/frontdoor.py abuse "$(bench_binaries)" "${1:-10}" "${2:-2000}"
