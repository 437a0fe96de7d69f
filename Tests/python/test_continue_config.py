"""The generated Continue.dev config.yaml, from the running gateway and from the command line, checked
against Continue's config schema (packages/config-yaml, reference section 7.1) and round-tripped
through a YAML parser."""
import json
import re
import subprocess
import urllib.request

import yaml

from conftest import BIN_DIR, GATEWAY_RUN

TOP_KEYS = {"name", "version", "schema", "metadata", "models", "context", "rules", "prompts", "docs", "mcpServers", "data"}
MODEL_KEYS = {"name", "provider", "model", "apiBase", "apiKey", "roles", "capabilities", "defaultCompletionOptions",
              "requestOptions", "chatOptions", "embedOptions", "promptTemplates", "autocompleteOptions",
              "useLegacyCompletionsEndpoint", "maxStopWords", "cacheBehavior", "env"}
ROLES = {"chat", "autocomplete", "embed", "rerank", "edit", "apply", "summarize"}
CAPABILITIES = {"tool_use", "image_input"}
COMPLETION_OPTIONS = {"contextLength", "maxTokens", "temperature", "topP", "topK", "minP", "presencePenalty",
                      "frequencyPenalty", "stop", "n", "reasoning", "reasoningBudgetTokens", "promptCaching", "stream"}
SECRET = re.compile(r"^\$\{\{ secrets\.[A-Za-z0-9_]+ \}\}$")


def validate(document, api_base, api_key):
    """Continue's schema rules, as assertions; returns the models by (model id, roles)."""
    assert isinstance(document, dict) and set(document) <= TOP_KEYS
    assert isinstance(document["name"], str) and document["name"]
    assert isinstance(document["version"], str) and document["version"]
    assert document["schema"] == "v1"
    assert isinstance(document["models"], list) and document["models"]
    entries = {}
    for model in document["models"]:
        assert set(model) <= MODEL_KEYS, set(model) - MODEL_KEYS
        for key in ("name", "provider", "model"):
            assert isinstance(model[key], str) and model[key]
        assert model["provider"] == "openai"
        assert "/" in model["model"]
        assert model["apiBase"] == api_base and model["apiBase"].endswith("/v1/")
        assert model["apiKey"] == api_key
        assert api_key == "dummy-key" or SECRET.match(api_key)
        assert model["roles"] and set(model["roles"]) <= ROLES
        assert set(model.get("capabilities", [])) <= CAPABILITIES
        options = model.get("defaultCompletionOptions", {})
        assert set(options) <= COMPLETION_OPTIONS
        for key in ("contextLength", "maxTokens"):
            if key in options:
                assert isinstance(options[key], int) and options[key] > 0
        if "contextLength" in options and "maxTokens" in options:
            assert options["maxTokens"] < options["contextLength"]
        entries[(model["model"], tuple(model["roles"]))] = model
    return entries


def check_models(entries):
    chat = ("chat", "edit", "apply", "summarize")
    assert ("demo/echo", chat) in entries
    coder = entries[("fake/coder-fim", chat)]
    assert coder["capabilities"] == ["tool_use"]
    assert coder["defaultCompletionOptions"] == {"contextLength": 32768, "maxTokens": 8192}
    autocomplete = entries[("fake/coder-fim", ("autocomplete",))]
    assert autocomplete["defaultCompletionOptions"]["maxTokens"] == 256
    assert entries[("fake/vision-model", chat)]["capabilities"] == ["image_input"]
    assert entries[("demo/echo", chat)]["capabilities"] == []
    assert ("demo/embed", ("embed",)) in entries
    assert ("demo/embed", chat) not in entries
    assert not any(model.startswith("nokey/") for model, _ in entries)


def round_trip(text):
    document = yaml.safe_load(text)
    assert yaml.safe_load(yaml.safe_dump(document)) == document
    return document


def test_served_config_matches_continue_schema(gateway):
    with urllib.request.urlopen(gateway + "/continue/config.yaml?key_ref=ORCHESTRA_KEY") as response:
        assert response.headers["Content-Type"].startswith("application/yaml")
        text = response.read().decode()
    document = round_trip(text)
    entries = validate(document, gateway + "/v1/", "${{ secrets.ORCHESTRA_KEY }}")
    check_models(entries)
    with urllib.request.urlopen(gateway + "/v1/models") as response:
        served = {model["id"] for model in json.load(response)["data"]}
    assert {model for model, _ in entries} == served


def test_command_line_config(gateway):
    output = subprocess.run(
        [str(BIN_DIR / "orchestra"), "continue-config", "--config", GATEWAY_RUN["config"],
         "--base-url", "http://10.1.2.3:8000"],
        env=GATEWAY_RUN["env"], capture_output=True, text=True, check=True).stdout
    entries = validate(round_trip(output), "http://10.1.2.3:8000/v1/", "dummy-key")
    check_models(entries)
