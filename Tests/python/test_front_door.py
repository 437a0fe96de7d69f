"""The front door against slow, idle, numerous and leaving clients (issue 14): a connection cap derived from
the file-descriptor limit, header/body/idle timeouts, a body cut short, and a SIGTERM that answers every
request already sent."""
import json
import os
import pathlib
import re
import resource
import select
import signal
import socket
import tempfile
import threading
import time
import urllib.request

import pytest

from conftest import BUILTINS, start_gateway

NO_BUILTINS = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS)


def write_config(prefix, server_extra="", extra=""):
    workdir = pathlib.Path(tempfile.mkdtemp(prefix=prefix))
    config = workdir / "config.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n{server_extra}\n'
                      f'[usage]\ndatabase = "{workdir}/u.sqlite"\n{NO_BUILTINS}{extra}')
    return config


def environment():
    return {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}


def address(url):
    host, port = url.removeprefix("http://").split(":")
    return host, int(port)


def connect(url):
    return socket.create_connection(address(url), timeout=10)


def read_answer(connection):
    """One HTTP answer with a Content-Length body, read off a kept-alive connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = connection.recv(65536)
        assert piece, f"connection closed before an answer: {data!r}"
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        piece = connection.recv(65536)
        assert piece, "connection closed mid-answer"
        body += piece
    return head.decode(), body


def get(connection, path):
    connection.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return read_answer(connection)


def chat_request(model="demo/echo", stream=False):
    body = json.dumps({"model": model, "stream": stream, "messages": [{"role": "user", "content": "hi"}]}).encode()
    return (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def wait_closed(connection, within):
    """True when the peer closes the connection within `within` seconds (reset counts as closed)."""
    connection.settimeout(within)
    try:
        while connection.recv(65536):
            pass
        return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def metric(connection, name):
    _, body = get(connection, "/metrics")
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", body.decode(), re.MULTILINE)
    return float(match.group(1)) if match else 0.0


def wait_until(condition, within=10, what="condition", pause=0.05):
    deadline = time.time() + within
    while time.time() < deadline:
        if condition():
            return
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what}")


def log_until(process, needle, within=10):
    deadline = time.time() + within
    seen = ""
    while time.time() < deadline:
        try:
            seen += process.log_lines.get(timeout=0.2)
        except Exception:
            continue
        if needle in seen:
            return seen
    raise AssertionError(f"{needle!r} not logged; saw:\n{seen}")


# --- connection cap -------------------------------------------------------------------------------------

FD_LIMIT = 256
DERIVED_CAP = FD_LIMIT - 128  # FileDescriptorLimit.connectionCap: all but a reserve of at least 128


def test_connections_past_the_cap_are_closed_at_once_and_established_ones_keep_working():
    def lower_fd_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))

    process, url = start_gateway(write_config("orchestra-cap-"), environment(), preexec_fn=lower_fd_limit)
    flood = []
    try:
        kept = connect(url)
        assert get(kept, "/health")[0].startswith("HTTP/1.1 200")
        stream = connect(url)
        stream.sendall(chat_request("demo/slow", stream=True))
        assert b"200 OK" in stream.recv(65536)
        # More than the fd limit itself: without a cap the gateway would run out of descriptors.
        for _ in range(FD_LIMIT + 44):
            flood.append(socket.create_connection(address(url), timeout=10))
        expected_closed = len(flood) - (DERIVED_CAP - 2)
        closed = set()

        def count_closed():
            readable, _, _ = select.select([s for s in flood if s not in closed], [], [], 0.2)
            for s in readable:
                try:
                    if s.recv(1) == b"":
                        closed.add(s)
                except ConnectionResetError:
                    closed.add(s)
            return len(closed) >= expected_closed

        wait_until(count_closed, within=15, what="connections past the cap to be closed")
        assert len(closed) == expected_closed
        log_until(process, "the cap")
        # The established connection and the stream are untouched; the gateway is alive.
        assert get(kept, "/health")[0].startswith("HTTP/1.1 200")
        assert metric(kept, "orchestra_client_connections_refused_total") == expected_closed
        stream.settimeout(20)
        streamed = b""
        while b"data: [DONE]" not in streamed:
            piece = stream.recv(65536)
            assert piece, "the established stream was cut"
            streamed += piece
        for s in flood:
            s.close()
        log_until(process, "below the connection cap again")
        with urllib.request.urlopen(url + "/health", timeout=10) as answer:
            assert answer.status == 200
        assert process.poll() is None
    finally:
        for s in flood:
            s.close()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0


# --- timeouts -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def impatient_gateway():
    config = write_config("orchestra-timeouts-", "header_timeout = 1\nbody_timeout = 1\nidle_timeout = 1.5\n")
    process, url = start_gateway(config, environment())
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def timeouts(url, phase):
    with connect(url) as connection:
        return metric(connection, f'orchestra_client_timeouts_total{{phase="{phase}"}}')


def test_a_head_sent_a_byte_at_a_time_is_cut_off(impatient_gateway):
    before = timeouts(impatient_gateway, "head")
    with connect(impatient_gateway) as slow:
        closed = False
        for byte in b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 40:
            try:
                slow.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if wait_closed(slow, 0.2):
                closed = True
                break
        assert closed, "a client dripping its head held the connection for 8 s"
    assert timeouts(impatient_gateway, "head") == before + 1


def test_a_body_that_stops_coming_is_cut_off(impatient_gateway):
    before = timeouts(impatient_gateway, "body")
    with connect(impatient_gateway) as slow:
        slow.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 100\r\n\r\n{\"model\":")
        assert wait_closed(slow, 8), "a client that stopped sending its body held the connection"
    assert timeouts(impatient_gateway, "body") == before + 1


def test_an_idle_connection_is_closed_after_its_answer_and_before_its_first_request(impatient_gateway):
    before = timeouts(impatient_gateway, "idle")
    with connect(impatient_gateway) as silent, connect(impatient_gateway) as kept:
        assert get(kept, "/health")[0].startswith("HTTP/1.1 200")
        assert wait_closed(silent, 8), "a connection that never sent a request stayed open"
        assert wait_closed(kept, 8), "an idle kept-alive connection stayed open"
    assert timeouts(impatient_gateway, "idle") == before + 2


def test_a_request_answered_in_time_is_not_cut(impatient_gateway):
    with connect(impatient_gateway) as connection:
        for _ in range(3):
            connection.sendall(chat_request())
            head, body = read_answer(connection)
            assert head.startswith("HTTP/1.1 200"), head
            assert json.loads(body)["object"] == "chat.completion"


def test_a_body_shorter_than_its_content_length_is_a_400(impatient_gateway):
    with connect(impatient_gateway) as connection:
        connection.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                           b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":\"demo/echo\"}")
        connection.shutdown(socket.SHUT_WR)
        head, body = read_answer(connection)
    assert head.startswith("HTTP/1.1 400"), head
    assert json.loads(body)["error"]["type"] == "invalid_request_error"


# --- graceful stop --------------------------------------------------------------------------------------

def test_sigterm_answers_requests_sent_on_idle_connections_and_those_in_progress():
    process, url = start_gateway(write_config("orchestra-drain-"), environment())
    idle = [connect(url) for _ in range(40)]
    for connection in idle:
        connection.sendall(chat_request())
        assert read_answer(connection)[0].startswith("HTTP/1.1 200")
    streams = [connect(url) for _ in range(10)]
    for connection in streams:
        connection.sendall(chat_request("demo/slow", stream=True))
        assert b"200 OK" in connection.recv(65536)
    process.send_signal(signal.SIGTERM)

    def listener_closed():
        try:
            socket.create_connection(address(url), timeout=1).close()
        except (ConnectionRefusedError, ConnectionResetError):
            return True  # refused, or reset from the backlog of a listener that just closed
        except socket.timeout:
            pass
        return False

    # The gateway stops accepting first; a request sent now on a kept-alive connection is still answered.
    wait_until(listener_closed, within=10, what="the listener to close", pause=0.005)
    for connection in idle:
        connection.sendall(chat_request())
    answered = 0
    for connection in idle:
        head, body = read_answer(connection)
        assert head.startswith("HTTP/1.1 200"), head
        answered += 1
    assert answered == len(idle)
    for connection in idle:
        assert wait_closed(connection, 10), "a stopping gateway kept an answered connection open"
    for connection in streams:
        connection.settimeout(20)
        streamed = b""
        while True:
            piece = connection.recv(65536)
            if not piece:
                break
            streamed += piece
        assert b"data: [DONE]" in streamed
    assert process.wait(timeout=20) == 0
