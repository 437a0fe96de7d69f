"""The official openai SDK's Responses API (`client.responses`) through the gateway, in front of an
OpenAI-compatible, a Gemini-native and an Anthropic-Messages upstream: text whole and streamed (the
events in order, numbered), a function tool round trip whole and streamed, `text.format` json_schema,
a `previous_response_id` chain, a stored response read back and deleted, `store: false`, another key
refused, and every refusal of what the gateway cannot honour."""
import json
import time
import urllib.request

import openai
import pydantic
import pytest

from conftest import TOOL_ANSWER, FakeOpenAI, gateway_with_keys
from fake_dialects import FakeDialects

WEATHER = {"type": "function", "name": "get_weather", "description": "Current weather",
           "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}
# One model per upstream dialect; each fake plays the same weather conversation.
MODELS = ["fake/tools-model", "gem/fake-model", "anth/claude-test"]


class Weather(pydantic.BaseModel):
    city: str
    degrees: int


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway + "/v1", api_key="dummy-client-key", max_retries=0)


def upstream_requests(model):
    """What the fake behind `model` received, in its own dialect."""
    return FakeOpenAI.seen if model.startswith("fake/") else FakeDialects.seen


@pytest.mark.parametrize("model,text", [("fake/gpt-test", "fake says hi"), ("gem/fake-model", "fake gemini says hi"),
                                        ("demo/echo", None)])
def test_text_whole(client, model, text):
    response = client.responses.create(model=model, input="hello responses", instructions="Be brief.")
    assert response.object == "response" and response.status == "completed"
    assert response.id.startswith("resp_") and response.model == model
    assert response.output[0].type == "message" and response.output[0].role == "assistant"
    if text:
        assert response.output_text == text
    else:
        assert response.output_text.endswith("You said: hello responses")
    assert response.usage.input_tokens > 0 and response.usage.output_tokens > 0
    assert response.usage.total_tokens == response.usage.input_tokens + response.usage.output_tokens
    assert response.instructions == "Be brief."


def test_instructions_and_items_reach_the_upstream_as_chat(client):
    FakeOpenAI.seen.clear()
    client.responses.create(model="fake/gpt-test", instructions="Be brief.", max_output_tokens=77, temperature=0.5, input=[
        {"role": "user", "content": [{"type": "input_text", "text": "look"},
                                     {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="}]},
        {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "I see."}]},
        {"role": "developer", "content": "Answer in French."},
        {"role": "user", "content": "what now?"}])
    sent = FakeOpenAI.seen[-1]["body"]
    assert sent["messages"][0] == {"role": "system", "content": "Be brief."}
    assert sent["messages"][1]["content"][1] == {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}
    assert sent["messages"][2] == {"role": "assistant", "content": "I see."}
    assert sent["messages"][3] == {"role": "system", "content": "Answer in French."}
    assert sent["max_tokens"] == 77 and sent["temperature"] == 0.5


@pytest.mark.parametrize("model", ["fake/gpt-test", "gem/fake-model", "anth/claude-test", "demo/echo"])
def test_text_streamed_events(client, model):
    with client.responses.stream(model=model, input="stream please") as stream:
        events = list(stream)
        final = stream.get_final_response()
    types = [event.type for event in events]
    assert types[:2] == ["response.created", "response.in_progress"]
    assert types[-1] == "response.completed"
    assert [event.sequence_number for event in events] == list(range(len(events)))
    expected = ["response.output_item.added", "response.content_part.added", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done"]
    assert [t for t in types if t in expected][:2] == expected[:2]
    assert types.index("response.output_text.done") < types.index("response.content_part.done") < \
        types.index("response.output_item.done") < types.index("response.completed")
    deltas = "".join(event.delta for event in events if event.type == "response.output_text.delta")
    assert deltas and final.output_text == deltas
    assert final.status == "completed" and final.usage.output_tokens > 0


def run_tool_round_trip(client, model, streamed):
    """The weather conversation: the model calls get_weather, the result goes back, the model answers."""
    history = [{"role": "user", "content": "Weather in Paris?"}]

    def create(input):
        if not streamed:
            return client.responses.create(model=model, input=input, tools=[WEATHER])
        with client.responses.stream(model=model, input=input, tools=[WEATHER]) as stream:
            events = list(stream)
            final = stream.get_final_response()
        arguments = "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta")
        calls = [item for item in final.output if item.type == "function_call"]
        if calls:
            assert json.loads(arguments) == json.loads(calls[0].arguments)
            assert "response.function_call_arguments.done" in [e.type for e in events]
        return final

    first = create(history)
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments) == {"city": "Paris"}
    history += [item.model_dump(exclude_none=True) for item in first.output]
    history.append({"type": "function_call_output", "call_id": calls[0].call_id, "output": "21 degrees"})
    second = create(history)
    assert second.output_text == TOOL_ANSWER
    return first, second


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("streamed", [False, True])
def test_function_tool_round_trip(client, model, streamed):
    run_tool_round_trip(client, model, streamed)


@pytest.mark.parametrize("model", ["fake/gpt-test", "gem/fake-model", "anth/claude-sonnet-4-5"])
def test_json_schema_format(client, model):
    upstream_requests(model).clear()
    parsed = client.responses.parse(model=model, input="Weather in Paris as JSON", text_format=Weather)
    assert parsed.output_parsed == Weather(city="Paris", degrees=21)
    sent = upstream_requests(model)[-1]["body"]
    if model.startswith("fake/"):
        assert sent["response_format"]["json_schema"]["schema"]["properties"]["degrees"]["type"] == "integer"
    elif model.startswith("gem/"):
        assert sent["generationConfig"]["responseSchema"]["properties"]["degrees"]["type"].lower() == "integer"
    else:
        assert sent["output_config"]["format"]["schema"]["properties"]["degrees"]["type"] == "integer"


@pytest.mark.parametrize("model", MODELS)
def test_previous_response_id_chain(client, model):
    first = client.responses.create(model=model, input="Weather in Paris?", tools=[WEATHER],
                                    instructions="You are a weather bot.")
    call = next(item for item in first.output if item.type == "function_call")
    upstream_requests(model).clear()
    second = client.responses.create(model=model, previous_response_id=first.id, tools=[WEATHER],
                                     input=[{"type": "function_call_output", "call_id": call.call_id, "output": "21"}])
    assert second.output_text == TOOL_ANSWER
    assert second.previous_response_id == first.id
    # The upstream saw the whole conversation, the first turn's instructions not carried over.
    sent = json.dumps(upstream_requests(model)[-1]["body"])
    assert "Weather in Paris?" in sent and "You are a weather bot." not in sent
    third = client.responses.create(model="fake/gpt-test", previous_response_id=second.id, input="thanks")
    assert third.output_text == "fake says hi"
    history = FakeOpenAI.seen[-1]["body"]["messages"]
    assert [m["role"] for m in history] == ["user", "assistant", "tool", "assistant", "user"]
    assert history[3]["content"] == TOOL_ANSWER


def test_streamed_response_chains_at_once(client):
    with client.responses.stream(model="fake/gpt-test", input="first") as stream:
        first = stream.get_final_response()
    FakeOpenAI.seen.clear()
    client.responses.create(model="fake/gpt-test", previous_response_id=first.id, input="second")
    messages = FakeOpenAI.seen[-1]["body"]["messages"]
    assert messages == [{"role": "user", "content": "first"}, {"role": "assistant", "content": "fake streams hi"},
                        {"role": "user", "content": "second"}]


def test_stored_response_read_back_and_deleted(client):
    created = client.responses.create(model="fake/gpt-test", input="keep me", metadata={"ticket": "42"})
    read = client.responses.retrieve(created.id)
    assert read.id == created.id and read.output_text == "fake says hi" and read.metadata == {"ticket": "42"}
    client.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError) as refused:
        client.responses.create(model="fake/gpt-test", previous_response_id=created.id, input="again")
    assert refused.value.body["param"] == "previous_response_id"
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(created.id)


def test_store_false_keeps_nothing(client):
    created = client.responses.create(model="fake/gpt-test", input="forget me", store=False)
    assert created.store is False
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)


@pytest.mark.parametrize("kwargs,param", [
    ({"tools": [{"type": "web_search"}]}, "tools[0].type"),
    ({"tools": [{"type": "file_search", "vector_store_ids": ["vs_1"]}]}, "tools[0].type"),
    ({"background": True}, "background"),
    ({"include": ["reasoning.encrypted_content"]}, "include[0]"),
    ({"truncation": "auto"}, "truncation"),
    ({"extra_body": {"conversation": "conv_1"}}, "conversation"),
    ({"prompt": {"id": "pmpt_1"}}, "prompt"),
    ({"tool_choice": {"type": "web_search_preview"}}, "tool_choice"),
    ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type"),
    ({"input": [{"role": "user", "content": [{"type": "input_file", "file_id": "file_1"}]}]}, "input[0].content"),
    ({"text": {"format": {"type": "json_schema", "name": "x"}}}, "text.format.schema"),
])
def test_what_cannot_be_honoured_is_refused_by_name(client, kwargs, param):
    arguments = {"model": "fake/gpt-test", "input": "hi", **kwargs}
    with pytest.raises(openai.BadRequestError) as refused:
        client.responses.create(**arguments)
    assert refused.value.status_code == 400
    assert refused.value.body["param"] == param, refused.value.body
    assert refused.value.body["message"]


def test_bad_requests_in_openai_shape(client):
    with pytest.raises(openai.BadRequestError) as refused:
        client.responses.create(model="fake/gpt-test")
    assert refused.value.body["param"] == "input"
    with pytest.raises(openai.NotFoundError) as unknown:
        client.responses.create(model="nosuch/model", input="hi")
    assert unknown.value.body["code"] == "model_not_found"


@pytest.fixture(scope="module")
def two_keys():
    yield from gateway_with_keys("orchestra-responses-keys-", ["alice", "bob"])


def test_a_stored_response_is_visible_only_to_its_key(two_keys):
    url, (alice_key, bob_key) = two_keys
    alice = openai.OpenAI(base_url=url + "/v1", api_key=alice_key, max_retries=0)
    bob = openai.OpenAI(base_url=url + "/v1", api_key=bob_key, max_retries=0)
    created = alice.responses.create(model="demo/echo", input="alice's secret")
    assert alice.responses.retrieve(created.id).id == created.id
    with pytest.raises(openai.NotFoundError):
        bob.responses.retrieve(created.id)
    with pytest.raises(openai.NotFoundError):
        bob.responses.create(model="demo/echo", previous_response_id=created.id, input="tell me")
    with pytest.raises(openai.NotFoundError):
        bob.responses.delete(created.id)
    assert alice.responses.retrieve(created.id).id == created.id
    with pytest.raises(openai.AuthenticationError):
        openai.OpenAI(base_url=url + "/v1", api_key="orch_wrong", max_retries=0).responses.retrieve(created.id)


@pytest.mark.parametrize("streamed", [False, True])
def test_reasoning_becomes_a_summary_and_goes_back_as_reasoning(client, streamed):
    if streamed:
        with client.responses.stream(model="fake/reasoner", input="hi", reasoning={"effort": "low"}) as stream:
            events = list(stream)
            response = stream.get_final_response()
        types = [event.type for event in events]
        summary = "".join(e.delta for e in events if e.type == "response.reasoning_summary_text.delta")
        assert summary == "The user greets me."
        assert types.index("response.reasoning_summary_part.added") < types.index("response.reasoning_summary_text.delta") \
            < types.index("response.reasoning_summary_text.done") < types.index("response.output_text.delta")
    else:
        response = client.responses.create(model="fake/reasoner", input="hi", reasoning={"effort": "low"})
    assert [item.type for item in response.output] == ["reasoning", "message"]
    assert response.output[0].summary[0].text == "The user greets me."
    assert response.output_text == "Hello!"
    assert response.usage.output_tokens_details.reasoning_tokens == 4
    assert response.usage.input_tokens_details.cached_tokens == 2
    assert FakeOpenAI.seen[-1]["body"]["reasoning_effort"] == "low"
    # Replayed as items, the reasoning travels with the assistant turn it preceded.
    history = [{"role": "user", "content": "hi"}] + [item.model_dump(exclude_none=True) for item in response.output] + \
        [{"role": "user", "content": "and?"}]
    client.responses.create(model="fake/gpt-test", input=history)
    assert FakeOpenAI.seen[-1]["body"]["messages"][1] == {
        "role": "assistant", "content": "Hello!", "reasoning_content": "The user greets me."}


@pytest.mark.parametrize("streamed", [False, True])
def test_an_answer_cut_at_its_limit_is_incomplete(client, streamed):
    if streamed:
        events = list(client.responses.create(model="fake/cut-short", input="a story", max_output_tokens=3, stream=True))
        assert events[-1].type == "response.incomplete"
        response = events[-1].response
    else:
        response = client.responses.create(model="fake/cut-short", input="a story", max_output_tokens=3)
    assert response.status == "incomplete"
    assert response.incomplete_details.reason == "max_output_tokens"
    assert response.output_text == "Once upon a"


def test_a_stream_that_fails_midway_ends_with_response_failed(client):
    events = list(client.responses.create(model="fake/drop-mid-stream", input="hi", stream=True))
    assert events[0].type == "response.created"
    assert events[-1].type == "response.failed"
    assert events[-1].response.status == "failed" and events[-1].response.error.message
    assert [event.sequence_number for event in events] == list(range(len(events)))


def test_usage_is_recorded_as_responses(client, gateway):
    client.responses.create(model="fake/reasoner", input="count me")
    with client.responses.stream(model="fake/reasoner", input="count me too") as stream:
        stream.get_final_response()
    deadline = time.time() + 5
    while True:
        with urllib.request.urlopen(gateway + "/api/usage?group_by=endpoint") as answer:
            rows = {row["key"]: row for row in json.load(answer)["rows"]}
        row = rows.get("responses")
        if row and row["requests"] >= 2 or time.time() > deadline:
            break
        time.sleep(0.1)
    assert row["requests"] >= 2 and row["completion_tokens"] >= 14 and row["reasoning_tokens"] >= 8
