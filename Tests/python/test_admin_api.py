"""The admin API against its own OpenAPI document: the document served is the one in the repository,
and schemathesis (examples, coverage, fuzzing and stateful sequences) finds no 5xx and no answer that
disagrees with the document, with the admin key. Without it, every operation is refused."""
import json
import pathlib
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import keyed_gateway

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def admin_gateway():
    for url, admin_key, config in keyed_gateway("orchestra-admin-"):
        assert oct((config.parent / "admin.key").stat().st_mode & 0o777) == "0o600"
        yield url, admin_key


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
