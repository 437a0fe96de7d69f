import Foundation
import GRDB

/// The gateway's embedded SQLite database (WAL): usage records, client keys, teams and budgets, one file, one set of
/// versioned migrations that every store opening it applies.
enum GatewayDatabase {
    static func open(path: String) throws -> DatabasePool {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        var configuration = Configuration()
        // The gateway, its recorder and the CLI write to one file: a writer waits for another's short
        // transaction instead of failing with SQLITE_BUSY.
        configuration.busyMode = .timeout(5)
        // WAL with NORMAL sync: a commit waits for no fsync (the WAL is synced at checkpoints), so a
        // budget reservation costs microseconds; a power cut may lose the last commits, never the file.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }

    /// An existing database for reading only (commands that report).
    static func openReadOnly(path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// `$STATE_DIRECTORY/usage.sqlite` (systemd), else `$XDG_STATE_HOME/orchestra/usage.sqlite` or
    /// `~/.local/state/orchestra/usage.sqlite`.
    static func defaultPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["STATE_DIRECTORY"], !state.isEmpty { return state + "/usage.sqlite" }
        let base = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ((environment["HOME"] ?? ".") + "/.local/state")
        return base + "/orchestra/usage.sqlite"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE requests (
                        id INTEGER PRIMARY KEY, time REAL NOT NULL, request_id TEXT NOT NULL, client TEXT NOT NULL, route TEXT,
                        provider TEXT NOT NULL, model TEXT NOT NULL, endpoint TEXT NOT NULL, status INTEGER NOT NULL,
                        prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
                        cached_tokens INTEGER NOT NULL, estimated INTEGER NOT NULL, cost REAL, reference_cost REAL,
                        latency REAL NOT NULL, ttfb REAL, attempts INTEGER NOT NULL, fallback INTEGER NOT NULL);
                    CREATE INDEX requests_time ON requests(time);
                    """)
            for table in ["usage_hourly", "usage_daily"] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table) (
                            bucket INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, client TEXT NOT NULL,
                            requests INTEGER NOT NULL, errors INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL,
                            completion_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL,
                            estimated INTEGER NOT NULL, cost REAL NOT NULL, unpriced INTEGER NOT NULL, reference_cost REAL NOT NULL,
                            latency_sum REAL NOT NULL, PRIMARY KEY (bucket, provider, model, client));
                        """)
            }
        }
        migrator.registerMigration("v2-client-keys") { db in
            // Client keys are stored as a SHA-256 digest and a display prefix, never in plain text.
            // `version` rises with every change, so caches see a change with one small read.
            try db.execute(
                sql: """
                    CREATE TABLE client_keys (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, digest TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL, expires_at REAL, revoked_at REAL, version INTEGER NOT NULL);
                    CREATE INDEX client_keys_version ON client_keys(version);
                    """)
        }
        migrator.registerMigration("v3-teams-budgets") { db in
            // Teams, key limits and state, one version counter for keys and teams, budget spend per
            // period and open reservations; usage records and rollups carry the team.
            try db.execute(
                sql: """
                    ALTER TABLE client_keys ADD COLUMN team_id TEXT;
                    ALTER TABLE client_keys ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
                    ALTER TABLE client_keys ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';
                    ALTER TABLE client_keys ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}';
                    CREATE TABLE teams (
                        id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at REAL NOT NULL, limits TEXT NOT NULL,
                        disabled INTEGER NOT NULL, metadata TEXT NOT NULL);
                    CREATE TABLE access_version (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL);
                    INSERT INTO access_version VALUES (1, (SELECT COALESCE(MAX(version), 0) FROM client_keys));
                    CREATE TABLE budget_spend (
                        subject TEXT NOT NULL, period_start REAL NOT NULL, spent_usd REAL NOT NULL, PRIMARY KEY (subject, period_start));
                    CREATE TABLE budget_reservations (
                        request_id TEXT NOT NULL, subject TEXT NOT NULL, period_start REAL NOT NULL, amount_usd REAL NOT NULL,
                        created_at REAL NOT NULL, PRIMARY KEY (request_id, subject));
                    CREATE INDEX budget_reservations_subject ON budget_reservations(subject, period_start);
                    ALTER TABLE requests ADD COLUMN team TEXT;
                    """)
            for table in ["usage_hourly", "usage_daily"] {
                try db.execute(
                    sql: """
                        CREATE TABLE \(table)_new (
                            bucket INTEGER NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL, client TEXT NOT NULL,
                            team TEXT NOT NULL DEFAULT '', requests INTEGER NOT NULL, errors INTEGER NOT NULL,
                            prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL, reasoning_tokens INTEGER NOT NULL,
                            cached_tokens INTEGER NOT NULL, estimated INTEGER NOT NULL, cost REAL NOT NULL, unpriced INTEGER NOT NULL,
                            reference_cost REAL NOT NULL, latency_sum REAL NOT NULL, PRIMARY KEY (bucket, provider, model, client, team));
                        INSERT INTO \(table)_new (bucket, provider, model, client, requests, errors, prompt_tokens, completion_tokens,
                            reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum)
                            SELECT bucket, provider, model, client, requests, errors, prompt_tokens, completion_tokens,
                            reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum FROM \(table);
                        DROP TABLE \(table);
                        ALTER TABLE \(table)_new RENAME TO \(table);
                        """)
            }
        }
        migrator.registerMigration("v4-lean-usage") { db in
            // Raw records carry small integers for the strings that repeat (client, team, route, provider,
            // model, endpoint: one `names` table), whole milliseconds, microseconds and nano-dollars
            // instead of floating point, and two flags in one column; the reference cost lives only in
            // the rollups. `requests` stays as a view with the old columns (insertable) for reports and ad-hoc queries.
            try db.execute(
                sql: """
                    CREATE TABLE names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
                    CREATE TABLE request_log (
                        id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, request_id TEXT NOT NULL, client INTEGER NOT NULL,
                        team INTEGER, route INTEGER, provider INTEGER NOT NULL, model INTEGER NOT NULL, endpoint INTEGER NOT NULL,
                        status INTEGER NOT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
                        reasoning_tokens INTEGER NOT NULL, cached_tokens INTEGER NOT NULL, cost_nano_usd INTEGER,
                        latency_us INTEGER NOT NULL, ttfb_us INTEGER, attempts INTEGER NOT NULL, flags INTEGER NOT NULL);
                    INSERT OR IGNORE INTO names (name)
                        SELECT client FROM requests UNION SELECT team FROM requests WHERE team IS NOT NULL
                        UNION SELECT route FROM requests WHERE route IS NOT NULL UNION SELECT provider FROM requests
                        UNION SELECT model FROM requests UNION SELECT endpoint FROM requests;
                    INSERT INTO request_log
                        SELECT r.id, CAST(round(r.time * 1000) AS INTEGER), r.request_id, c.id, t.id, ro.id, p.id, m.id, e.id,
                            r.status, r.prompt_tokens, r.completion_tokens, r.reasoning_tokens, r.cached_tokens,
                            CAST(round(r.cost * 1e9) AS INTEGER), CAST(round(r.latency * 1e6) AS INTEGER),
                            CAST(round(r.ttfb * 1e6) AS INTEGER), r.attempts, r.estimated | (r.fallback << 1)
                        FROM requests r JOIN names c ON c.name = r.client LEFT JOIN names t ON t.name = r.team
                            LEFT JOIN names ro ON ro.name = r.route JOIN names p ON p.name = r.provider
                            JOIN names m ON m.name = r.model JOIN names e ON e.name = r.endpoint;
                    DROP TABLE requests;
                    CREATE VIEW requests AS
                        SELECT r.id, r.time_ms / 1000.0 AS time, r.request_id, c.name AS client, t.name AS team, ro.name AS route,
                            p.name AS provider, m.name AS model, e.name AS endpoint, r.status, r.prompt_tokens,
                            r.completion_tokens, r.reasoning_tokens, r.cached_tokens, r.flags & 1 AS estimated,
                            r.cost_nano_usd / 1e9 AS cost, NULL AS reference_cost, r.latency_us / 1e6 AS latency,
                            r.ttfb_us / 1e6 AS ttfb, r.attempts, (r.flags >> 1) & 1 AS fallback
                        FROM request_log r JOIN names c ON c.id = r.client LEFT JOIN names t ON t.id = r.team
                            LEFT JOIN names ro ON ro.id = r.route JOIN names p ON p.id = r.provider JOIN names m ON m.id = r.model
                            JOIN names e ON e.id = r.endpoint;
                    CREATE TRIGGER requests_insert INSTEAD OF INSERT ON requests BEGIN
                        INSERT OR IGNORE INTO names (name) VALUES (NEW.client), (NEW.provider), (NEW.model), (NEW.endpoint);
                        INSERT OR IGNORE INTO names (name) SELECT NEW.team WHERE NEW.team IS NOT NULL;
                        INSERT OR IGNORE INTO names (name) SELECT NEW.route WHERE NEW.route IS NOT NULL;
                        INSERT INTO request_log (time_ms, request_id, client, team, route, provider, model, endpoint, status,
                            prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_nano_usd, latency_us, ttfb_us,
                            attempts, flags)
                        VALUES (CAST(round(NEW.time * 1000) AS INTEGER), NEW.request_id,
                            (SELECT id FROM names WHERE name = NEW.client), (SELECT id FROM names WHERE name = NEW.team),
                            (SELECT id FROM names WHERE name = NEW.route), (SELECT id FROM names WHERE name = NEW.provider),
                            (SELECT id FROM names WHERE name = NEW.model), (SELECT id FROM names WHERE name = NEW.endpoint),
                            NEW.status, NEW.prompt_tokens, NEW.completion_tokens, NEW.reasoning_tokens, NEW.cached_tokens,
                            CAST(round(NEW.cost * 1e9) AS INTEGER), CAST(round(NEW.latency * 1e6) AS INTEGER),
                            CAST(round(NEW.ttfb * 1e6) AS INTEGER), NEW.attempts,
                            COALESCE(NEW.estimated, 0) | (COALESCE(NEW.fallback, 0) << 1));
                    END;
                    """)
        }
        migrator.registerMigration("v5-stored-responses") { db in
            // Responses API answers kept for `previous_response_id` and GET, each with its whole conversation.
            try db.execute(
                sql: """
                    CREATE TABLE stored_responses (
                        id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL, expires_at REAL NOT NULL,
                        response TEXT NOT NULL, conversation TEXT NOT NULL);
                    CREATE INDEX stored_responses_expiry ON stored_responses (expires_at);
                    """)
        }
        return migrator
    }
}
