"""/metrics in Prometheus text format, parsed with the official Python client's parser; its counters
match the requests sent."""
import urllib.request

import openai
from prometheus_client.parser import text_string_to_metric_families


def scrape(gateway):
    with urllib.request.urlopen(gateway + "/metrics") as response:
        assert response.headers["Content-Type"].startswith("text/plain")
        return {family.name: family for family in text_string_to_metric_families(response.read().decode())}


def sample(families, name, **labels):
    """Sums the samples called `name` with these labels (a counter's samples end in `_total`, its
    family name does not)."""
    return sum(s.value for family in families.values() for s in family.samples
               if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))


def test_metrics_count_what_was_served(gateway):
    client = openai.OpenAI(base_url=gateway + "/v1", api_key="dummy", max_retries=0)
    before = scrape(gateway)
    for _ in range(3):
        client.chat.completions.create(model="demo/echo", messages=[{"role": "user", "content": "count me"}])
    try:
        client.chat.completions.create(model="fake/rate-limited", messages=[{"role": "user", "content": "x"}])
    except openai.RateLimitError:
        pass
    after = scrape(gateway)
    assert sample(after, "orchestra_requests_total", provider="demo", model="echo", status="200") \
        - sample(before, "orchestra_requests_total", provider="demo", model="echo", status="200") == 3
    assert sample(after, "orchestra_errors_total", provider="fake", kind="rate_limited") \
        - sample(before, "orchestra_errors_total", provider="fake", kind="rate_limited") == 1
    assert sample(after, "orchestra_tokens_total", provider="demo", kind="completion") \
        > sample(before, "orchestra_tokens_total", provider="demo", kind="completion")
    assert sample(after, "orchestra_request_duration_seconds_count", provider="demo", model="echo") \
        - sample(before, "orchestra_request_duration_seconds_count", provider="demo", model="echo") == 3
    assert sample(after, "orchestra_worker_up", provider="demo") == 1
    assert sample(after, "orchestra_time_to_first_byte_seconds_count", provider="demo", model="echo") >= 3
    assert "orchestra_in_flight_requests" in after
