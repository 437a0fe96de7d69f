#!/usr/bin/env bash
# Sets up, builds and runs every test: the Swift suites (real binaries, fake upstreams on 127.0.0.1)
# and the official openai Python SDK against the running gateway.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh python3-venv systemd chromium postgresql

# Layout first: the checked-in .swift-format, lint mode, any finding fails.
swift format lint --strict --recursive Sources Tests Package.swift

swift build --build-tests
# Serialized: every suite starts real gateways and workers; side by side on 2 cores, timing-based
# checks (p99 comparisons, ping deadlines) get noisy.
swift test --skip-build --no-parallel

venv=.build/venv
if [ ! -x "$venv/bin/pytest" ] || [ ! -x "$venv/bin/schemathesis" ] || ! "$venv/bin/python" -c "import agents" 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check openai openai-agents anthropic pyyaml prometheus-client \
        websocket-client pytest schemathesis
fi
# A throw-away PostgreSQL cluster (a temp directory, an unprivileged owner, a free port on 127.0.0.1)
# for the storage tests, stopped however the run ends.
eval "$(scripts/postgres.sh start)"
trap 'scripts/postgres.sh stop "$ORCHESTRA_TEST_POSTGRES_DIR"' EXIT
ORCHESTRA_BIN_DIR="$(swift build --show-bin-path)" "$venv/bin/python" -m pytest -q Tests/python

# Every fuzz input ever kept (seeds and crashes found) through its target, then libFuzzer for a while.
"$(swift build --show-bin-path)/orchestra-fuzz" Tests/Fuzz
scripts/fuzz.sh 20
