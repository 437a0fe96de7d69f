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
            ]),
        Migration(version: "v2-leases-and-windows", statements: leasesAndWindows),
        Migration(
            version: "v3-stored-responses",
            statements: [
                """
                CREATE TABLE stored_responses (
                    id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at DOUBLE PRECISION NOT NULL,
                    expires_at DOUBLE PRECISION NOT NULL, response TEXT NOT NULL, conversation TEXT NOT NULL)
                """,
                "CREATE INDEX stored_responses_expiry ON stored_responses (expires_at)",
            ]),
    ]

    /// Instances and their heartbeats (a reservation or a parallel slot counts while its instance's lease
    /// runs), rate windows as a sliding log (what one instance counts in memory, shared), and the
    /// statements of the hot path as functions: one round trip each, serialized per scope by a
    /// transaction-scoped advisory lock taken in a fixed order (no deadlock), reading under the lock.
    static let leasesAndWindows = [
        """
        CREATE FUNCTION orchestra_now() RETURNS DOUBLE PRECISION LANGUAGE sql VOLATILE
            AS $$ SELECT extract(epoch FROM clock_timestamp())::double precision $$
        """,
        """
        CREATE TABLE instances (
            id TEXT PRIMARY KEY, name TEXT NOT NULL, started_at DOUBLE PRECISION NOT NULL, alive_until DOUBLE PRECISION NOT NULL)
        """,
        "DROP INDEX budget_reservations_lease",
        "ALTER TABLE budget_reservations DROP COLUMN lease_until",
        "DROP TABLE rate_windows",
        // A window is a sliding log (`rate_log`, one row per admission per window) with its running totals
        // (`rate_counts`): an admission first drops the rows that left the window, subtracting them, so
        // deciding costs the same at 10 or 10 million requests a day. Requests in flight (parallel caps)
        // are `rate_open` rows, deleted when they finish and counted while their instance's lease runs.
        """
        CREATE TABLE rate_log (
            scope TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL, admitted_at DOUBLE PRECISION NOT NULL,
            request_id TEXT NOT NULL, tokens BIGINT NOT NULL)
        """,
        "CREATE INDEX rate_log_window ON rate_log (scope, seconds, admitted_at)",
        "CREATE INDEX rate_log_request ON rate_log (request_id)",
        """
        CREATE TABLE rate_counts (
            scope TEXT NOT NULL, seconds DOUBLE PRECISION NOT NULL, requests BIGINT NOT NULL, tokens BIGINT NOT NULL,
            PRIMARY KEY (scope, seconds))
        """,
        """
        CREATE TABLE rate_open (
            scope TEXT NOT NULL, request_id TEXT NOT NULL, instance TEXT NOT NULL, PRIMARY KEY (request_id, scope))
        """,
        "CREATE INDEX rate_open_scope ON rate_open (scope)",
        // p_scopes: [{"s": scope, "p": max parallel or absent, "w": [[seconds, requests|null, tokens|null], …],
        // "h": true on the scope whose first window the rate headers report}]. Blocked: `delay` (Infinity for
        // a parallel cap) and the scope and window length that block longest; admitted: the reported standing.
        """
        CREATE FUNCTION orchestra_admit(p_request TEXT, p_instance TEXT, p_scopes JSONB, p_tokens BIGINT,
            OUT delay DOUBLE PRECISION, OUT blocked_scope TEXT, OUT blocked_seconds DOUBLE PRECISION,
            OUT requests_left BIGINT, OUT tokens_left BIGINT, OUT reset_in DOUBLE PRECISION)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_now DOUBLE PRECISION := orchestra_now();
            v_scope JSONB;
            v_window JSONB;
            v_name TEXT;
            v_seconds DOUBLE PRECISION;
            v_count BIGINT;
            v_sum BIGINT;
            v_gone BIGINT;
            v_gone_tokens BIGINT;
            v_until DOUBLE PRECISION;
        BEGIN
            FOR v_name IN SELECT DISTINCT e->>'s' FROM jsonb_array_elements(p_scopes) e ORDER BY 1 LOOP
                PERFORM pg_advisory_xact_lock(hashtextextended('rate:' || v_name, 0));
            END LOOP;
            FOR v_scope IN SELECT * FROM jsonb_array_elements(p_scopes) LOOP
                v_name := v_scope->>'s';
                IF v_scope ? 'p' THEN
                    SELECT count(*) INTO v_count FROM rate_open o JOIN instances i ON i.id = o.instance
                        WHERE o.scope = v_name AND i.alive_until >= v_now;
                    IF v_count >= (v_scope->>'p')::BIGINT THEN
                        delay := 'Infinity';
                        blocked_scope := v_name;
                        blocked_seconds := NULL;
                    END IF;
                END IF;
                FOR v_window IN SELECT * FROM jsonb_array_elements(v_scope->'w') LOOP
                    v_seconds := (v_window->>0)::DOUBLE PRECISION;
                    WITH gone AS (
                        DELETE FROM rate_log WHERE scope = v_name AND seconds = v_seconds AND admitted_at <= v_now - v_seconds
                        RETURNING tokens)
                    SELECT count(*), coalesce(sum(tokens), 0) INTO v_gone, v_gone_tokens FROM gone;
                    UPDATE rate_counts SET requests = requests - v_gone, tokens = tokens - v_gone_tokens
                        WHERE scope = v_name AND seconds = v_seconds
                        RETURNING requests, tokens INTO v_count, v_sum;
                    IF NOT FOUND THEN
                        INSERT INTO rate_counts VALUES (v_name, v_seconds, 0, 0);
                        v_count := 0;
                        v_sum := 0;
                    END IF;
                    IF v_count > 0 AND ((v_window->>1 IS NOT NULL AND v_count >= (v_window->>1)::BIGINT)
                        OR (v_window->>2 IS NOT NULL AND v_sum + p_tokens > (v_window->>2)::BIGINT))
                    THEN
                        SELECT min(admitted_at) + v_seconds - v_now INTO v_until FROM rate_log
                            WHERE scope = v_name AND seconds = v_seconds;
                        IF delay IS NULL OR v_until > delay THEN
                            delay := v_until;
                            blocked_scope := v_name;
                            blocked_seconds := v_seconds;
                        END IF;
                    ELSIF (v_scope->>'h')::BOOLEAN AND reset_in IS NULL THEN
                        requests_left := (v_window->>1)::BIGINT - v_count - 1;
                        tokens_left := CASE WHEN v_window->>2 IS NOT NULL
                            THEN greatest(0, (v_window->>2)::BIGINT - v_sum - p_tokens) END;
                        reset_in := v_seconds;
                    END IF;
                END LOOP;
            END LOOP;
            IF delay IS NOT NULL THEN
                requests_left := NULL; tokens_left := NULL; reset_in := NULL;
                RETURN;
            END IF;
            FOR v_scope IN SELECT * FROM jsonb_array_elements(p_scopes) LOOP
                v_name := v_scope->>'s';
                IF v_scope ? 'p' THEN
                    INSERT INTO rate_open VALUES (v_name, p_request, p_instance) ON CONFLICT DO NOTHING;
                END IF;
                FOR v_window IN SELECT * FROM jsonb_array_elements(v_scope->'w') LOOP
                    v_seconds := (v_window->>0)::DOUBLE PRECISION;
                    INSERT INTO rate_log VALUES (v_name, v_seconds, v_now, p_request, p_tokens);
                    UPDATE rate_counts SET requests = requests + 1, tokens = tokens + p_tokens
                        WHERE scope = v_name AND seconds = v_seconds;
                END LOOP;
            END LOOP;
        END $$
        """,
        // The entry ended: out of the parallel count, its estimate replaced by its real tokens, under its
        // scopes' locks taken in the same order as admissions take them.
        """
        CREATE FUNCTION orchestra_finish(p_request TEXT, p_tokens BIGINT) RETURNS VOID LANGUAGE plpgsql AS $$
        DECLARE
            v_name TEXT;
        BEGIN
            FOR v_name IN
                SELECT scope FROM rate_log WHERE request_id = p_request UNION SELECT scope FROM rate_open WHERE request_id = p_request
                ORDER BY 1
            LOOP
                PERFORM pg_advisory_xact_lock(hashtextextended('rate:' || v_name, 0));
            END LOOP;
            DELETE FROM rate_open WHERE request_id = p_request;
            IF p_tokens IS NOT NULL THEN
                UPDATE rate_counts c SET tokens = c.tokens + d.delta
                    FROM (SELECT scope, seconds, sum(p_tokens - tokens) AS delta FROM rate_log WHERE request_id = p_request
                        GROUP BY scope, seconds) d
                    WHERE c.scope = d.scope AND c.seconds = d.seconds;
                UPDATE rate_log SET tokens = p_tokens WHERE request_id = p_request;
            END IF;
        END $$
        """,
        """
        CREATE FUNCTION orchestra_reserve(p_request TEXT, p_instance TEXT, p_subjects TEXT[], p_periods DOUBLE PRECISION[],
            p_limits DOUBLE PRECISION[], p_amount DOUBLE PRECISION,
            OUT refused INTEGER, OUT spent DOUBLE PRECISION, OUT reserved DOUBLE PRECISION)
        LANGUAGE plpgsql AS $$
        DECLARE
            v_now DOUBLE PRECISION := orchestra_now();
            v_index INTEGER;
        BEGIN
            FOR v_index IN SELECT i FROM generate_subscripts(p_subjects, 1) i ORDER BY p_subjects[i] LOOP
                PERFORM pg_advisory_xact_lock(hashtextextended('budget:' || p_subjects[v_index], 0));
            END LOOP;
            FOR v_index IN SELECT i FROM generate_subscripts(p_subjects, 1) i LOOP
                -- One statement, one snapshot: a settlement moving money from reserved to spent is seen whole.
                SELECT coalesce((SELECT s.spent_usd FROM budget_spend s
                            WHERE s.subject = p_subjects[v_index] AND s.period_start = p_periods[v_index]), 0),
                        coalesce((SELECT sum(r.amount_usd) FROM budget_reservations r JOIN instances i ON i.id = r.instance
                            WHERE r.subject = p_subjects[v_index] AND r.period_start = p_periods[v_index]
                                AND i.alive_until >= v_now), 0)
                    INTO spent, reserved;
                IF spent + reserved + p_amount > p_limits[v_index] + 1e-9 THEN
                    refused := v_index;
                    RETURN;
                END IF;
            END LOOP;
            INSERT INTO budget_reservations (request_id, subject, period_start, amount_usd, created_at, instance)
                SELECT p_request, p_subjects[i], p_periods[i], p_amount, v_now, p_instance FROM generate_subscripts(p_subjects, 1) i
                ON CONFLICT DO NOTHING;
            spent := NULL; reserved := NULL;
        END $$
        """,
        // A request's whole admission in one round trip: its windows, then its budgets; a budget refusal
        // takes back the window entries in the same transaction, so nobody ever sees them.
        """
        CREATE FUNCTION orchestra_admit_request(p_request TEXT, p_instance TEXT, p_scopes JSONB, p_tokens BIGINT,
            p_subjects TEXT[], p_periods DOUBLE PRECISION[], p_limits DOUBLE PRECISION[], p_amount DOUBLE PRECISION,
            OUT delay DOUBLE PRECISION, OUT blocked_scope TEXT, OUT blocked_seconds DOUBLE PRECISION,
            OUT requests_left BIGINT, OUT tokens_left BIGINT, OUT reset_in DOUBLE PRECISION,
            OUT refused INTEGER, OUT spent DOUBLE PRECISION, OUT reserved DOUBLE PRECISION)
        LANGUAGE plpgsql AS $$
        BEGIN
            IF jsonb_array_length(p_scopes) > 0 THEN
                SELECT a.delay, a.blocked_scope, a.blocked_seconds, a.requests_left, a.tokens_left, a.reset_in
                    INTO delay, blocked_scope, blocked_seconds, requests_left, tokens_left, reset_in
                    FROM orchestra_admit(p_request, p_instance, p_scopes, p_tokens) a;
                IF delay IS NOT NULL THEN RETURN; END IF;
            END IF;
            IF coalesce(array_length(p_subjects, 1), 0) > 0 THEN
                SELECT r.refused, r.spent, r.reserved INTO refused, spent, reserved
                    FROM orchestra_reserve(p_request, p_instance, p_subjects, p_periods, p_limits, p_amount) r;
                IF refused IS NOT NULL THEN
                    WITH undone AS (DELETE FROM rate_log WHERE request_id = p_request RETURNING scope, seconds, tokens)
                    UPDATE rate_counts c SET requests = c.requests - d.requests, tokens = c.tokens - d.tokens
                        FROM (SELECT scope, seconds, count(*) AS requests, sum(tokens) AS tokens FROM undone GROUP BY 1, 2) d
                        WHERE c.scope = d.scope AND c.seconds = d.seconds;
                    DELETE FROM rate_open WHERE request_id = p_request;
                    requests_left := NULL; tokens_left := NULL; reset_in := NULL;
                END IF;
            END IF;
        END $$
        """,
        // A request's end in one round trip: its window entries finished with the real tokens, its budgets
        // settled with the real cost.
        """
        CREATE FUNCTION orchestra_finish_request(p_request TEXT, p_tokens BIGINT, p_subjects TEXT[], p_periods DOUBLE PRECISION[],
            p_cost DOUBLE PRECISION)
        RETURNS VOID LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM orchestra_finish(p_request, p_tokens);
            IF coalesce(array_length(p_subjects, 1), 0) > 0 THEN
                PERFORM orchestra_settle(p_request, p_subjects, p_periods, p_cost);
            END IF;
        END $$
        """,
        // Spend is booked against the claims the request was admitted under even when its reservation was
        // swept meanwhile (its instance was out of touch longer than the lease): money spent is never lost.
        """
        CREATE FUNCTION orchestra_settle(p_request TEXT, p_subjects TEXT[], p_periods DOUBLE PRECISION[], p_cost DOUBLE PRECISION)
        RETURNS VOID LANGUAGE sql AS $$
            INSERT INTO budget_spend (subject, period_start, spent_usd)
                SELECT p_subjects[i], p_periods[i], p_cost FROM generate_subscripts(p_subjects, 1) i
            ON CONFLICT (subject, period_start) DO UPDATE SET spent_usd = budget_spend.spent_usd + excluded.spent_usd;
            DELETE FROM budget_reservations WHERE request_id = p_request;
        $$
        """,
    ]
}
