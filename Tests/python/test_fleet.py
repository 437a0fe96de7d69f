"""Several instances, one truth (issue 15): three gateways share one PostgreSQL (the throw-away cluster
`scripts/postgres.sh` starts) and one fake upstream that counts what reaches it. A key's rpm and a
budget hold for the three together, a revocation on one is refused by the others within a second, an
instance killed with `kill -9` holds its budget reservations for one lease only, and a database stopped
for 10 s under load loses and doubles no usage record."""
import concurrent.futures
import json
import os
import pathlib
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import openai
import pytest

from conftest import BIN_DIR, BUILTINS, ROOT, start_gateway
from test_postgres_storage import PASSWORD_FILE, URL, psql

UPSTREAM_KEY = "fleet-upstream-key"
# Each answer: 10 prompt and 5 completion tokens at $1,000 per million each, so $0.015.
ANSWER_COST = 0.015


class CountingUpstream(BaseHTTPRequestHandler):
    """An OpenAI-compatible upstream that counts the requests it answers; model `slow` answers after 30 s."""
    protocol_version = "HTTP/1.1"
    answered = 0
    lock = threading.Lock()

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        if self.headers.get("Authorization") != f"Bearer {UPSTREAM_KEY}":
            return self._send(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
        if body.get("model") == "slow":
            time.sleep(30)
        with CountingUpstream.lock:
            CountingUpstream.answered += 1
        self._send(200, {"id": "chatcmpl-fleet", "object": "chat.completion", "created": 1, "model": body.get("model"),
                         "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "finish_reason": "stop"}],
                         "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingUpstream)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


class Fleet:
    """Three gateways on one database: `urls`, `admin` (the admin key), `configs`, `processes`."""

    def __init__(self, upstream, lease=15):
        if not URL:
            pytest.fail("no PostgreSQL: run `eval \"$(scripts/postgres.sh start)\"` first (scripts/test.sh does)")
        self.database = "fleet_" + uuid.uuid4().hex[:12]
        psql(f"CREATE DATABASE {self.database}")
        workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-fleet-"))
        admin_file = workdir / "admin.key"
        subprocess.run([str(BIN_DIR / "orchestra"), "admin-key", "--out", str(admin_file)], check=True, capture_output=True)
        self.admin = admin_file.read_text().strip()
        disabled = "".join(f"[providers.{name}]\nenabled = false\n" for name in BUILTINS + ["demo"])
        self.configs, self.processes, self.urls = [], [], []
        env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
        env["FLEET_UPSTREAM_KEY"] = UPSTREAM_KEY
        for index in range(3):
            home = workdir / f"instance{index}"
            home.mkdir()
            config = home / "config.toml"
            config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{home}"
[auth]
enabled = true
admin_key_file = "{admin_file}"
[usage]
database = "{home}/usage.sqlite"
flush_interval = 0.1
[storage]
postgres_url = "{URL.rsplit("/", 1)[0]}/{self.database}?sslmode=disable"
postgres_password_file = "{PASSWORD_FILE}"
lease = {lease}
instance_name = "instance{index}"
{disabled}
[providers.fake]
base_url = "{upstream}"
api_key_env = "FLEET_UPSTREAM_KEY"
[providers.fake.models.m]
input_price = 1000
output_price = 1000
max_output = 10
[providers.fake.models.slow]
input_price = 1000
output_price = 1000
max_output = 10
[providers.capped]
base_url = "{upstream}"
api_key_env = "FLEET_UPSTREAM_KEY"
[providers.capped.limits]
rpm = 10
[providers.capped.models.m]
max_output = 10
""")
            self.configs.append(config)
        # The three start at once: their migrations queue on the advisory lock.
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            started = list(pool.map(lambda config: start_gateway(config, env), self.configs))
        self.processes = [process for process, _ in started]
        self.urls = [url for _, url in started]

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        psql(f"DROP DATABASE {self.database} WITH (FORCE)")

    def create_key(self, *limits):
        created = subprocess.run([str(BIN_DIR / "orchestra"), "keys", "create", "--config", str(self.configs[0]), "--name", "k",
                                  *limits], check=True, capture_output=True, text=True).stdout
        fields = dict(line.split(":", 1) for line in created.splitlines() if line.startswith(("id:", "key:")))
        key, key_id = fields["key"].strip(), fields["id"].strip()
        for url in self.urls:
            wait_for(lambda: status(url + "/v1/key/info", key) == 200, f"{url} to know the new key")
        return key, key_id

    def admin_get(self, index, path):
        request = urllib.request.Request(self.urls[index] + path, headers={"Authorization": f"Bearer {self.admin}"})
        return json.load(urllib.request.urlopen(request, timeout=10))


def status(url, key, body=None):
    request = urllib.request.Request(url, data=body, headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def chat(url, key, model="m", provider="fake"):
    body = json.dumps({"model": f"{provider}/{model}", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}).encode()
    return status(url + "/v1/chat/completions", key, body)


def wait_for(condition, what, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def fleet(upstream):
    fleet = Fleet(upstream, lease=3)
    yield fleet
    fleet.stop()


def test_three_instances_starting_at_once_migrate_exactly_once(fleet):
    versions = psql("SELECT version FROM schema_migrations ORDER BY version", fleet.database).split()
    assert versions == ["v1-fleet", "v2-leases-and-windows", "v3-stored-responses"]
    instances = psql("SELECT name FROM instances ORDER BY name", fleet.database).split()
    assert instances == ["instance0", "instance1", "instance2"]
    for url in fleet.urls:
        health = json.load(urllib.request.urlopen(url + "/health"))
        assert health["status"] == "ok" and "database" not in health


def test_a_keys_rpm_holds_for_the_fleet(fleet):
    key, _ = fleet.create_key("--rpm", "10")
    before = CountingUpstream.answered
    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda index: chat(fleet.urls[index % 3], key), range(60)))
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 50
    assert CountingUpstream.answered - before == 10


def test_a_keys_tpm_counts_real_tokens_once_answers_end(fleet):
    # A request reserves its estimate (about 26 tokens here) and the upstream reports 15: the window keeps
    # the real 15, so a third request fits in tpm = 60 (15 + 15 + 26) and a fourth does not (45 + 26).
    key, key_id = fleet.create_key("--tpm", "60")
    for answered in range(1, 4):
        assert chat(fleet.urls[answered % 3], key) == 200
        wait_for(lambda: psql(f"SELECT tokens FROM rate_counts WHERE scope = 'key:{key_id}'", fleet.database).strip()
                 == str(15 * answered), "the real tokens to replace the estimate")
    assert chat(fleet.urls[0], key) == 429


def test_a_providers_own_rpm_holds_for_the_fleet(fleet):
    key, _ = fleet.create_key()
    before = CountingUpstream.answered
    with concurrent.futures.ThreadPoolExecutor(30) as pool:
        statuses = list(pool.map(lambda index: chat(fleet.urls[index % 3], key, provider="capped"), range(60)))
    assert statuses.count(200) == 10, statuses
    assert statuses.count(429) == 50
    assert CountingUpstream.answered - before == 10
    windows = psql("SELECT DISTINCT scope FROM rate_counts WHERE scope LIKE 'provider:%'", fleet.database).split()
    # Keyed by the worker's fingerprint of the key (16 hex digits), never the key.
    assert len(windows) == 1 and re.fullmatch(r"provider:capped:[0-9a-f]{16}", windows[0]), windows


def test_a_budget_holds_for_the_fleet_under_40_concurrent_requests(fleet):
    # A request reserves its worst case (15 prompt tokens or so and 10 output at $0.001 each) and costs $0.015:
    # $0.16 covers about ten answers.
    key, key_id = fleet.create_key("--budget-usd", "0.16", "--period", "day")
    before = CountingUpstream.answered
    with concurrent.futures.ThreadPoolExecutor(40) as pool:
        statuses = list(pool.map(lambda index: chat(fleet.urls[index % 3], key), range(40)))
    answered = CountingUpstream.answered - before
    assert statuses.count(200) == answered and 1 <= answered <= 10, statuses
    assert set(statuses) <= {200, 429}
    wait_for(lambda: fleet.admin_get(1, f"/admin/v1/keys/{key_id}")["budget"]["reserved_usd"] == 0, "settlements")
    budget = fleet.admin_get(2, f"/admin/v1/keys/{key_id}")["budget"]
    assert budget["spent_usd"] == pytest.approx(answered * ANSWER_COST)
    assert budget["spent_usd"] <= 0.16


def test_a_key_revoked_on_one_instance_is_refused_by_the_others_within_a_second(fleet):
    key, key_id = fleet.create_key()
    assert all(chat(url, key) == 200 for url in fleet.urls)
    request = urllib.request.Request(fleet.urls[0] + f"/admin/v1/keys/{key_id}/revoke", data=b"{}", method="POST",
                                     headers={"Authorization": f"Bearer {fleet.admin}", "Content-Type": "application/json"})
    urllib.request.urlopen(request).read()
    revoked = time.time()
    for url in fleet.urls[1:]:
        wait_for(lambda: status(url + "/v1/key/info", key) == 401, f"{url} to refuse the revoked key", timeout=1.0)
    # Announced (NOTIFY) rather than found by the once-a-second look.
    assert time.time() - revoked < 0.5


def test_a_change_no_notice_announced_is_found_by_the_periodic_look(fleet):
    key, key_id = fleet.create_key()
    psql(f"UPDATE client_keys SET revoked_at = extract(epoch FROM now()) WHERE id = '{key_id}';"
         "UPDATE access_version SET version = version + 1", fleet.database)
    revoked = time.time()
    for url in fleet.urls:
        wait_for(lambda: status(url + "/v1/key/info", key) == 401, f"{url} to find the change", timeout=2.0)
    assert time.time() - revoked < 2.0


def test_usage_is_the_fleets_on_every_instance(fleet):
    key, key_id = fleet.create_key()
    for index in range(6):
        assert chat(fleet.urls[index % 3], key) == 200

    def counted(index):
        rows = fleet.admin_get(index, "/admin/v1/usage?group_by=key")["rows"]
        return next((row["requests"] for row in rows if row["key"] == key_id), 0)

    for index in range(3):
        wait_for(lambda: counted(index) == 6, f"instance {index} to report the fleet's 6 requests")
    report = subprocess.run([str(BIN_DIR / "orchestra"), "usage", "--config", str(fleet.configs[2]), "--group-by", "key"],
                            check=True, capture_output=True, text=True).stdout
    assert any(line.split()[:2] == [key_id, "6"] for line in report.splitlines()), report
    # Which instance served what: each served its two.
    served = {row["key"]: row["requests"] for row in fleet.admin_get(1, "/admin/v1/usage?group_by=instance")["rows"]}
    assert all(served.get(f"instance{index}/fake", 0) >= 2 for index in range(3)), served
    by_endpoint = {row["key"]: row["requests"] for row in fleet.admin_get(0, "/admin/v1/usage?group_by=endpoint")["rows"]}
    assert by_endpoint.get("chat", 0) >= 6, by_endpoint


def test_a_stored_response_chains_reads_back_and_deletes_through_any_instance(fleet):
    key, _ = fleet.create_key()
    other, _ = fleet.create_key()
    clients = [openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0) for url in fleet.urls]
    first = clients[0].responses.create(model="fake/m", input="one")
    second = clients[1].responses.create(model="fake/m", previous_response_id=first.id, input="two")
    assert clients[2].responses.retrieve(second.id).previous_response_id == first.id
    with pytest.raises(openai.NotFoundError):
        openai.OpenAI(base_url=fleet.urls[2] + "/v1", api_key=other, max_retries=0).responses.retrieve(second.id)
    clients[2].responses.delete(first.id)
    with pytest.raises(openai.NotFoundError):
        clients[0].responses.create(model="fake/m", previous_response_id=first.id, input="three")
    assert psql("SELECT count(*) FROM stored_responses", fleet.database).strip() == "1"


def test_an_instance_killed_with_requests_in_flight_releases_its_reservations_after_the_lease(upstream):
    fleet = Fleet(upstream, lease=3)
    try:
        key, key_id = fleet.create_key("--budget-usd", "1", "--period", "day", "--max-parallel", "2")
        victim = fleet.urls[2]
        threads = [threading.Thread(target=lambda: pytest.raises(OSError, chat, victim, key, "slow"), daemon=True)
                   for _ in range(2)]
        for thread in threads:
            thread.start()
        wait_for(lambda: fleet.admin_get(0, f"/admin/v1/keys/{key_id}")["budget"]["reserved_usd"] > 0.0, "reservations")
        wait_for(lambda: psql("SELECT count(*) FROM rate_open", fleet.database).strip() == "2",
                 "two parallel slots taken")
        # Both parallel slots are the victim's: the other instances refuse a third request.
        assert chat(fleet.urls[0], key) == 429
        fleet.processes[2].send_signal(signal.SIGKILL)
        fleet.processes[2].wait()
        killed = time.time()
        assert fleet.admin_get(0, f"/admin/v1/keys/{key_id}")["budget"]["reserved_usd"] > 0.0, "held until the lease ends"
        wait_for(lambda: fleet.admin_get(0, f"/admin/v1/keys/{key_id}")["budget"]["reserved_usd"] == 0.0,
                 "the dead instance's reservations to be released", timeout=8)
        assert time.time() - killed >= 1.0
        assert chat(fleet.urls[1], key) == 200, "its parallel slots are free again"
    finally:
        fleet.stop()


def test_a_database_stopped_for_ten_seconds_under_load_loses_and_doubles_no_usage_record(fleet):
    key, key_id = fleet.create_key()
    budgeted, _ = fleet.create_key("--budget-usd", "5", "--period", "day")
    before = CountingUpstream.answered
    stop = threading.Event()
    answered = [0, 0, 0]
    degraded, refused = [], []

    def load(index):
        while not stop.is_set():
            if chat(fleet.urls[index], key) == 200:
                answered[index] += 1

    threads = [threading.Thread(target=load, args=(index,)) for index in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(1)
    directory = os.environ["ORCHESTRA_TEST_POSTGRES_DIR"]
    subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "pause", directory], check=True)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:
            health = json.load(urllib.request.urlopen(fleet.urls[1] + "/health"))
            if health["status"] == "degraded: database unreachable":
                degraded.append(health)
                # Budgets fail closed (budget_fail_open is off): nothing is sent, the client hears why.
                refused.append(chat(fleet.urls[0], budgeted))
            time.sleep(0.5)
    finally:
        subprocess.run([str(ROOT / "scripts" / "postgres.sh"), "resume", directory], check=True)
    time.sleep(1)
    stop.set()
    for thread in threads:
        thread.join()
    assert degraded, "/health said the database was unreachable"
    assert refused and set(refused) == {503}, refused
    served = CountingUpstream.answered - before
    assert sum(answered) == served and served > 30

    def recorded():
        try:
            rows = fleet.admin_get(0, "/admin/v1/usage?group_by=key")["rows"]
        except urllib.error.HTTPError:
            return None
        return next((row["requests"] for row in rows if row["key"] == key_id), 0)

    wait_for(lambda: recorded() == served, "every record replayed", timeout=20)
    assert psql(f"SELECT count(*) FROM request_log WHERE client = (SELECT id FROM names WHERE name = '{key_id}')",
                fleet.database).strip() == str(served)
    for url in fleet.urls:
        wait_for(lambda: json.load(urllib.request.urlopen(url + "/health"))["status"] == "ok", "health back to ok")
