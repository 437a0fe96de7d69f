/// The PostgreSQL schema of a fleet, as versioned migrations: the same state as the embedded SQLite
/// file (keys, teams, budgets, usage), plus what instances share only here: reservations with a lease
/// (an instance killed with `kill -9` cannot hold budget forever), rate windows counted with atomic
/// statements, and usage records idempotent by request id (a spooled record replayed twice counts once).
enum PostgresSchema {
    struct Migration: Sendable {
        var version: String
        var statements: [String]
    }

    static let migrations: [Migration] = [
        Migration(
            version: "v1-fleet",
            statements: [
                """
                CREATE TABLE teams (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at DOUBLE PRECISION NOT NULL, limits TEXT NOT NULL,
                    disabled BOOLEAN NOT NULL DEFAULT false, metadata TEXT NOT NULL DEFAULT '{}')
                """,
                """
                CREATE TABLE client_keys (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,
                    created_at DOUBLE PRECISION NOT NULL, expires_at DOUBLE PRECISION, revoked_at DOUBLE PRECISION,
                    version BIGINT NOT NULL, team_id TEXT REFERENCES teams (id), disabled BOOLEAN NOT NULL DEFAULT false,
                    limits TEXT NOT NULL DEFAULT '{}', metadata TEXT NOT NULL DEFAULT '{}')
                """,
                "CREATE TABLE access_version (id INTEGER PRIMARY KEY CHECK (id = 1), version BIGINT NOT NULL)",
                "INSERT INTO access_version VALUES (1, 0)",
                """
                CREATE TABLE budget_spend (
                    subject TEXT NOT NULL, period_start DOUBLE PRECISION NOT NULL, spent_usd DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (subject, period_start))
                """,
                """
                CREATE TABLE budget_reservations (
                    request_id TEXT NOT NULL, subject TEXT NOT NULL, period_start DOUBLE PRECISION NOT NULL,
                    amount_usd DOUBLE PRECISION NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                    lease_until DOUBLE PRECISION NOT NULL, instance TEXT NOT NULL, PRIMARY KEY (request_id, subject))
                """,
                "CREATE INDEX budget_reservations_subject ON budget_reservations (subject, period_start)",
                "CREATE INDEX budget_reservations_lease ON budget_reservations (lease_until)",
                """
                CREATE TABLE rate_windows (
                    scope TEXT NOT NULL, window_start BIGINT NOT NULL, requests BIGINT NOT NULL DEFAULT 0,
                    tokens BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (scope, window_start))
                """,
                "CREATE TABLE names (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
                """
                CREATE TABLE request_log (
                    id BIGSERIAL PRIMARY KEY, time_ms BIGINT NOT NULL, request_id TEXT NOT NULL UNIQUE, client BIGINT NOT NULL,
                    team BIGINT, route BIGINT, provider BIGINT NOT NULL, model BIGINT NOT NULL, endpoint BIGINT NOT NULL,
                    status INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
                    reasoning_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, cost_nano_usd BIGINT,
                    latency_us BIGINT NOT NULL, ttfb_us BIGINT, attempts INTEGER NOT NULL, flags INTEGER NOT NULL,
                    instance BIGINT)
                """,
                """
                CREATE TABLE usage_hourly (
                    bucket BIGINT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, client TEXT NOT NULL,
                    team TEXT NOT NULL DEFAULT '', requests BIGINT NOT NULL, errors BIGINT NOT NULL, prompt_tokens BIGINT NOT NULL,
                    completion_tokens BIGINT NOT NULL, reasoning_tokens BIGINT NOT NULL, cached_tokens BIGINT NOT NULL,
                    estimated BIGINT NOT NULL, cost DOUBLE PRECISION NOT NULL, unpriced BIGINT NOT NULL,
                    reference_cost DOUBLE PRECISION NOT NULL, latency_sum DOUBLE PRECISION NOT NULL,
                    PRIMARY KEY (bucket, provider, model, client, team))
                """,
                "CREATE TABLE usage_daily (LIKE usage_hourly INCLUDING ALL)",
            ])
    ]
}
