"""The official openai SDK against the running gateway: chat, streaming, models and error types."""
import openai
import pytest

from conftest import FAKE_KEY, FakeOpenAI


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway + "/v1", api_key="dummy-client-key", max_retries=0)


def test_chat_through_demo_provider(client):
    completion = client.chat.completions.create(
        model="demo/echo", messages=[{"role": "user", "content": "hello sdk"}])
    assert completion.choices[0].message.content.endswith("You said: hello sdk")
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage.total_tokens > 0


def test_chat_through_upstream_injects_provider_key(client):
    completion = client.chat.completions.create(
        model="fake/gpt-test", messages=[{"role": "user", "content": "hi"}])
    assert completion.choices[0].message.content == "fake says hi"
    seen = FakeOpenAI.seen[-1]
    assert seen["body"]["model"] == "gpt-test"
    assert seen["headers"]["Authorization"] == f"Bearer {FAKE_KEY}"
    assert "dummy-client-key" not in str(seen["headers"])


def test_streaming_with_usage(client):
    stream = client.chat.completions.create(
        model="fake/gpt-test", messages=[{"role": "user", "content": "hi"}],
        stream=True, stream_options={"include_usage": True})
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "fake streams hi"
    assert chunks[-1].usage.total_tokens == 6
    assert any(c.choices and c.choices[0].finish_reason == "stop" for c in chunks)


def test_demo_stream(client):
    stream = client.chat.completions.create(
        model="demo/echo", messages=[{"role": "user", "content": "stream me"}], stream=True)
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text.endswith("You said: stream me")


def test_models_list_only_usable(client):
    ids = [m.id for m in client.models.list()]
    assert "demo/echo" in ids
    assert not any(i.startswith("nokey/") for i in ids)


def test_unknown_provider_is_not_found(client):
    with pytest.raises(openai.NotFoundError) as error:
        client.chat.completions.create(model="nosuch/model", messages=[{"role": "user", "content": "x"}])
    assert error.value.code == "model_not_found"


def test_missing_key_is_authentication_error(client):
    with pytest.raises(openai.AuthenticationError) as error:
        client.chat.completions.create(model="nokey/m", messages=[{"role": "user", "content": "x"}])
    assert "SDK_MISSING_KEY" in error.value.message


def test_bad_request(client):
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="demo/echo", messages=[])


def test_rate_limit_error_keeps_retry_after(client):
    with pytest.raises(openai.RateLimitError) as error:
        client.chat.completions.create(model="fake/rate-limited", messages=[{"role": "user", "content": "x"}])
    assert error.value.response.headers["retry-after"] == "3"
    assert error.value.code == "rate_limit_exceeded"


def test_upstream_failure_is_server_error(client):
    with pytest.raises(openai.InternalServerError) as error:
        client.chat.completions.create(model="fake/server-error", messages=[{"role": "user", "content": "x"}])
    assert error.value.status_code == 502


def test_error_after_stream_started_raises(client):
    stream = client.chat.completions.create(
        model="fake/drop-mid-stream", messages=[{"role": "user", "content": "x"}], stream=True)
    with pytest.raises(openai.APIError):
        for _ in stream:
            pass


def test_legacy_completions(client):
    completion = client.completions.create(model="demo/echo", prompt="complete me", max_tokens=32)
    assert completion.object == "text_completion"
    assert completion.choices[0].text.endswith("You said: complete me")
    stream = client.completions.create(model="demo/echo", prompt="stream me", max_tokens=32, stream=True)
    assert "".join(chunk.choices[0].text for chunk in stream if chunk.choices).endswith("You said: stream me")


def test_embeddings_default_base64_is_decoded_by_the_sdk(client):
    result = client.embeddings.create(model="demo/embed", input=["same text", "other text", "same text"])
    vectors = [item.embedding for item in result.data]
    assert len(vectors) == 3 and all(len(v) == 16 for v in vectors)
    assert vectors[0] == vectors[2] and vectors[0] != vectors[1]
    assert abs(sum(x * x for x in vectors[0]) - 1) < 1e-5
    floats = client.embeddings.create(model="demo/embed", input="same text", encoding_format="float")
    assert [round(x, 5) for x in floats.data[0].embedding] == [round(x, 5) for x in vectors[0]]
    assert result.usage.prompt_tokens > 0
