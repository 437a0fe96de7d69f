# Shared by the bench scripts: the nginx fake upstream, and a config with every built-in provider off.

# start_fake_upstream DIR UPSTREAM_PORT PROXY_PORT: nginx from bench/nginx.conf.template, in the background.
start_fake_upstream() {
    sed -e "s#BENCH_DIR#$1#g" -e "s#UPSTREAM_PORT#$2#g" -e "s#PROXY_PORT#$3#g" bench/nginx.conf.template >"$1/nginx.conf"
    nginx -c "$1/nginx.conf" -p "$1" &
}

# builtins_off: TOML that disables every built-in provider but the offline demo.
builtins_off() {
    for builtin in kimi nvidia mistral codestral openrouter siliconflow groq cerebras gemini; do
        printf '[providers.%s]\nenabled = false\n' "$builtin"
    done
}

# bench_binaries: $ORCHESTRA_BIN_DIR, or a release build of both binaries (built now); prints the directory.
bench_binaries() {
    if [ -n "${ORCHESTRA_BIN_DIR:-}" ]; then echo "$ORCHESTRA_BIN_DIR"; return; fi
    swift build -c release --static-swift-stdlib --product orchestra >&2
    swift build -c release --static-swift-stdlib --product orchestra-worker >&2
    echo .build/release
}
