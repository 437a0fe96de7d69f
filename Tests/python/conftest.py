"""Fixtures for driving the real gateway with the official openai SDK.

A small fake OpenAI upstream runs on 127.0.0.1 in a thread; the gateway binary is started with a
config pointing a `fake` provider at it, and the tests wait for the gateway's own "ready" line.
"""
import json
import os
import queue
import re
import signal
import subprocess
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fake_dialects import FakeDialects, fitting

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("ORCHESTRA_BIN_DIR", ROOT / ".build" / "debug"))
FAKE_KEY = "sdk-test-upstream-key"
TOOL_ANSWER = "It is 21 degrees in Paris."
# The running gateway's config path and environment, for tests that run other orchestra commands.
GATEWAY_RUN = {}
BUILTINS = ["kimi", "nvidia", "mistral", "codestral", "openrouter", "siliconflow", "groq", "cerebras", "gemini"]


class FakeOpenAI(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *args):
        pass

    def _json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length))
        FakeOpenAI.seen.append({"headers": dict(self.headers), "body": request})
        model = request.get("model")
        if request.get("tools"):
            return self._tool_turn(request)
        if model == "rate-limited":
            return self._json(429, {"error": {"message": "slow down", "type": "rate_limit_error",
                                              "param": None, "code": "rate_limit_exceeded"}},
                              {"retry-after": "3"})
        if model == "server-error":
            return self._json(500, {"error": {"message": "boom", "type": "server_error"}})
        response_format = request.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            # Structured output, as OpenAI answers it: a JSON text that fits the schema.
            return self._json(200, {
                "id": "chatcmpl-s", "object": "chat.completion", "created": 1, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant",
                                                     "content": json.dumps(fitting(response_format["json_schema"]["schema"]))},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6}})
        if model in ("reasoner", "cut-short"):
            return self._reasoned(request)
        if not request.get("stream"):
            return self._json(200, {
                "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "fake says hi"},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        def send(obj):
            self.wfile.write(b"data: " + json.dumps(obj).encode() + b"\n\n")
            self.wfile.flush()
        base = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1, "model": model}
        send({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})
        for word in ["fake", " streams", " hi"]:
            send({**base, "choices": [{"index": 0, "delta": {"content": word}, "finish_reason": None}]})
            if model == "drop-mid-stream":
                self.close_connection = True
                return
        send({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
        if (request.get("stream_options") or {}).get("include_usage"):
            send({**base, "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 3, "total_tokens": 6}})
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _reasoned(self, request):
        """`reasoner` thinks aloud (`reasoning_content`, as DeepSeek and Kimi send it) before it answers;
        `cut-short` stops at its output limit (`finish_reason: length`)."""
        model = request["model"]
        reasoning = "The user greets me." if model == "reasoner" else None
        text, finish = ("Hello!", "stop") if model == "reasoner" else ("Once upon a", "length")
        usage = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12,
                 "completion_tokens_details": {"reasoning_tokens": 4 if reasoning else 0},
                 "prompt_tokens_details": {"cached_tokens": 2}}
        base = {"id": "chatcmpl-r", "created": 1, "model": model}
        if not request.get("stream"):
            message = {"role": "assistant", "content": text}
            if reasoning:
                message["reasoning_content"] = reasoning
            return self._json(200, {**base, "object": "chat.completion", "usage": usage,
                                    "choices": [{"index": 0, "message": message, "finish_reason": finish}]})
        deltas = ([{"reasoning_content": piece} for piece in ["The user ", "greets me."]] if reasoning else []) + \
            [{"content": piece} for piece in [text[:4], text[4:]]]
        self._stream(request, base, usage, deltas, finish)

    def _stream(self, request, base, usage, deltas, finish):
        """An SSE answer: one chunk per delta (the last with `finish`), the usage chunk when asked, [DONE]."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        for index, delta in enumerate(deltas):
            self.wfile.write(b"data: " + json.dumps({**base, "object": "chat.completion.chunk", "choices": [
                {"index": 0, "delta": delta, "finish_reason": finish if index == len(deltas) - 1 else None}]}).encode() + b"\n\n")
        if (request.get("stream_options") or {}).get("include_usage"):
            self.wfile.write(b"data: " + json.dumps({**base, "object": "chat.completion.chunk", "choices": [],
                                                      "usage": usage}).encode() + b"\n\n")
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def _tool_turn(self, request):
        """A tool-calling conversation: call get_weather, then answer once the result is back."""
        answered = request["messages"][-1]["role"] == "tool"
        if answered:
            message = {"role": "assistant", "content": TOOL_ANSWER}
            finish = "stop"
        else:
            message = {"role": "assistant", "content": None, "tool_calls": [{
                "id": "call_oai_1", "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'}}]}
            finish = "tool_calls"
        usage = {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}
        base = {"id": "chatcmpl-tools", "created": 1, "model": request["model"]}
        if not request.get("stream"):
            return self._json(200, {**base, "object": "chat.completion", "usage": usage,
                                    "choices": [{"index": 0, "message": message, "finish_reason": finish}]})
        deltas = [{"role": "assistant", "content": ""}]
        if answered:
            deltas.append({"content": TOOL_ANSWER})
        else:
            call = message["tool_calls"][0]
            deltas.append({"tool_calls": [{"index": 0, "id": call["id"], "type": "function",
                                           "function": {"name": "get_weather", "arguments": ""}}]})
            deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": piece}}]} for piece in ['{"city": ', '"Paris"}']]
        self._stream(request, base, usage, deltas + [{}], finish)


def serve(handler):
    """Runs an HTTP handler class on 127.0.0.1 (ephemeral port) in a thread; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def fake_upstream():
    for url in serve(FakeOpenAI):
        yield url + "/v1"


@pytest.fixture(scope="session")
def fake_dialects():
    yield from serve(FakeDialects)


def keyed_gateway(prefix, extra=""):
    """Starts a gateway with client keys on and a fresh admin key (`orchestra admin-key`), its database
    in a new directory; `extra` is more TOML. Yields (url, admin key, config path); stops it after."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    admin_key = workdir / "admin.key"
    subprocess.run([str(BIN_DIR / "orchestra"), "admin-key", "--out", str(admin_key)], check=True, capture_output=True)
    config = workdir / "config.toml"
    config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{workdir}"
[auth]
enabled = true
admin_key_file = "{admin_key}"
[usage]
database = "{workdir}/gateway.sqlite"
flush_interval = 0.1
{extra}""")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    yield url, admin_key.read_text().strip(), config
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def gateway_with_keys(prefix, names):
    """Starts a gateway with client keys on (no admin key) and one key per name made with
    `orchestra keys create` before it starts; yields (url, [key, …]) and stops it after."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    config = workdir / "config.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n[auth]\nenabled = true\n'
                      f'[usage]\ndatabase = "{workdir}/gateway.sqlite"\n')
    keys = []
    for name in names:
        created = subprocess.run([str(BIN_DIR / "orchestra"), "keys", "create", "--name", name, "--config", str(config)],
                                 check=True, capture_output=True, text=True).stdout
        keys.append(re.search(r"^key:\s+(orch_\w+)$", created, re.M).group(1))
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    yield url, keys
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def fake_provider_gateway(prefix, upstream, server_extra=""):
    """Starts a gateway whose only provider is `fake` at `upstream` (every built-in off, keys off), with
    `server_extra` more `[server]` TOML; yields its URL and stops it after."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    config = workdir / "config.toml"
    disabled = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS)
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n{server_extra}\n'
                      f'[usage]\ndatabase = "{workdir}/u.sqlite"\n{disabled}'
                      f'[providers.fake]\nbase_url = "{upstream}"\napi_key_env = "FAKE_PROVIDER_KEY"\n')
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    env["FAKE_PROVIDER_KEY"] = FAKE_KEY
    process, url = start_gateway(config, env)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def start_gateway(config, env, preexec_fn=None):
    """Starts `orchestra serve --config config` and waits for its own "ready" line; returns the process
    and the address it listens on. One thread reads stderr line by line (and keeps draining it, so the
    gateway never blocks on a full pipe); the lines after "ready" wait in `process.log_lines`."""
    process = subprocess.Popen([str(BIN_DIR / "orchestra"), "serve", "--config", str(config)],
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, preexec_fn=preexec_fn)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line.decode()) for line in iter(process.stderr.readline, b"")],
                     daemon=True).start()
    log, url = "", None
    deadline = time.time() + 30
    while time.time() < deadline and "ready:" not in log:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.time()))
        except queue.Empty:
            break
        log += line
        match = re.search(r"listening on (http://[0-9.]+:[0-9]+)", line)
        if match:
            url = match.group(1)
    if url is None or "ready:" not in log:
        process.kill()
        raise RuntimeError("gateway did not start:\n" + log)
    process.log_lines = lines
    return process, url


@pytest.fixture(scope="session")
def gateway(fake_upstream, fake_dialects):
    workdir = Path(tempfile.mkdtemp(prefix="orchestra-sdk-"))
    disabled = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS)
    config = workdir / "config.toml"
    config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{workdir}"
{disabled}
[providers.fake]
base_url = "{fake_upstream}"
api_key_env = "SDK_FAKE_KEY"

[providers.fake.models."coder-fim"]
context_length = 32768
max_output = 16384
tools = true
fim = true

[providers.fake.models."vision-model"]
context_length = 128000
vision = true

[providers.nokey]
base_url = "{fake_upstream}"
api_key_env = "SDK_MISSING_KEY"

[providers.gem]
dialect = "gemini"
base_url = "{fake_dialects}/gemini/v1beta"
api_key_env = "SDK_FAKE_KEY"

[providers.anth]
dialect = "anthropic"
base_url = "{fake_dialects}/anthropic"
api_key_env = "SDK_FAKE_KEY"
""")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY") and k != "SDK_MISSING_KEY"}
    env["SDK_FAKE_KEY"] = FAKE_KEY
    env["XDG_STATE_HOME"] = str(workdir)
    process, url = start_gateway(config, env)
    GATEWAY_RUN["config"] = str(config)
    GATEWAY_RUN["env"] = env
    yield url
    process.terminate()
    process.wait(timeout=15)
