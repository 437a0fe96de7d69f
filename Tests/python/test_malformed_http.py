"""HTTP/1 at the edges. Broken HTTP body framing is the client's mistake (issue 14): an invalid, negative
or overflowing chunk size is a 400 in OpenAI's shape, never a 500 `internal_error` (the gateway logs it at
debug). Pipelined requests are answered in order, `Connection: close` and a half-close close the
connection after the answer, and a head the decoder cannot read is a 400."""
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


def connect(url):
    host, port = url.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def exchange(url, raw):
    with connect(url) as connection:
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


def read_until_closed(connection):
    answer = b""
    while True:
        piece = connection.recv(65536)
        if not piece:
            return answer.decode(errors="replace")
        answer += piece


def chat_request():
    body = b'{"model":"demo/echo","max_tokens":8,"messages":[{"role":"user","content":"hello"}]}'
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)


def test_pipelined_requests_are_answered_in_order_and_connection_close_closes_after_the_last(gateway_with_log):
    # Three requests in one write: two answers in order, the third asks to close (HTTP/1.1 pipelining).
    with connect(gateway_with_log) as connection:
        connection.sendall(b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + chat_request()
                           + b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = read_until_closed(connection)
    assert answer.count("HTTP/1.1 200") == 3, answer
    first, chat, last = answer.index('"object":"list"'), answer.index('"chat.completion"'), answer.rindex('"object":"list"')
    assert first < chat < last, answer


def test_a_client_that_half_closes_after_its_request_still_gets_the_whole_answer(gateway_with_log):
    with connect(gateway_with_log) as connection:
        connection.sendall(chat_request())
        connection.shutdown(socket.SHUT_WR)
        answer = read_until_closed(connection)
    assert answer.startswith("HTTP/1.1 200"), answer
    assert answer.rstrip().endswith("}") and '"chat.completion"' in answer, answer


def test_a_head_the_decoder_cannot_read_is_a_400_and_the_connection_closes(gateway_with_log):
    with connect(gateway_with_log) as connection:
        connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nBroken header line\r\n\r\n")
        answer = read_until_closed(connection)
    assert answer.startswith("HTTP/1.1 400"), answer
