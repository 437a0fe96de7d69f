"""PostgreSQL storage, first step (issue 15): `[storage] postgres_url` with the password in a file (never in
the URL), `orchestra migrate` applying the schema exactly once when three hosts run it at once (an advisory
lock), and `orchestra check-config` reporting the database reachable and how far it is migrated. Runs
against the throw-away cluster `scripts/postgres.sh` starts (scripts/test.sh does)."""
import os
import pathlib
import socket
import subprocess
import tempfile
import uuid

import pytest

from conftest import BIN_DIR

URL = os.environ.get("ORCHESTRA_TEST_POSTGRES_URL")
PASSWORD_FILE = os.environ.get("ORCHESTRA_TEST_POSTGRES_PASSWORD_FILE")


def psql(sql, database="orchestra"):
    server = URL.rsplit("/", 1)[0]
    env = {**os.environ, "PGPASSWORD": pathlib.Path(PASSWORD_FILE).read_text()}
    return subprocess.run(["psql", f"{server}/{database}", "-tAc", sql], env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def database():
    """A database of its own for each test; its config path."""
    if not URL:
        pytest.fail("no PostgreSQL: run `eval \"$(scripts/postgres.sh start)\"` first (scripts/test.sh does)")
    name = "t_" + uuid.uuid4().hex[:12]
    psql(f"CREATE DATABASE {name}")
    config = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-pg-")) / "config.toml"
    config.write_text(f'[storage]\npostgres_url = "{URL.rsplit("/", 1)[0]}/{name}?sslmode=disable"\n'
                      f'postgres_password_file = "{PASSWORD_FILE}"\n')
    yield config, name
    psql(f"DROP DATABASE {name} WITH (FORCE)")


def orchestra(*arguments):
    return subprocess.run([str(BIN_DIR / "orchestra"), *arguments], capture_output=True, text=True, timeout=60)


def test_three_hosts_migrating_at_once_apply_the_schema_exactly_once(database):
    config, name = database
    before = orchestra("check-config", "--config", str(config))
    assert before.returncode == 0, before.stderr
    assert "reachable, not migrated" in before.stdout
    runs = [subprocess.Popen([str(BIN_DIR / "orchestra"), "migrate", "--config", str(config)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert all(run.returncode == 0 for run in runs), outputs
    applied = [out for out, _ in outputs if "applied v1-fleet, v2-leases-and-windows, v3-stored-responses" in out]
    assert len(applied) == 1, outputs
    assert sum("already at v3-stored-responses" in out for out, _ in outputs) == 2
    assert psql("SELECT count(*) FROM schema_migrations", name).strip() == "3"
    assert psql("SELECT count(*) FROM access_version", name).strip() == "1"
    after = orchestra("check-config", "--config", str(config))
    assert "reachable, migrated (v3-stored-responses)" in after.stdout, after.stdout


def test_an_unreachable_database_is_a_clear_error(database):
    config, _ = database
    port = URL.rsplit(":", 1)[1].split("/")[0]
    config.write_text(config.read_text().replace(f":{port}/", ":1/"))
    result = orchestra("check-config", "--config", str(config))
    assert result.returncode != 0
    assert "unreachable" in result.stderr


def test_a_wrong_password_is_refused(database):
    config, _ = database
    wrong = config.parent / "wrong"
    wrong.write_text("not-the-password")
    config.write_text(config.read_text().replace(PASSWORD_FILE, str(wrong)))
    result = orchestra("check-config", "--config", str(config))
    assert result.returncode != 0 and "unreachable" in result.stderr


def test_a_password_in_the_url_is_refused_and_never_echoed(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[storage]\npostgres_url = "postgres://orchestra:hunter2secret@127.0.0.1/orchestra"\n')
    result = orchestra("check-config", "--config", str(config))
    assert result.returncode != 0
    assert "storage.postgres_url" in result.stderr and "password in the URL is refused" in result.stderr
    assert "hunter2secret" not in result.stderr + result.stdout


def test_serve_waits_for_an_unreachable_database_and_tells_systemd(database, tmp_path):
    config, _ = database
    port = URL.rsplit(":", 1)[1].split("/")[0]
    config.write_text(config.read_text().replace(f":{port}/", ":1/") + f'[server]\nlisten = "127.0.0.1:0"\nruntime_dir = "{tmp_path}"\n')
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(20)
    process = subprocess.Popen([str(BIN_DIR / "orchestra"), "serve", "--config", str(config)], stderr=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, env={**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify")})
    try:
        messages = [notify.recv(4096).decode() for _ in range(2)]
        assert all(message.startswith("STATUS=waiting for PostgreSQL at postgres://orchestra@127.0.0.1:1/") for message in messages)
        assert not any("READY=1" in message for message in messages)
        assert process.poll() is None, "it waits, it does not exit"
    finally:
        process.kill()
        log = process.communicate()[1].decode()
        notify.close()
    assert "waiting for PostgreSQL" in log and "listening on" not in log
    assert pathlib.Path(PASSWORD_FILE).read_text() not in log
