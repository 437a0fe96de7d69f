"""Unbounded answers are bounded (issue 14): an answer larger than the provider's `max_answer_bytes` is a
clear 502 (or an error event in a stream), a stream running past `max_answer_seconds` is ended, and the
front gives the memory of a large answer back."""
import json
import os
import pathlib
import signal
import tempfile
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

import pytest

from conftest import BUILTINS, serve, start_gateway

NO_BUILTINS = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS)


class Unbounded(BaseHTTPRequestHandler):
    """An OpenAI-compatible upstream whose answers are as large or as long as the model name says."""
    protocol_version = "HTTP/1.1"
    stream_ended_by_peer = []

    def log_message(self, *args):
        pass

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        model = request["model"]
        if model.startswith("size-"):
            filler = "x" * int(model.removeprefix("size-"))
            data = json.dumps({"id": "c", "object": "chat.completion", "created": 1, "model": model,
                               "choices": [{"index": 0, "message": {"role": "assistant", "content": filler},
                                            "finish_reason": "stop"}],
                               "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        # "endless" streams a small event every 50 ms until the gateway hangs up; "flood" streams 64 KiB events.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        piece = "y" * (65536 if model == "flood" else 8)
        chunk = {"id": "s", "object": "chat.completion.chunk", "created": 1, "model": model,
                 "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        event = b"data: " + json.dumps(chunk).encode() + b"\n\n"
        try:
            for _ in range(100000):
                self.wfile.write(event)
                self.wfile.flush()
                time.sleep(0.05 if model == "endless" else 0.001)
        except (BrokenPipeError, ConnectionResetError):
            Unbounded.stream_ended_by_peer.append(model)


@pytest.fixture(scope="module")
def gateway():
    for upstream in serve(Unbounded):
        workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-limits-"))
        config = workdir / "config.toml"
        config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n'
                          f'[usage]\ndatabase = "{workdir}/u.sqlite"\n{NO_BUILTINS}'
                          f'[providers.big]\nbase_url = "{upstream}/v1"\napi_key_env = "LIMITS_KEY"\n'
                          f'[providers.small]\nbase_url = "{upstream}/v1"\napi_key_env = "LIMITS_KEY"\n'
                          f'max_answer_bytes = 1000000\nmax_answer_seconds = 2\n')
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env["LIMITS_KEY"] = "limits-test-key"
        process, url = start_gateway(config, env)
        yield url, process.pid
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)


def chat(url, model, stream=False):
    body = json.dumps({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = urllib.request.Request(url + "/v1/chat/completions", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_an_answer_over_the_default_cap_is_a_502(gateway):
    url, _ = gateway
    status, body = chat(url, f"big/size-{40 * 1024 * 1024}")
    assert status == 502, body[:200]
    error = json.loads(body)["error"]
    assert "max_answer_bytes" in error["message"] and "33554432" in error["message"]


def test_an_answer_over_a_configured_cap_is_a_502_and_one_under_it_passes(gateway):
    url, _ = gateway
    status, body = chat(url, "small/size-2000000")
    assert status == 502
    assert "1000000 bytes" in json.loads(body)["error"]["message"]
    status, body = chat(url, "small/size-500000")
    assert status == 200
    assert len(json.loads(body)["choices"][0]["message"]["content"]) == 500000


def test_a_stream_over_the_cap_ends_with_an_error_event(gateway):
    url, _ = gateway
    status, body = chat(url, "small/flood", stream=True)
    assert status == 200
    text = body.decode()
    assert text.count("data: ") > 5, "the stream started"
    assert "max_answer_bytes" in text
    assert len(body) < 2_000_000


def test_a_stream_that_never_ends_is_ended_after_max_answer_seconds(gateway):
    url, _ = gateway
    started = time.monotonic()
    status, body = chat(url, "small/endless", stream=True)
    took = time.monotonic() - started
    assert status == 200
    assert "max_answer_seconds" in body.decode()
    assert took < 20, f"the stream ran {took:.1f} s"
    deadline = time.time() + 10
    while "endless" not in Unbounded.stream_ended_by_peer and time.time() < deadline:
        time.sleep(0.05)
    assert "endless" in Unbounded.stream_ended_by_peer, "the upstream transfer was not stopped"


def test_the_front_gives_back_the_memory_of_a_large_answer(gateway):
    url, pid = gateway
    assert chat(url, "big/size-1000")[0] == 200
    before = rss_kib(pid)
    # One large answer, then smaller ones: glibc's sliding threshold would keep the smaller ones in the heap.
    for mebibytes in [24, 12, 8, 12, 6]:
        status, body = chat(url, f"big/size-{mebibytes * 1024 * 1024}")
        assert status == 200 and len(body) > mebibytes * 1024 * 1024
    # The last answer's buffers are freed once its write completes, a moment after the client has it all.
    deadline = time.time() + 5
    while (grown := rss_kib(pid) - before) >= 6 * 1024 and time.time() < deadline:
        time.sleep(0.05)
    assert grown < 6 * 1024, f"the front kept {grown} KiB after relaying answers of 6 to 24 MiB"
