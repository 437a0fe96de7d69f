"""The OpenAI Agents SDK (PyPI `openai-agents`) through the gateway: an agent with a function tool on
the SDK's default model (the Responses API, model ids prefixed `openai/` because the SDK reads the
first path segment as its own provider), whole and streamed, and on its Chat Completions model with a
Gemini model, streamed (the SDK strips the id's signature suffix and replays Google's
`extra_content`; the Gemini fake refuses a call without its signature)."""
import asyncio

import pytest
from agents import (Agent, OpenAIChatCompletionsModel, RunConfig, Runner, function_tool, set_tracing_disabled)
from agents.models.multi_provider import MultiProvider
from openai import AsyncOpenAI

from conftest import TOOL_ANSWER, FakeOpenAI
from fake_dialects import ANSWER, SIGNATURE, FakeDialects

set_tracing_disabled(True)
CALLS = []


@function_tool
def get_weather(city: str) -> str:
    """The current weather in a city."""
    CALLS.append(city)
    return "21 degrees"


def client(gateway):
    return AsyncOpenAI(base_url=gateway + "/v1", api_key="dummy-client-key", max_retries=0)


async def run(agent, question, streamed, config=None):
    if not streamed:
        return await Runner.run(agent, question, run_config=config)
    result = Runner.run_streamed(agent, question, run_config=config)
    async for _ in result.stream_events():
        pass
    return result


@pytest.mark.parametrize("streamed", [False, True])
def test_an_agent_on_the_default_responses_model(gateway, streamed):
    CALLS.clear()
    FakeOpenAI.seen.clear()
    # How a user points the SDK at Orchestra: its default provider with the gateway's client, `openai/` ids.
    config = RunConfig(model_provider=MultiProvider(openai_client=client(gateway)))
    agent = Agent(name="weather", instructions="Answer about the weather.", model="openai/fake/tools-model",
                  tools=[get_weather])
    result = asyncio.run(run(agent, "Weather in Paris?", streamed, config))
    assert result.final_output == TOOL_ANSWER
    assert CALLS == ["Paris"]
    # Both turns went through /v1/responses to the chat upstream, the tool's result in the second.
    assert len(FakeOpenAI.seen) == 2
    assert FakeOpenAI.seen[-1]["body"]["messages"][-1] == {
        "role": "tool", "tool_call_id": "call_oai_1", "content": "21 degrees"}


@pytest.mark.parametrize("model", ["gem/gemini-3-pro-preview", "fake/tools-model"])
def test_an_agent_on_the_chat_completions_model_streamed(gateway, model):
    CALLS.clear()
    FakeDialects.seen.clear()
    agent = Agent(name="weather", instructions="Answer about the weather.", tools=[get_weather],
                  model=OpenAIChatCompletionsModel(model=model, openai_client=client(gateway)))
    result = asyncio.run(run(agent, "Weather in Paris?", streamed=True))
    assert result.final_output == (ANSWER if model.startswith("gem/") else TOOL_ANSWER)
    assert CALLS == ["Paris"]
    if model.startswith("gem/"):
        # The replayed call carried the signature Gemini issued (the fake refuses it otherwise).
        replayed = FakeDialects.seen[-1]["body"]["contents"][1]["parts"][0]
        assert replayed["thoughtSignature"] == SIGNATURE
