"""A real browser (headless Chromium over the DevTools protocol) attacking a gateway with keys off, as a web
page would (issue 14): a cross-site page posting `text/plain` and form bodies, a JSON post that needs CORS,
a read of usage, and a DNS-rebinding page (its name resolved to 127.0.0.1). None reaches the upstream or
reads an answer."""
import json
from http.server import BaseHTTPRequestHandler

import pytest

from cdp import Browser
from conftest import FakeOpenAI, fake_provider_gateway, serve


class HostilePage(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"<!doctype html><title>cat pictures</title><p>nothing to see</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def gateway(fake_upstream):
    yield from fake_provider_gateway("orchestra-attacks-", fake_upstream)


@pytest.fixture(scope="module")
def page():
    yield from serve(HostilePage)


@pytest.fixture(scope="module")
def browser():
    instance = Browser(extra_args=["--host-resolver-rules=MAP rebind.test 127.0.0.1"])
    yield instance
    instance.close()


ATTACK = """(async () => {
  const gateway = %s, chat = %s, out = {};
  for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
    try { await fetch(gateway + "/v1/chat/completions", {method: "POST", mode: "no-cors", headers: {"Content-Type": type}, body: chat}); out[type] = "sent"; }
    catch (e) { out[type] = "failed"; }
  }
  try { const r = await fetch(gateway + "/v1/chat/completions", {method: "POST", headers: {"Content-Type": "application/json"}, body: chat}); out.json = await r.text(); }
  catch (e) { out.json = "blocked"; }
  try { const r = await fetch(gateway + "/api/usage"); out.usage = await r.text(); }
  catch (e) { out.usage = "blocked"; }
  return out;
})()"""


def test_a_cross_site_page_cannot_spend_the_keys_or_read_usage(gateway, page, browser):
    browser.navigate(page)
    browser.wait_for("document.title === 'cat pictures'")
    before = len(FakeOpenAI.seen)
    chat = json.dumps({"model": "fake/gpt-test", "messages": [{"role": "user", "content": "spend it"}]})
    result = browser.evaluate(ATTACK % (json.dumps(gateway), json.dumps(chat)))
    assert result["text/plain"] == "sent" and result["application/x-www-form-urlencoded"] == "sent", result
    assert result["json"] == "blocked" and result["usage"] == "blocked", result
    assert len(FakeOpenAI.seen) == before, "a web page's request reached the upstream"


def test_a_rebinding_page_is_refused_by_host(gateway, browser):
    port = gateway.rsplit(":", 1)[1]
    before = len(FakeOpenAI.seen)
    browser.navigate(f"http://rebind.test:{port}/health")
    browser.wait_for("document.body && document.body.innerText.length > 0")
    chat = json.dumps({"model": "fake/gpt-test", "messages": [{"role": "user", "content": "spend it"}]})
    # Same origin now, so the page could read answers: the gateway refuses the name instead.
    result = browser.evaluate("""(async () => {
      const usage = await fetch("/api/usage");
      const spend = await fetch("/v1/chat/completions", {method: "POST", headers: {"Content-Type": "application/json"}, body: %s});
      return [usage.status, await usage.text(), spend.status];
    })()""" % json.dumps(chat))
    assert result[0] == 403 and "host_not_allowed" in result[1], result
    assert result[2] == 403
    assert len(FakeOpenAI.seen) == before
