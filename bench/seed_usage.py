"""Seeds an Orchestra usage database with N raw records over the last 30 days, and their hourly and
daily rollups, then times the usage report from the rollups against the same totals computed from the
raw rows (the baseline a rollup-less design would pay). Usage: seed_usage.py DATABASE [N]."""
import random
import sqlite3
import sys
import time

path = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
db = sqlite3.connect(path)
now = time.time()
models = [("groq", "openai/gpt-oss-120b"), ("mistral", "codestral-2501"), ("gemini", "gemini-2.5-flash"),
          ("cerebras", "gpt-oss-120b"), ("kimi", "kimi-for-coding"), ("local", "llama3.1:8b")]
clients = [f"team-{i}" for i in range(20)]
random.seed(7)
started = time.time()
batch = []
for i in range(count):
    provider, model = models[i % len(models)]
    prompt, completion = random.randint(50, 4000), random.randint(10, 800)
    cost = None if provider == "local" else (prompt * 0.3 + completion * 0.9) / 1e6
    batch.append((now - random.random() * 30 * 86400, f"req_{i}", clients[i % 20], provider, model, "chat",
                  200 if i % 50 else 429, prompt, completion, 0, 0, 0, cost,
                  None if cost is None else (prompt * 2 + completion * 8) / 1e6,
                  random.random(), random.random() / 4, 1, 0))
    if len(batch) == 50_000:
        db.executemany("""INSERT INTO requests (time, request_id, client, provider, model, endpoint, status, prompt_tokens,
            completion_tokens, reasoning_tokens, cached_tokens, estimated, cost, reference_cost, latency, ttfb, attempts, fallback)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", batch)
        batch = []
if batch:
    db.executemany("""INSERT INTO requests (time, request_id, client, provider, model, endpoint, status, prompt_tokens,
        completion_tokens, reasoning_tokens, cached_tokens, estimated, cost, reference_cost, latency, ttfb, attempts, fallback)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", batch)
for table, width in (("usage_hourly", 3600), ("usage_daily", 86400)):
    db.execute(f"""INSERT INTO {table} (bucket, provider, model, client, requests, errors, prompt_tokens, completion_tokens,
        reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum)
        SELECT CAST(time / {width} AS INTEGER) * {width}, provider, model, client, COUNT(*),
        SUM(status >= 400), SUM(prompt_tokens), SUM(completion_tokens), SUM(reasoning_tokens), SUM(cached_tokens),
        SUM(estimated), SUM(COALESCE(cost, 0)), SUM(cost IS NULL AND status < 400), SUM(COALESCE(reference_cost, 0)),
        SUM(latency) FROM requests GROUP BY 1, 2, 3, 4""")
db.commit()
print(f"seeded {count} records in {time.time() - started:.1f} s")

def timed(sql):
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        db.execute(sql).fetchall()
        runs.append(time.perf_counter() - start)
    return sorted(runs)[2] * 1000

rollup = timed("""SELECT provider || '/' || model, SUM(requests), SUM(prompt_tokens), SUM(cost) FROM usage_hourly
    WHERE bucket >= strftime('%s','now') - 7 * 86400 GROUP BY 1""")
raw = timed("""SELECT provider || '/' || model, COUNT(*), SUM(prompt_tokens), SUM(cost) FROM requests
    WHERE time >= strftime('%s','now') - 7 * 86400 GROUP BY 1""")
rows = db.execute("SELECT COUNT(*) FROM usage_hourly").fetchone()[0]
print(f"7-day report by model: from {rows} hourly rollup rows {rollup:.1f} ms (median of 5), from raw rows {raw:.1f} ms: {raw / rollup:.0f}x")
