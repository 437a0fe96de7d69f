"""The dashboard with client keys on, in a real headless Chromium: it asks for the admin key (kept in
the tab's session only) and refuses a wrong one; Keys & teams creates a team and a key (shown once),
the playground uses that key, Top clients names it, and revoking it shuts it out."""
import json
import urllib.error
import urllib.request

import pytest

from cdp import Browser
from conftest import ROOT, keyed_gateway

ARTIFACTS = ROOT / ".build" / "artifacts"


@pytest.fixture(scope="module")
def keyed_dashboard():
    for url, admin_key, _ in keyed_gateway("orchestra-dashboard-keys-"):
        yield url, admin_key


@pytest.fixture(scope="module")
def browser():
    instance = Browser()
    yield instance
    instance.close()


def chat(url, key):
    request = urllib.request.Request(url + "/v1/chat/completions", method="POST",
                                     headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
                                     data=b'{"model":"demo/echo","messages":[{"role":"user","content":"from a key"}]}')
    try:
        with urllib.request.urlopen(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_sign_in_keys_and_teams(keyed_dashboard, browser):
    url, admin_key = keyed_dashboard
    browser.navigate(url + "/dashboard")
    browser.wait_for("!document.querySelector('#signin').hidden")
    browser.evaluate("document.querySelector('#signin-key').value = 'orch_wrong_wrong_wrong_wrong_wrong_wrong';"
                     "document.querySelector('#signin-form').requestSubmit()")
    browser.wait_for("document.querySelector('#signin-error').textContent.includes('not the admin key')")
    browser.evaluate(f"document.querySelector('#signin-key').value = {json.dumps(admin_key)};"
                     "document.querySelector('#signin-form').requestSubmit()")
    # Signed in once the key is kept for the tab (the grid may show before: the catalog needs no key).
    browser.wait_for("sessionStorage.getItem('orchestra.admin') !== null && document.body.dataset.loaded === 'true'"
                     " && document.querySelectorAll('.card').length > 0")
    assert browser.evaluate("sessionStorage.getItem('orchestra.admin')") == admin_key
    assert browser.evaluate("localStorage.getItem('orchestra.admin')") is None, "never kept beyond the tab"

    browser.evaluate("document.querySelector('nav a[data-tab=keys]').click()")
    browser.wait_for("!document.querySelector('#keys-on').hidden")
    browser.evaluate("document.querySelector('#team-name').value = 'research'; document.querySelector('#team-budget').value = '5';"
                     "document.querySelector('#team-form').requestSubmit()")
    browser.wait_for("document.querySelector('#team-table tbody').textContent.includes('research')")
    browser.wait_for("[...document.querySelectorAll('#key-team option')].some(o => o.textContent === 'research')")
    browser.evaluate("document.querySelector('#key-name').value = 'alice';"
                     "document.querySelector('#key-team').value = [...document.querySelectorAll('#key-team option')].find(o => o.textContent === 'research').value;"
                     "document.querySelector('#key-form').requestSubmit()")
    browser.wait_for("!document.querySelector('#new-key').hidden")
    key = browser.evaluate("document.querySelector('#new-key-value').textContent")
    assert key.startswith("orch_") and len(key) == 48
    browser.wait_for("document.querySelector('#key-table tbody').textContent.includes('alice')")
    row = browser.evaluate("[...document.querySelectorAll('#key-table tbody tr')].find(r => r.textContent.includes('alice')).textContent")
    assert "research" in row and key not in row and key[:11] in row
    browser.screenshot(ARTIFACTS / "dashboard-keys.png")

    # The playground with the new key: the request is the key's.
    browser.evaluate("document.querySelector('nav a[data-tab=playground]').click()")
    browser.wait_for("[...document.querySelectorAll('#play-model option')].some(o => o.value === 'demo/echo')")
    browser.evaluate(f"document.querySelector('#play-key').value = {json.dumps(key)};"
                     "document.querySelector('#play-model').value = 'demo/echo';"
                     "document.querySelector('#play-prompt').value = 'hello with a key';"
                     "document.querySelector('#play-send').click()")
    browser.wait_for("(document.querySelector('.msg.assistant:last-child')?.textContent || '').includes('You said: hello with a key')")

    # Top clients names the key, not its id.
    browser.evaluate("document.querySelector('nav a[data-tab=spend]').click()")
    browser.wait_for("document.querySelector('#client-table tbody').textContent.includes('alice')", timeout=10)

    # Revoked from the dashboard: the key is shut out.
    assert chat(url, key) == 200
    browser.evaluate("window.confirm = () => true; document.querySelector('nav a[data-tab=keys]').click()")
    browser.wait_for("document.querySelector('#key-table .revoke') !== null")
    browser.evaluate("document.querySelector('#key-table .revoke').click()")
    browser.wait_for("document.querySelector('#key-table .key-state').textContent === 'revoked'")
    assert chat(url, key) == 401


def test_no_console_errors_but_the_refused_sign_in(browser):
    errors = [e for e in browser.console_errors() if "status of 401" not in (e or "") and "status of 403" not in (e or "")]
    assert errors == []
