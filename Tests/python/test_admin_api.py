"""The admin API against its own OpenAPI document: the document served is the one in the repository,
and schemathesis (examples, coverage, fuzzing and stateful sequences) finds no 5xx and no answer that
disagrees with the document, with the admin key. Without it, every operation is refused."""
import json
import os
import pathlib
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import pytest

from conftest import BIN_DIR, start_gateway

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def admin_gateway():
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-admin-"))
    admin_key = workdir / "admin.key"
    subprocess.run([str(BIN_DIR / "orchestra"), "admin-key", "--out", str(admin_key)], check=True, capture_output=True)
    assert oct(admin_key.stat().st_mode & 0o777) == "0o600"
    config = workdir / "config.toml"
    config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{workdir}"
[auth]
enabled = true
admin_key_file = "{admin_key}"
[usage]
database = "{workdir}/gateway.sqlite"
""")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    yield url, admin_key.read_text().strip()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def get(url, key=None):
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_served_document_is_the_one_in_the_repository(admin_gateway):
    url, key = admin_gateway
    status, body = get(url + "/admin/v1/openapi.json", key)
    assert status == 200
    assert json.loads(body) == json.loads((ROOT / "docs" / "admin-openapi.json").read_text())
    assert get(url + "/admin/v1/openapi.json")[0] == 401
    assert get(url + "/admin/v1/keys", "orch_not_the_admin_key")[0] == 403


def test_schemathesis_finds_nothing(admin_gateway):
    url, key = admin_gateway
    schemathesis = pathlib.Path(sys.executable).parent / "schemathesis"
    result = subprocess.run(
        [str(schemathesis), "run", url + "/admin/v1/openapi.json", "-H", f"Authorization: Bearer {key}", "--checks", "all",
         "--max-examples", "40", "--seed", "20261201", "--no-color"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert key not in result.stdout
