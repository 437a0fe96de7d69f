"""Client keys with the official SDKs: a key created with `orchestra keys create` works the way each
SDK sends it (openai: Authorization bearer, anthropic: x-api-key); a missing or wrong key is the SDK's
own authentication error."""
import anthropic
import openai
import pytest

from conftest import gateway_with_keys


@pytest.fixture(scope="module")
def keyed_gateway():
    for url, (key,) in gateway_with_keys("orchestra-keys-", ["sdk"]):
        yield url, key


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
