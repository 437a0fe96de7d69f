"""The official anthropic SDK against /v1/messages: plain, streamed and tool use, through a
Gemini-dialect provider and an OpenAI-dialect provider behind the gateway; `messages.parse` with a
schema on those and on an Anthropic-dialect one (natively for Claude 4.5 and later, as a forced tool
before); a field the gateway cannot honour refused by name."""
import anthropic
import pydantic
import pytest

from conftest import TOOL_ANSWER, FakeOpenAI
from fake_dialects import FakeDialects

WEATHER = {"name": "get_weather", "description": "Current weather",
           "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}


@pytest.fixture
def client(gateway):
    return anthropic.Anthropic(base_url=gateway, api_key="dummy-client-key", max_retries=0)


def test_plain_message_through_demo(client):
    message = client.messages.create(model="demo/echo", max_tokens=64,
                                     messages=[{"role": "user", "content": "hello anthropic sdk"}])
    assert message.type == "message" and message.role == "assistant"
    assert message.content[0].type == "text"
    assert message.content[0].text.endswith("You said: hello anthropic sdk")
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens > 0


def test_plain_message_through_openai_dialect(client):
    message = client.messages.create(model="fake/gpt-test", max_tokens=64, system="Be brief.",
                                     messages=[{"role": "user", "content": "hi"}])
    assert message.content[0].text == "fake says hi"
    assert message.usage.input_tokens == 3 and message.usage.output_tokens == 3


def test_plain_message_through_gemini_dialect(client):
    message = client.messages.create(model="gem/fake-model", max_tokens=64,
                                     messages=[{"role": "user", "content": "hi"}])
    assert message.content[0].text == "fake gemini says hi"
    assert message.usage.input_tokens == 9 and message.usage.output_tokens == 4


@pytest.mark.parametrize("model", ["demo/echo", "fake/gpt-test", "gem/fake-model"])
def test_streamed_message(client, model):
    with client.messages.stream(model=model, max_tokens=64,
                                messages=[{"role": "user", "content": "stream please"}]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text and final.content[0].text == text
    assert final.stop_reason == "end_turn"
    assert final.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["gem/fake-model", "fake/tools-model"])
@pytest.mark.parametrize("streamed", [False, True])
def test_tool_use_round_trip(client, model, streamed):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    if streamed:
        with client.messages.stream(model=model, max_tokens=256, tools=[WEATHER], messages=messages) as stream:
            first = stream.get_final_message()
    else:
        first = client.messages.create(model=model, max_tokens=256, tools=[WEATHER], messages=messages)
    assert first.stop_reason == "tool_use"
    use = [block for block in first.content if block.type == "tool_use"][0]
    assert use.name == "get_weather" and use.input == {"city": "Paris"}
    messages += [{"role": "assistant", "content": first.content},
                 {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "21 degrees"}]}]
    second = client.messages.create(model=model, max_tokens=256, tools=[WEATHER], messages=messages)
    assert second.content[0].text == TOOL_ANSWER
    assert second.stop_reason == "end_turn"


def test_errors_are_anthropic_shaped(client):
    with pytest.raises(anthropic.NotFoundError) as error:
        client.messages.create(model="nosuch/model", max_tokens=16, messages=[{"role": "user", "content": "x"}])
    assert error.value.body["type"] == "error"
    assert error.value.body["error"]["type"] == "not_found_error"
    with pytest.raises(anthropic.BadRequestError):
        client.messages.create(model="demo/echo", max_tokens=16, messages=[{"role": "system", "content": "x"}])


def test_count_tokens_estimate(client):
    count = client.messages.count_tokens(model="demo/echo", messages=[{"role": "user", "content": "one two three four"}])
    assert count.input_tokens > 0


class Weather(pydantic.BaseModel):
    city: str
    temperature_c: int


@pytest.mark.parametrize("model", ["fake/gpt-test", "gem/fake-model", "anth/claude-sonnet-4-5", "anth/claude-3-7-sonnet"])
def test_messages_parse_gets_its_schema_through(client, model):
    FakeDialects.seen.clear()
    FakeOpenAI.seen.clear()
    parsed = client.messages.parse(model=model, max_tokens=256, output_format=Weather,
                                   messages=[{"role": "user", "content": "Weather in Paris?"}])
    assert parsed.parsed_output == Weather(city="Paris", temperature_c=21)
    # The upstream saw the schema, in its own dialect.
    if model.startswith("gem/"):
        config = FakeDialects.seen[-1]["body"]["generationConfig"]
        assert config["responseMimeType"] == "application/json" and "temperature_c" in config["responseSchema"]["properties"]
    elif model == "anth/claude-sonnet-4-5":
        # Claude 4.5 and later take the schema natively.
        assert "temperature_c" in FakeDialects.seen[-1]["body"]["output_config"]["format"]["schema"]["properties"]
    elif model.startswith("anth/"):
        # Older models get it as a tool they must call.
        body = FakeDialects.seen[-1]["body"]
        assert "output_config" not in body and body["tool_choice"]["type"] == "tool"
        assert "temperature_c" in body["tools"][0]["input_schema"]["properties"]
    else:
        schema = FakeOpenAI.seen[-1]["body"]["response_format"]["json_schema"]["schema"]
        assert schema["properties"]["temperature_c"]["type"] == "integer"


def test_a_field_the_gateway_cannot_honour_is_refused_by_name(client):
    with pytest.raises(anthropic.BadRequestError) as refused:
        client.messages.create(model="fake/gpt-test", max_tokens=64, messages=[{"role": "user", "content": "hi"}],
                               extra_body={"container": "container_1"})
    assert refused.value.body["error"]["type"] == "invalid_request_error"
    assert "'container' is not supported" in refused.value.body["error"]["message"]
    with pytest.raises(anthropic.BadRequestError) as wrong:
        client.messages.create(model="fake/gpt-test", max_tokens=64, messages=[{"role": "user", "content": "hi"}],
                               extra_body={"output_config": {"format": {"type": "xml"}}})
    assert "output_config.format.type must be json_schema" in wrong.value.body["error"]["message"]
