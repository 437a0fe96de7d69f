"""A tool-calling round trip with the official openai SDK through the Gemini and Anthropic dialects."""
import json

import openai
import pytest

from fake_dialects import ANSWER, SIGNATURE, FakeDialects

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"],
                   "additionalProperties": False}}}]


@pytest.fixture
def client(gateway):
    return openai.OpenAI(base_url=gateway + "/v1", api_key="dummy-client-key", max_retries=0)


def collect_stream(stream):
    """Rebuilds a message from chunks the way agent frameworks do."""
    text, calls, finish = "", {}, None
    for chunk in stream:
        if not chunk.choices:
            continue
        choice = chunk.choices[0]
        text += choice.delta.content or ""
        for fragment in choice.delta.tool_calls or []:
            call = calls.setdefault(fragment.index, {"id": "", "name": "", "arguments": ""})
            call["id"] = fragment.id or call["id"]
            call["name"] += (fragment.function.name or "") if fragment.function else ""
            call["arguments"] += (fragment.function.arguments or "") if fragment.function else ""
        finish = choice.finish_reason or finish
    return text, [calls[i] for i in sorted(calls)], finish


@pytest.mark.parametrize("provider", ["gem", "anth"])
def test_tool_round_trip(client, provider):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    first = client.chat.completions.create(model=f"{provider}/fake-model", messages=messages, tools=TOOLS)
    choice = first.choices[0]
    assert choice.finish_reason == "tool_calls"
    call = choice.message.tool_calls[0]
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Paris"}
    # The SDK's own message object goes back into the history, as agents do.
    messages += [choice.message, {"role": "tool", "tool_call_id": call.id, "content": '{"temperature": 21}'}]
    second = client.chat.completions.create(model=f"{provider}/fake-model", messages=messages, tools=TOOLS)
    assert second.choices[0].message.content == ANSWER
    assert second.choices[0].finish_reason == "stop"
    assert second.usage.total_tokens == 13


@pytest.mark.parametrize("provider", ["gem", "anth"])
def test_tool_round_trip_streamed(client, provider):
    messages = [{"role": "user", "content": "Weather in Paris?"}]
    text, calls, finish = collect_stream(client.chat.completions.create(
        model=f"{provider}/fake-model", messages=messages, tools=TOOLS, stream=True))
    assert finish == "tool_calls"
    assert len(calls) == 1 and calls[0]["name"] == "get_weather"
    assert json.loads(calls[0]["arguments"]) == {"city": "Paris"}
    messages += [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": calls[0]["id"], "type": "function",
             "function": {"name": calls[0]["name"], "arguments": calls[0]["arguments"]}}]},
        {"role": "tool", "tool_call_id": calls[0]["id"], "content": "21 degrees"},
    ]
    text, calls, finish = collect_stream(client.chat.completions.create(
        model=f"{provider}/fake-model", messages=messages, tools=TOOLS, stream=True))
    assert text == ANSWER and finish == "stop" and not calls


def test_gemini_received_its_signature_back(client):
    replays = [s for s in FakeDialects.seen if s["path"].startswith("/gemini/")
               and any("functionResponse" in p for p in s["body"]["contents"][-1]["parts"])]
    assert replays, "the round-trip tests ran first"
    assert all(r["body"]["contents"][-2]["parts"][0]["thoughtSignature"] == SIGNATURE for r in replays)
    assert all(r["headers"].get("x-goog-api-key") for r in replays)
