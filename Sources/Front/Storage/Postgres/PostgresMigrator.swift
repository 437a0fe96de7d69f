import Logging
import PostgresNIO

/// Applies `PostgresSchema`'s migrations in order, each once, under a transaction-scoped advisory lock:
/// instances starting at the same time queue on the lock, and the first one migrates while the others
/// then find nothing left to do.
enum PostgresMigrator {
    /// The advisory lock's key: any constant of the gateway's own ("orchestr" in ASCII).
    static let lockKey: Int64 = 0x6F72_6368_6573_7472

    /// What `migrate` did: the versions it applied (none when another instance had), and the newest.
    struct Outcome: Sendable, Equatable {
        var applied: [String]
        var current: String
    }

    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws -> Outcome {
        try await connection.withTransaction(logger: logger) { connection in
            _ = try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            _ = try await connection.query(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
                logger: logger)
            var done: Set<String> = []
            for try await version in try await connection.query("SELECT version FROM schema_migrations", logger: logger)
                .decode(String.self)
            {
                done.insert(version)
            }
            var applied: [String] = []
            for migration in PostgresSchema.migrations where !done.contains(migration.version) {
                for statement in migration.statements {
                    _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                _ = try await connection.query(
                    "INSERT INTO schema_migrations (version) VALUES (\(migration.version))", logger: logger)
                applied.append(migration.version)
            }
            return Outcome(applied: applied, current: PostgresSchema.migrations.last?.version ?? "")
        }
    }

    /// The versions applied so far, oldest first (for `check-config`).
    static func appliedVersions(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let exists =
            try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        guard exists else { return [] }
        var versions: [String] = []
        for try await version in try await connection.query(
            "SELECT version FROM schema_migrations ORDER BY applied_at, version", logger: logger
        )
        .decode(String.self) {
            versions.append(version)
        }
        return versions
    }
}
