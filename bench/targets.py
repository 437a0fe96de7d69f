"""Every performance target of issue 17 in one run, one table (called by bench/run.sh, which installs what it needs,
builds the release binaries and starts the fake upstream). Usage:
    targets.py BIN_DIR SECONDS UPSTREAM_PORT PROXY_PORT WORKDIR
With ORCHESTRA_TEST_POSTGRES_URL and ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE set (scripts/postgres.sh start), the
PostgreSQL rows run too.

Every gateway here runs the way the targets ask: client keys on (a key checked on every request), usage accounting
on (SQLite, or PostgreSQL), metrics on, and every built-in provider enabled (each pointed at the fake upstream, so
nothing leaves the machine). wrk drives the throughput and latency cells; an asyncio client paces 64 streaming
connections for time to first byte; /proc gives memory."""
import asyncio
import os
import pathlib
import re
import resource
import socket
import subprocess
import sys
import time

BUILTINS = ["kimi", "nvidia", "mistral", "codestral", "openrouter", "siliconflow", "cerebras"]
# groq's own quirks (Sources/Shared/Catalog/ProviderQuirks.swift) on a second provider, for its streamed cell.
GROQ_QUIRKS = ('{ drop_fields = ["logprobs", "logit_bias", "top_logprobs", "store", "service_tier"], '
               'message_names = "drop", max_stop_sequences = 4, reasoning_field = "reasoning" }')


def config(workdir, name, port, upstream, storage="", bench_providers=True):
    base = f"http://127.0.0.1:{upstream}"
    providers = "".join(f'[providers.{p}]\nbase_url = "{base}/v1"\napi_key_env = "BENCH_UPSTREAM_KEY"\n' for p in BUILTINS)
    text = f"""[server]
listen = "127.0.0.1:{port}"
runtime_dir = "{workdir}/{name}"
[usage]
database = "{workdir}/{name}.sqlite"
[auth]
enabled = true
{storage}
{providers}
[providers.groq]
base_url = "{base}/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.gemini]
base_url = "{base}/gem/v1beta"
api_key_env = "BENCH_UPSTREAM_KEY"
"""
    if bench_providers:
        text += f"""[providers.bench]
base_url = "{base}/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.bench.models.model]
input_price = 0.15
output_price = 0.6
[providers.benchstream]
base_url = "{base}/stream/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
[providers.groqstream]
base_url = "{base}/stream/v1"
api_key_env = "BENCH_UPSTREAM_KEY"
quirks = {GROQ_QUIRKS}
"""
    (workdir / name).mkdir(exist_ok=True)
    path = workdir / f"{name}.toml"
    path.write_text(text)
    return path


class Gateway:
    def __init__(self, bin_dir, workdir, name, port, upstream, storage="", bench_providers=True):
        self.port = port
        self.config = config(workdir, name, port, upstream, storage, bench_providers)
        environment = dict(os.environ, BENCH_UPSTREAM_KEY="bench-key")
        if storage:
            subprocess.run([f"{bin_dir}/orchestra", "migrate", "--config", str(self.config)], check=True,
                           stdout=subprocess.DEVNULL, env=environment)
        created = subprocess.run([f"{bin_dir}/orchestra", "keys", "create", "--config", str(self.config), "--name", "bench"],
                                 check=True, capture_output=True, text=True, env=environment).stdout
        self.key = re.search(r"^key:\s+(\S+)", created, re.M).group(1)
        self.log = open(workdir / f"{name}.log", "w+")

        def more_files():   # 3,000 client connections at once need more than the default 1,024 descriptors
            resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
        self.process = subprocess.Popen([f"{bin_dir}/orchestra", "serve", "--config", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=self.log, env=environment, preexec_fn=more_files)
        deadline = time.time() + 60
        while "ready:" not in (workdir / f"{name}.log").read_text():
            if time.time() > deadline or self.process.poll() is not None:
                raise SystemExit(f"{name} did not start:\n" + (workdir / f"{name}.log").read_text())
            time.sleep(0.05)

    def pids(self):
        found = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        return [self.process.pid] + [int(p) for p in found]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def wrk(url, model, stream, connections, seconds, key="none"):
    environment = dict(os.environ, MODEL=model, STREAM="1" if stream else "0", KEY=key)
    threads = 1 if connections == 1 else 2
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", "bench/post.lua", url],
                         capture_output=True, text=True, env=environment).stdout
    errors = re.findall(r"(Non-2xx.*|Socket errors.*)", out)
    if errors:
        print(f"warning: {url} {model} c={connections}: {errors}", file=sys.stderr)

    def ms(text):
        value = float(re.match(r"[0-9.]+", text).group(0))
        return value / 1000 if text.endswith("us") else value * 1000 if text.endswith("s") and not text.endswith("ms") else value
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    p50 = ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1))
    return rps, p50, int(re.search(r"(\d+) requests in", out).group(1))


async def first_bytes(port, path, body, key, connections=64, seconds=5.0, pace=0.1):
    """Time to first byte of each streamed answer, from `connections` connections each sending a request every
    `pace` seconds (paced, so the gateway is not saturated and the number is its own time, not a queue's).
    Returns (p50 ms, p99 ms, samples)."""
    request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    samples = []

    async def one(index):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        await asyncio.sleep(pace * index / connections)
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            writer.write(request)
            first = await reader.read(1)
            samples.append(time.monotonic() - started)
            head = first + await reader.readuntil(b"\r\n\r\n")
            text = head.decode(errors="replace").lower()
            assert text.startswith("http/1.1 200"), text
            if "transfer-encoding: chunked" in text:
                while True:   # chunks until the empty one
                    size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(int(re.search(r"content-length: (\d+)", text).group(1)))
            await asyncio.sleep(max(0.0, pace - (time.monotonic() - started)))
        writer.close()
    await asyncio.gather(*(one(i) for i in range(connections)))
    samples.sort()
    return samples[len(samples) // 2] * 1000, samples[len(samples) * 99 // 100] * 1000, len(samples)


def stream_body(model):
    import json
    return json.dumps({"model": model, "stream": True, "max_tokens": 64, "messages": [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Write a haiku about gateways."}]}).encode()


def smaps(pid, field):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            return next(int(line.split()[1]) for line in rollup if line.startswith(field + ":")) / 1024
    except (OSError, StopIteration):
        return 0.0


def churn(port, key, count=3000):
    """`count` connections open together, each sends one request and reads its answer, then all close."""
    import json
    body = json.dumps({"model": "bench/model", "messages": [{"role": "user", "content": "hi"}]}).encode()
    request = (f"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body

    async def run():
        gate = asyncio.Semaphore(512)   # connects in waves of 512 so the listen backlog never overflows
        opened = []

        async def one():
            async with gate:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                opened.append(writer)
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                await reader.readexactly(int(re.search(rb"(?i)content-length: (\d+)", head).group(1)))
                return head.startswith(b"HTTP/1.1 200")
        answered = await asyncio.gather(*(one() for _ in range(count)))
        for writer in opened:   # all still open until here: `count` connections held at once
            writer.close()
        return sum(answered)
    resource.setrlimit(resource.RLIMIT_NOFILE, (8192, 8192))
    return asyncio.run(run())


def postgres_transactions(url, password_file):
    database = url.rsplit("/", 1)[0] + "/orchestra"
    environment = dict(os.environ, PGPASSWORD=pathlib.Path(password_file).read_text())
    out = subprocess.run(["psql", database, "-tAc", "SELECT xact_commit + xact_rollback FROM pg_stat_database "
                          "WHERE datname = 'orchestra'"], capture_output=True, text=True, env=environment, check=True)
    return int(out.stdout.strip())


def main():
    bin_dir, seconds, upstream, proxy, workdir = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), pathlib.Path(sys.argv[5])
    rows, details = [], []

    def target(name, goal, measured, passed):
        rows.append(f"| {name} | {goal} | {measured} | {'pass' if passed else '**FAIL**'} |")

    builtins = Gateway(bin_dir, workdir, "builtins", 18092, upstream, bench_providers=False)
    time.sleep(2)   # every worker started and settled
    idle_pss = sum(smaps(pid, "Pss") for pid in builtins.pids())
    workers = len(builtins.pids()) - 1
    builtins.stop()
    target("memory: PSS of the front and every worker at idle (every built-in provider)", "≤ 80 MB",
           f"{idle_pss:.1f} MB ({workers} workers)", idle_pss <= 80)

    gateway = Gateway(bin_dir, workdir, "sqlite", 18092, upstream)
    gw = f"http://127.0.0.1:{gateway.port}/v1/chat/completions"

    wrk(gw, "bench/model", False, 4, 2, gateway.key)   # warm-up
    idle_rss = smaps(gateway.process.pid, "Rss")
    answered = churn(gateway.port, gateway.key)
    time.sleep(2)   # connections closed on both sides
    after_rss = smaps(gateway.process.pid, "Rss")
    target("memory: front RSS after 3,000 connections come and go", "≤ idle + 20 MB",
           f"{idle_rss:.1f} → {after_rss:.1f} MB ({answered} of 3000 answered)", after_rss - idle_rss <= 20 and answered == 3000)

    upstream_url = f"http://127.0.0.1:{upstream}"
    proxy_url = f"http://127.0.0.1:{proxy}"
    cells = {}
    for mode, stream, path, models in [
        ("json", False, "/v1/chat/completions", {"passthrough": "bench/model", "groq quirks": "groq/model", "Gemini native": "gemini/model"}),
        ("sse", True, "/stream/v1/chat/completions", {"passthrough": "benchstream/model", "groq quirks": "groqstream/model", "Gemini native": "gemini/model"}),
    ]:
        proxy_rps, proxy_p50, _ = wrk(proxy_url + path, "model", stream, 64, seconds)
        details.append(f"| {mode} | nginx proxy | 64 | {proxy_rps:.0f} | {proxy_p50:.3f} |")
        for kind, model in models.items():
            rps, p50, _ = wrk(gw, model, stream, 64, seconds, gateway.key)
            cells[(mode, kind)] = rps
            details.append(f"| {mode} | orchestra, {kind} | 64 | {rps:.0f} | {p50:.3f} |")
            goal = 0.30 if kind != "passthrough" else (0.45 if mode == "json" else 0.40)
            target(f"{kind}, {'streaming' if stream else 'non-streaming'}, 64 connections", f"≥ {goal:.0%} of the nginx proxy",
                   f"{rps:.0f} req/s, {rps / proxy_rps:.1%} of {proxy_rps:.0f}", rps >= goal * proxy_rps)
        direct_rps, direct_p50, _ = wrk(upstream_url + path, "model", stream, 1, seconds)
        rps, p50, _ = wrk(gw, models["passthrough"], stream, 1, seconds, gateway.key)
        details.append(f"| {mode} | direct | 1 | {direct_rps:.0f} | {direct_p50:.3f} |")
        details.append(f"| {mode} | orchestra, passthrough | 1 | {rps:.0f} | {p50:.3f} |")
        target(f"added p50 at one connection, {'streaming' if stream else 'non-streaming'}", "≤ 0.25 ms",
               f"{p50 - direct_p50:.3f} ms ({p50:.3f} against {direct_p50:.3f} direct)", p50 - direct_p50 <= 0.25)

    direct_ttfb = asyncio.run(first_bytes(upstream, "/stream/v1/chat/completions", stream_body("model"), "none", seconds=seconds))
    gateway_ttfb = asyncio.run(first_bytes(gateway.port, "/v1/chat/completions", stream_body("benchstream/model"), gateway.key, seconds=seconds))
    details.append(f"| sse | time to first byte, direct, p50 / p99 ms | 64, paced | {direct_ttfb[2]} samples | {direct_ttfb[0]:.3f} / {direct_ttfb[1]:.3f} |")
    details.append(f"| sse | time to first byte, orchestra, p50 / p99 ms | 64, paced | {gateway_ttfb[2]} samples | {gateway_ttfb[0]:.3f} / {gateway_ttfb[1]:.3f} |")
    added = gateway_ttfb[0] - direct_ttfb[0]
    target("added time to first byte of a stream, 64 connections (each a request per 100 ms)", "≤ 0.5 ms",
           f"{added:.3f} ms (p50 {gateway_ttfb[0]:.3f} against {direct_ttfb[0]:.3f} direct)", added <= 0.5)
    gateway.stop()

    url, password = os.environ.get("ORCHESTRA_TEST_POSTGRES_URL"), os.environ.get("ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE")
    if url and password:
        storage = f'[storage]\npostgres_url = "{url}?sslmode=disable"\npostgres_password_file = "{password}"\n'
        pg = Gateway(bin_dir, workdir, "postgres", 18093, upstream, storage)
        sqlite = Gateway(bin_dir, workdir, "sqlite-again", 18094, upstream)
        for each in (pg, sqlite):
            wrk(f"http://127.0.0.1:{each.port}/v1/chat/completions", "bench/model", False, 4, 2, each.key)
        sqlite_rps, sqlite_p50, _ = wrk(f"http://127.0.0.1:{sqlite.port}/v1/chat/completions", "bench/model", False, 64, seconds, sqlite.key)
        before = postgres_transactions(url, password)
        pg_rps, pg_p50, requests = wrk(f"http://127.0.0.1:{pg.port}/v1/chat/completions", "bench/model", False, 64, seconds, pg.key)
        trips = (postgres_transactions(url, password) - before) / requests
        details.append(f"| json | orchestra on SQLite, passthrough | 64 | {sqlite_rps:.0f} | {sqlite_p50:.3f} |")
        details.append(f"| json | orchestra on PostgreSQL, passthrough | 64 | {pg_rps:.0f} | {pg_p50:.3f} |")
        target("PostgreSQL mode: database transactions per request (usage batches included)", "≤ 1 on the hot path",
               f"{trips:.3f}", trips <= 1)
        target("PostgreSQL mode, non-streaming, 64 connections", "≥ 80 % of SQLite mode",
               f"{pg_rps:.0f} req/s, {pg_rps / sqlite_rps:.1%} of {sqlite_rps:.0f}", pg_rps >= 0.8 * sqlite_rps)
        pg.stop()
        sqlite.stop()

    sizes = []
    for binary in ("orchestra", "orchestra-worker"):
        stripped = workdir / f"{binary}.stripped"
        subprocess.run(["strip", "-o", str(stripped), f"{bin_dir}/{binary}"], check=True)
        sizes.append(f"{binary} {stripped.stat().st_size / 1e6:.1f} MB")
    target("stripped release binaries", "reported in the README", ", ".join(sizes), True)

    print(f"# Orchestra against its targets, {time.strftime('%Y-%m-%d')}, {seconds} s per cell, {os.cpu_count()} cores, "
          "wrk and every server on this machine")
    print("\n| target | goal | measured | |\n|---|---|---|---|")
    print("\n".join(rows))
    print("\n| mode | what | connections | req/s | p50 ms |\n|---|---|---|---|---|")
    print("\n".join(details))


if __name__ == "__main__":
    main()
