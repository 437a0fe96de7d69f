"""The dashboard in a real headless Chromium: the grid, search, filters, a provider restart seen live, a
playground stream, the spend view, and no console errors. Screenshots go to .build/artifacts."""
import json
import os
import pathlib
import signal
import subprocess
import tempfile
import urllib.error
import urllib.request

import pytest

from cdp import Browser
from conftest import ROOT, start_gateway

ARTIFACTS = ROOT / ".build" / "artifacts"


@pytest.fixture(scope="module")
def dashboard_gateway():
    """A gateway with the whole built-in catalog (Codestral's own provider off, so 'codestral' means
    Mistral's model) and a slow restart backoff, so a restarting worker stays visible for a refresh."""
    workdir = pathlib.Path(tempfile.mkdtemp(prefix="orchestra-dashboard-"))
    config = workdir / "config.toml"
    config.write_text(f"""[server]
listen = "127.0.0.1:0"
runtime_dir = "{workdir}"
[supervisor]
backoff_initial = 3
[usage]
database = "{workdir}/usage.sqlite"
flush_interval = 0.2
[providers.codestral]
enabled = false
[providers.windowed]
base_url = "http://127.0.0.1:9/v1"
[providers.windowed.limits]
rpm = 50
""")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    process, url = start_gateway(config, env)
    # A month of priced traffic (the generator of bench/usage.sh), so the spend view has something to show.
    subprocess.run(["python3", str(ROOT / "bench" / "seed_usage.py"), str(workdir / "usage.sqlite"), "3000"],
                   check=True, stdout=subprocess.DEVNULL)
    yield url
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=15)


@pytest.fixture(scope="module")
def browser():
    instance = Browser()
    yield instance
    instance.close()


def get(url):
    with urllib.request.urlopen(url) as response:
        return json.load(response)


def cards(browser):
    return browser.evaluate("[...document.querySelectorAll('.card')].map(c => c.dataset.id)")


def test_grid_search_and_filters(dashboard_gateway, browser):
    models = get(dashboard_gateway + "/api/models")["data"]
    browser.navigate(dashboard_gateway + "/dashboard")
    browser.wait_for("document.body.dataset.loaded === 'true'")
    assert sorted(cards(browser)) == sorted(m["id"] for m in models), "every catalog model has a card"
    browser.screenshot(ARTIFACTS / "dashboard-grid.png")

    browser.evaluate("{ const s = document.querySelector('#search'); s.value = 'codestral'; s.dispatchEvent(new Event('input')) }")
    shown = cards(browser)
    assert shown and all(card.startswith("mistral/codestral") for card in shown), shown

    browser.evaluate("{ const s = document.querySelector('#search'); s.value = ''; s.dispatchEvent(new Event('input'));"
                     "const v = document.querySelector('[data-capability=vision]'); v.checked = true; v.dispatchEvent(new Event('change')) }")
    vision = {m["id"] for m in models if m["capabilities"]["vision"]}
    assert set(cards(browser)) == vision and len(vision) < len(models), "text-only models are hidden"
    browser.evaluate("{ const v = document.querySelector('[data-capability=vision]'); v.checked = false; v.dispatchEvent(new Event('change')) }")


def test_playground_streams_an_answer(dashboard_gateway, browser):
    browser.evaluate("document.querySelector('nav a[data-tab=playground]').click()")
    browser.wait_for("[...document.querySelectorAll('#play-model option')].some(o => o.value === 'demo/echo')")
    browser.evaluate("document.querySelector('#play-model').value = 'demo/echo';"
                     "document.querySelector('#play-prompt').value = 'hello dashboard';"
                     "document.querySelector('#play-send').click()")
    browser.wait_for("(document.querySelector('.msg.assistant')?.textContent || '').includes('You said: hello dashboard')")
    browser.wait_for("document.querySelector('#play-stats').textContent.includes('tokens')")
    assert "first token" in browser.evaluate("document.querySelector('#play-stats').textContent")


def test_spend_view(dashboard_gateway, browser):
    for _ in range(3):
        request = urllib.request.Request(dashboard_gateway + "/v1/chat/completions", method="POST",
                                         headers={"Content-Type": "application/json"},
                                         data=b'{"model":"demo/echo","messages":[{"role":"user","content":"spend"}]}')
        urllib.request.urlopen(request).read()
    browser.evaluate("document.querySelector('nav a[data-tab=spend]').click()")
    browser.wait_for("document.querySelector('#spend-table tbody').textContent.includes('demo/echo')")
    browser.wait_for("document.querySelectorAll('#chart rect').length > 1")
    assert "unpriced" in browser.evaluate("document.querySelector('#spend-table tbody').textContent"), "unknown cost is shown as such"
    assert browser.evaluate("document.querySelector('#spent').textContent").startswith("$")
    browser.screenshot(ARTIFACTS / "dashboard-spend.png")


def test_killed_worker_turns_restarting_then_ready(dashboard_gateway, browser):
    browser.evaluate("document.querySelector('nav a[data-tab=providers]').click()")
    state = "document.querySelector('tr[data-provider=demo] .state').textContent"
    browser.wait_for(f"{state}.startsWith('ready')")
    pid = get(dashboard_gateway + "/health")["providers"]["demo"]["pid"]
    os.kill(pid, signal.SIGKILL)
    browser.wait_for(f"!{state}.startsWith('ready')", timeout=10)
    seen = browser.evaluate(state)
    browser.wait_for(f"{state}.startsWith('ready')", timeout=20)
    assert not seen.startswith("ready"), seen


def test_provider_with_a_request_window_shows_requests_left(dashboard_gateway, browser):
    # A request spends some of the window (the upstream address refuses at once, which still counts).
    request = urllib.request.Request(dashboard_gateway + "/v1/chat/completions", method="POST",
                                     headers={"Content-Type": "application/json"},
                                     data=b'{"model":"windowed/any","messages":[{"role":"user","content":"hi"}]}')
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request).read()
    assert refused.value.code == 502
    browser.evaluate("document.querySelector('nav a[data-tab=providers]').click()")
    browser.wait_for("/^[0-9]+ left/.test(document.querySelector('tr[data-provider=windowed] td:nth-child(9)').textContent)",
                     timeout=10)


def test_no_console_errors(browser):
    assert browser.console_errors() == []
