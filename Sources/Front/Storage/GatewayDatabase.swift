import Foundation
import GRDB

/// The gateway's embedded SQLite database (WAL): usage records and client keys, one file, one set of
/// versioned migrations that every store opening it applies.
enum GatewayDatabase {
    static func open(path: String) throws -> DatabasePool {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true
        )
        let pool = try DatabasePool(path: path)
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
        return migrator
    }
}
