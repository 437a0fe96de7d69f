#!/usr/bin/env bash
# Sets up, builds (release) and runs the gateway on http://127.0.0.1:8000.
# With no provider keys, the built-in `demo` provider still answers: try `demo/echo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
swift build -c release --static-swift-stdlib --product orchestra
swift build -c release --static-swift-stdlib --product orchestra-worker
exec .build/release/orchestra serve "$@"
