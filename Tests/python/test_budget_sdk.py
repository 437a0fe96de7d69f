"""Budgets as the official SDKs meet them: a key whose budget is spent gets OpenAI's
`insufficient_quota` (a RateLimitError) and the SDKs do not retry it (`x-should-retry: false`); the
refusal is recorded once against the key; a model off the key's list is a PermissionDeniedError."""
import json
import subprocess
import time
import urllib.error
import urllib.request

import anthropic
import openai
import pytest

from conftest import BIN_DIR, keyed_gateway


@pytest.fixture(scope="module")
def budget_gateway():
    # demo/echo priced at $1,000 per million tokens: 10 output tokens reserve about $0.01 plus the prompt.
    priced = "[providers.demo.models.echo]\ninput_price = 1000\noutput_price = 1000\nmax_output = 100\n"
    for url, admin_key, config in keyed_gateway("orchestra-budget-", priced):
        created = subprocess.run([str(BIN_DIR / "orchestra"), "keys", "create", "--config", str(config), "--name", "capped",
                                  "--budget-usd", "0.07", "--period", "day", "--models", "demo/echo"],
                                 check=True, capture_output=True, text=True).stdout
        key = next(line.split()[1] for line in created.splitlines() if line.startswith("key:"))
        # The running gateway sees a new key within a second: wait for its own word that it does.
        deadline = time.time() + 5
        while time.time() < deadline:
            try:
                urllib.request.urlopen(urllib.request.Request(url + "/v1/key/info", headers={"Authorization": f"Bearer {key}"}))
                break
            except urllib.error.HTTPError:
                time.sleep(0.05)
        yield url, key, admin_key


def test_spent_budget_is_insufficient_quota_and_not_retried(budget_gateway):
    url, key, admin = budget_gateway
    client = openai.OpenAI(base_url=url + "/v1", api_key=key, max_retries=3)
    answered = 0
    with pytest.raises(openai.RateLimitError) as refused:
        for _ in range(10):
            client.chat.completions.create(model="demo/echo", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
            answered += 1
    assert refused.value.code == "insufficient_quota" and answered >= 1
    assert "budget" in refused.value.message and "resets at" in refused.value.message
    with pytest.raises(anthropic.RateLimitError):
        anthropic.Anthropic(base_url=url, api_key=key, max_retries=3).messages.create(
            model="demo/echo", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    with pytest.raises(openai.PermissionDeniedError) as forbidden:
        client.chat.completions.create(model="demo/slow", messages=[{"role": "user", "content": "hi"}])
    assert forbidden.value.code == "model_not_allowed"

    # Two refusals reached the gateway, one per SDK call: neither SDK retried.
    deadline, errors = time.time() + 5, None
    while time.time() < deadline:
        request = urllib.request.Request(url + "/admin/v1/usage?group_by=key", headers={"Authorization": f"Bearer {admin}"})
        rows = json.load(urllib.request.urlopen(request))["rows"]
        errors = sum(row["errors"] for row in rows)
        if errors >= 3:
            break
        time.sleep(0.1)
    assert errors == 3, "two budget refusals and one model refusal, each seen once"
    info = json.load(urllib.request.urlopen(urllib.request.Request(url + "/v1/key/info", headers={"Authorization": f"Bearer {key}"})))
    budget = info["budgets"][0]
    assert budget["spent_usd"] <= budget["budget_usd"] and budget["remaining_usd"] < 0.07
