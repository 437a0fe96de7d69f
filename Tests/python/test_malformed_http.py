"""Broken HTTP body framing is the client's mistake (issue 14): an invalid, negative or overflowing chunk
size is a 400 in OpenAI's shape, never a 500 `internal_error` (the gateway logs it at debug)."""
import os
import pathlib
import signal
import socket
import tempfile

import pytest

from conftest import start_gateway


@pytest.fixture(scope="module")
def gateway_with_log():
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-framing-"))
    config = workdir / "config.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n[usage]\ndatabase = "{workdir}/u.sqlite"\n')
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def exchange(url, raw):
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(raw)
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
            piece = connection.recv(65536)
            if not piece:
                break
            answer += piece
    return answer.decode(errors="replace")


HEAD = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n")


@pytest.mark.parametrize("chunk", [b"zz\r\n{}\r\n0\r\n\r\n", b"-5\r\n{}\r\n0\r\n\r\n",
                                   b"ffffffffffffffffffff\r\n{}\r\n0\r\n\r\n"], ids=["invalid", "negative", "overflow"])
def test_bad_chunk_size_is_a_400(gateway_with_log, chunk):
    answer = exchange(gateway_with_log, HEAD + chunk)
    assert answer.startswith("HTTP/1.1 400"), answer
    assert '"type":"invalid_request_error"' in answer and "internal_error" not in answer
