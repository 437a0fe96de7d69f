"""Client keys with the official SDKs: a key created with `orchestra keys create` works the way each
SDK sends it (openai: Authorization bearer, anthropic: x-api-key); a missing or wrong key is the SDK's
own authentication error."""
import os
import pathlib
import re
import signal
import subprocess
import tempfile

import anthropic
import openai
import pytest

from conftest import BIN_DIR, start_gateway


@pytest.fixture(scope="module")
def keyed_gateway():
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-keys-"))
    config = workdir / "config.toml"
    config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{workdir}"
[auth]
enabled = true
[usage]
database = "{workdir}/gateway.sqlite"
""")
    created = subprocess.run([str(BIN_DIR / "orchestra"), "keys", "create", "--name", "sdk", "--config", str(config)],
                             check=True, capture_output=True, text=True).stdout
    key = re.search(r"^key:\s+(orch_\w+)$", created, re.M).group(1)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    yield url, key
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


def test_openai_sdk_with_a_key(keyed_gateway):
    url, key = keyed_gateway
    client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=0)
    answer = client.chat.completions.create(model="demo/echo", messages=[{"role": "user", "content": "keyed"}])
    assert "You said: keyed" in answer.choices[0].message.content
    with pytest.raises(openai.AuthenticationError) as refused:
        openai.OpenAI(base_url=url + "/v1", api_key="orch_wrong", max_retries=0).models.list()
    assert refused.value.code == "invalid_api_key"


def test_anthropic_sdk_with_a_key(keyed_gateway):
    url, key = keyed_gateway
    client = anthropic.Anthropic(base_url=url, api_key=key, max_retries=0)
    message = client.messages.create(model="demo/echo", max_tokens=50, messages=[{"role": "user", "content": "keyed"}])
    assert "You said: keyed" in message.content[0].text
    with pytest.raises(anthropic.AuthenticationError):
        anthropic.Anthropic(base_url=url, api_key="orch_wrong", max_retries=0).messages.create(
            model="demo/echo", max_tokens=50, messages=[{"role": "user", "content": "x"}])
