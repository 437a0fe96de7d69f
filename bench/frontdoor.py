"""The front door under abuse and under a long mixed load, against a real gateway (the offline demo provider,
so no upstream is needed). Prints markdown tables. Usage:
    frontdoor.py abuse BIN_DIR [seconds per phase, default 10] [connections, default 2000]
    frontdoor.py soak BIN_DIR [seconds, default 60]
abuse: a client load of keep-alive requests runs alone, then during each attack (slowloris heads, idle
connections, more connections than the open-file limit allows, malformed HTTP); each row gives the
requests served, their p99, the connections the gateway held, and the front's memory. soak: chat,
streams, client errors and unknown models mixed, with RSS, PSS and fds of the front and workers sampled."""
import http.client
import json
import os
import pathlib
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

BUILTINS = ["kimi", "nvidia", "mistral", "codestral", "openrouter", "siliconflow", "groq", "cerebras", "gemini"]
CHAT = json.dumps({"model": "demo/echo", "messages": [{"role": "user", "content": "hi"}]})


def start(bin_dir, fd_limit=None, extra=""):
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-frontdoor-"))
    config = workdir / "config.toml"
    config.write_text(f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{workdir}"\n{extra}\n'
                      f'[usage]\ndatabase = "{workdir}/u.sqlite"\n'
                      + "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS))
    limit = (lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (fd_limit, fd_limit))) if fd_limit else None
    log = open(workdir / "log", "w+")
    process = subprocess.Popen([f"{bin_dir}/orchestra", "serve", "--config", str(config)], stdout=subprocess.DEVNULL,
                               stderr=log, preexec_fn=limit)
    deadline = time.time() + 30
    while time.time() < deadline:
        text = (workdir / "log").read_text()
        match = re.search(r"listening on http://([0-9.]+):([0-9]+)", text)
        if match and "ready:" in text:
            return process, (match.group(1), int(match.group(2))), workdir
        time.sleep(0.05)
    raise SystemExit("gateway did not start:\n" + (workdir / "log").read_text())


def children(pid):
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def memory_kib(pid, field):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith(field + ":"))
    except (OSError, StopIteration):
        return 0


def fds(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


class Probe:
    """Reads /metrics over one kept-alive connection, opened before any attack (so a full front still answers)."""

    def __init__(self, address):
        self.connection = http.client.HTTPConnection(*address, timeout=5)
        self.lock = threading.Lock()

    def metric(self, name):
        with self.lock:
            try:
                self.connection.request("GET", "/metrics")
                text = self.connection.getresponse().read().decode()
            except (OSError, http.client.HTTPException):
                return None
        match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.MULTILINE)
        return float(match.group(1)) if match else 0.0


class Peak:
    """The most client connections the front held while a phase ran, sampled every 100 ms."""

    def __init__(self, probe):
        self.probe, self.peak, self.stop = probe, 0, threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.is_set():
            self.peak = max(self.peak, int(self.probe.metric("orchestra_client_connections") or 0))
            time.sleep(0.1)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        self.thread.join()


class Load:
    """Client threads on kept-alive connections, each sending requests back to back; latencies kept."""

    def __init__(self, address, threads=8, body=CHAT, path="/v1/chat/completions"):
        self.address, self.body, self.path = address, body, path
        self.latencies, self.failures, self.stop = [], 0, threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(threads)]

    def run(self):
        connection = None
        while not self.stop.is_set():
            try:
                connection = connection or http.client.HTTPConnection(*self.address, timeout=10)
                started = time.perf_counter()
                connection.request("POST", self.path, self.body, {"Content-Type": "application/json"})
                answer = connection.getresponse()
                answer.read()
                took = time.perf_counter() - started
                with self.lock:
                    if answer.status == 200:
                        self.latencies.append(took)
                    else:
                        self.failures += 1
            except (OSError, http.client.HTTPException):
                with self.lock:
                    self.failures += 1
                connection = None
                time.sleep(0.01)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_):
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def summary(self):
        ordered = sorted(self.latencies)
        p99 = ordered[int(len(ordered) * 0.99)] * 1000 if ordered else float("nan")
        return len(ordered), self.failures, p99


def open_connections(address, count):
    held = []
    for _ in range(count):
        try:
            held.append(socket.create_connection(address, timeout=2))
        except OSError:
            pass
    return held


def drip(sockets, seconds, payload=b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 4000):
    """Sends one more header byte on every socket each second (slowloris)."""
    deadline = time.time() + seconds
    position = 0
    while time.time() < deadline:
        for s in sockets:
            try:
                s.send(payload[position:position + 1])
            except OSError:
                pass
        position += 1
        time.sleep(1)


MALFORMED = [
    b"GARBAGE\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\n{}\r\n0\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n{}",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n{\"a",
    b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n", b"GET /health HTTP/1.1\r\n" + b"X: y\r\n" * 2000 + b"\r\n",
    b"\x00\x01\x02\x03\r\n\r\n", b"GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n",
]


def malformed(address, rounds):
    statuses = {}
    for _ in range(rounds):
        for raw in MALFORMED:
            try:
                with socket.create_connection(address, timeout=5) as s:
                    s.sendall(raw)
                    s.shutdown(socket.SHUT_WR)
                    answer = s.recv(64)
                status = answer[9:12].decode(errors="replace") if answer.startswith(b"HTTP/1.1 ") else "closed"
            except OSError:
                status = "reset"
            statuses[status] = statuses.get(status, 0) + 1
    return statuses


def abuse(bin_dir, seconds, count):
    print(f"# Front door under abuse, {time.strftime('%Y-%m-%d')}, {seconds} s a phase, {count} attacking connections, "
          "8 client threads on keep-alive (Python http.client, demo/echo)\n")
    print("| phase | client requests served | failed | p99 ms | connections the front held | front RSS MiB before → after |")
    print("|---|---|---|---|---|---|")
    rows = []
    process, address, _ = start(bin_dir, extra="header_timeout = 5\nidle_timeout = 5")
    probe = Probe(address)

    def phase(name, attack):
        before = memory_kib(process.pid, "Rss")
        started = time.time()
        with Load(address) as load, Peak(probe) as peak:
            if attack() is None:
                time.sleep(seconds)
        served, failed, p99 = load.summary()
        served = f"{served / (time.time() - started):.0f}/s"
        after = memory_kib(process.pid, "Rss")
        rows.append(name)
        print(f"| {name} | {served} | {failed} | {p99:.1f} | {peak.peak} at most, "
              f"{int(probe.metric('orchestra_client_connections') or 0)} after | {before / 1024:.1f} → {after / 1024:.1f} |",
              flush=True)

    phase("no attack", lambda: None)

    def flood(hold):
        """Opens `count` connections, holds them as `hold` says for the phase, then closes them."""
        def attack():
            sockets = open_connections(address, count)
            hold(sockets)
            for s in sockets:
                s.close()
            return len(sockets)
        return attack

    phase(f"slowloris ({count} heads, a byte a second; header_timeout 5 s)", flood(lambda sockets: drip(sockets, seconds)))
    phase(f"idle flood ({count} connections; idle_timeout 5 s)", flood(lambda _: time.sleep(seconds)))

    def bad():
        deadline = time.time() + seconds
        statuses = {}
        while time.time() < deadline:
            for status, n in malformed(address, 1).items():
                statuses[status] = statuses.get(status, 0) + n
        print(f"<!-- malformed answers: {statuses} -->")
        return 0
    phase(f"malformed HTTP ({len(MALFORMED)} kinds, looped)", bad)
    timeouts = {p: probe.metric(f'orchestra_client_timeouts_total{{phase="{p}"}}') for p in ["idle", "head", "body"]}
    alive = process.poll() is None
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)

    process, address, _ = start(bin_dir, fd_limit=1024)
    probe = Probe(address)
    probe.metric("orchestra_client_connections")

    def exhaustion():
        sockets = open_connections(address, 1100)
        time.sleep(seconds)
        held = len(sockets)
        refused = probe.metric("orchestra_client_connections_refused_total")
        print(f"<!-- fd exhaustion: {len(sockets)} connected, {refused} closed at the cap -->")
        for s in sockets:
            s.close()
        return held
    phase("1,100 connections under ulimit -n 1024 (cap 896)", exhaustion)
    alive = alive and process.poll() is None
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=30)
    print(f"\nClosed by timeouts: {timeouts}; the gateway stayed up: {alive}; exit status {code}.")


def soak(bin_dir, seconds):
    process, address, _ = start(bin_dir)
    pids = lambda: [process.pid] + children(process.pid)
    bodies = [CHAT, json.dumps({"model": "demo/echo", "stream": True, "messages": [{"role": "user", "content": "hi"}]}),
              "{not json", json.dumps({"model": "nowhere/none", "messages": [{"role": "user", "content": "x"}]})]
    loads = [Load(address, threads=3, body=body) for body in bodies]
    print(f"# Soak, {time.strftime('%Y-%m-%d')}, {seconds} s, chat + stream + bad JSON + unknown model, 12 client threads\n")
    print("| second | requests ok | refused as asked | front RSS MiB | front + workers PSS MiB | front fds |")
    print("|---|---|---|---|---|---|")
    for load in loads:
        load.__enter__()
    started = time.time()
    try:
        while time.time() - started < seconds:
            time.sleep(min(10, seconds / 6))
            ok = sum(len(load.latencies) for load in loads)
            refused = sum(load.failures for load in loads[2:])
            pss = sum(memory_kib(pid, "Pss") for pid in pids()) / 1024
            print(f"| {time.time() - started:.0f} | {ok} | {refused} | {memory_kib(process.pid, 'Rss') / 1024:.1f} | "
                  f"{pss:.1f} | {fds(process.pid)} |", flush=True)
    finally:
        for load in loads:
            load.__exit__()
    unexpected = sum(load.failures for load in loads[:2])
    process.send_signal(signal.SIGTERM)
    code = process.wait(timeout=30)
    print(f"\nChat and stream failures: {unexpected}; exit status {code}.")


if __name__ == "__main__":
    mode, bin_dir = sys.argv[1], sys.argv[2]
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if mode == "abuse":
        abuse(bin_dir, int(sys.argv[3]) if len(sys.argv) > 3 else 10, int(sys.argv[4]) if len(sys.argv) > 4 else 2000)
    else:
        soak(bin_dir, int(sys.argv[3]) if len(sys.argv) > 3 else 60)
