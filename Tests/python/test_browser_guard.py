"""Browsers cannot spend the keys (issue 14): a foreign `Host` (DNS rebinding) is refused, `/v1` takes only
JSON bodies (a cross-site `text/plain` or form post needs no CORS permission), CORS is off unless origins are
configured, and the dashboard sends protective headers. Nothing refused reaches the upstream."""
import http.client
import json

import pytest

from conftest import FakeOpenAI, fake_provider_gateway

CHAT = json.dumps({"model": "fake/gpt-test", "messages": [{"role": "user", "content": "hi"}]})


@pytest.fixture(scope="module")
def gateway(fake_upstream):
    yield from fake_provider_gateway("orchestra-guard-", fake_upstream, 'allowed_hosts = ["gateway.internal", "*.corp.example"]')


@pytest.fixture(scope="module")
def cors_gateway(fake_upstream):
    yield from fake_provider_gateway("orchestra-cors-", fake_upstream, 'cors_origins = ["https://app.example"]')


def call(url, method, path, body=None, headers=None):
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
    connection.request(method, path, body=body, headers=headers)
    answer = connection.getresponse()
    data = answer.read()
    connection.close()
    return answer.status, {k.lower(): v for k, v in answer.getheaders()}, data


def upstream_calls():
    return len(FakeOpenAI.seen)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.nip.io", "corp.example"])
def test_a_foreign_host_is_refused_before_anything_runs(gateway, host):
    before = upstream_calls()
    status, _, body = call(gateway, "POST", "/v1/chat/completions", CHAT,
                           {"Host": host, "Content-Type": "application/json"})
    assert status == 403
    assert json.loads(body)["error"]["code"] == "host_not_allowed"
    status, _, body = call(gateway, "GET", "/api/usage", headers={"Host": host})
    assert status == 403, "a rebinding page could read usage"
    assert upstream_calls() == before


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "[::1]:8000", "app.localhost", "10.1.2.3:80",
                                  "gateway.internal", "GATEWAY.internal.", "ci.corp.example:443"])
def test_addresses_loopback_names_and_allowed_hosts_are_served(gateway, host):
    status, _, body = call(gateway, "POST", "/v1/chat/completions", CHAT, {"Host": host, "Content-Type": "application/json"})
    assert status == 200, body
    assert json.loads(body)["choices"][0]["message"]["content"] == "fake says hi"


@pytest.mark.parametrize("content_type", ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
                                          "multipart/form-data; boundary=x", None])
def test_a_body_that_is_not_json_never_reaches_the_upstream(gateway, content_type):
    before = upstream_calls()
    headers = {"Content-Type": content_type} if content_type else {}
    status, headers_back, body = call(gateway, "POST", "/v1/chat/completions", CHAT, headers)
    assert status == 415
    error = json.loads(body)["error"]
    assert error["type"] == "invalid_request_error" and error["code"] == "unsupported_media_type"
    assert "application/json" in error["message"]
    assert upstream_calls() == before


def test_the_anthropic_route_refuses_in_anthropics_shape(gateway):
    status, _, body = call(gateway, "POST", "/v1/messages", json.dumps(
        {"model": "fake/gpt-test", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}),
        {"Content-Type": "text/plain"})
    assert status == 415
    assert json.loads(body)["type"] == "error"


def test_json_with_parameters_or_a_json_suffix_is_json(gateway):
    for content_type in ["application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"]:
        status, _, body = call(gateway, "POST", "/v1/chat/completions", CHAT, {"Content-Type": content_type})
        assert status == 200, (content_type, body)


def test_cors_is_off_unless_configured(gateway):
    status, headers, _ = call(gateway, "OPTIONS", "/v1/chat/completions", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert "access-control-allow-origin" not in headers
    status, headers, _ = call(gateway, "POST", "/v1/chat/completions", CHAT,
                              {"Origin": "https://app.example", "Content-Type": "application/json"})
    assert "access-control-allow-origin" not in headers


def test_a_configured_origin_gets_a_proper_preflight_and_headers(cors_gateway):
    status, headers, _ = call(cors_gateway, "OPTIONS", "/v1/chat/completions", headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type"})
    assert status in (200, 204)
    assert headers["access-control-allow-origin"] == "https://app.example"
    assert "POST" in headers["access-control-allow-methods"]
    assert "authorization" in headers["access-control-allow-headers"].lower()
    assert headers.get("vary") == "Origin"
    status, headers, body = call(cors_gateway, "POST", "/v1/chat/completions", CHAT,
                                 {"Origin": "https://app.example", "Content-Type": "application/json"})
    assert status == 200, body
    assert headers["access-control-allow-origin"] == "https://app.example"


def test_an_unlisted_origin_is_refused_when_cors_is_on(cors_gateway):
    before = upstream_calls()
    for method, body, extra in [("OPTIONS", None, {"Access-Control-Request-Method": "POST"}),
                                ("POST", CHAT, {"Content-Type": "application/json"})]:
        status, headers, answer = call(cors_gateway, method, "/v1/chat/completions", body,
                                       {"Origin": "https://evil.example", **extra})
        assert status == 403
        assert json.loads(answer)["error"]["code"] == "origin_not_allowed"
        assert "access-control-allow-origin" not in headers
    assert upstream_calls() == before


def test_the_gateways_own_origin_is_not_cross_origin(cors_gateway):
    port = cors_gateway.rsplit(":", 1)[1]
    status, _, body = call(cors_gateway, "POST", "/v1/chat/completions", CHAT,
                           {"Origin": f"http://127.0.0.1:{port}", "Content-Type": "application/json"})
    assert status == 200, body


def test_the_dashboard_sends_protective_headers(gateway):
    for path in ["/", "/dashboard", "/dashboard/dashboard.js"]:
        status, headers, _ = call(gateway, "GET", path)
        assert status == 200
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in policy
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
