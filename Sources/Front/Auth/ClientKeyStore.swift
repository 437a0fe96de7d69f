import Foundation
import GRDB

/// Where client keys live. One small protocol, so the embedded SQLite database and a shared database
/// for several instances serve the same features.
protocol ClientKeyStore: Sendable {
    func insert(_ record: ClientKeyRecord) throws
    func all() throws -> [ClientKeyRecord]
    /// Marks the key revoked at `time`; `false` when no such key exists.
    func revoke(id: String, at time: Date) throws -> Bool
    /// Rises with every change made by anyone: a cache reloads when it moves.
    func version() throws -> Int64
}

/// Client keys in the gateway's SQLite database, next to the usage records.
struct SQLiteClientKeyStore: ClientKeyStore {
    let pool: DatabasePool

    init(path: String) throws {
        pool = try GatewayDatabase.open(path: path)
    }

    func insert(_ record: ClientKeyRecord) throws {
        try pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO client_keys (id, name, prefix, digest, created_at, expires_at, revoked_at, version)
                    VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(version), 0) + 1 FROM client_keys))
                    """,
                arguments: [
                    record.id, record.name, record.prefix, record.digest, record.createdAt.timeIntervalSince1970,
                    record.expiresAt?.timeIntervalSince1970, record.revokedAt?.timeIntervalSince1970,
                ])
        }
    }

    func all() throws -> [ClientKeyRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM client_keys ORDER BY created_at, id").map { row in
                ClientKeyRecord(
                    id: row["id"], name: row["name"], prefix: row["prefix"], digest: row["digest"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:))
                )
            }
        }
    }

    func revoke(id: String, at time: Date) throws -> Bool {
        try pool.write { db in
            try db.execute(
                sql: """
                    UPDATE client_keys SET revoked_at = COALESCE(revoked_at, ?),
                        version = (SELECT MAX(version) + 1 FROM client_keys) WHERE id = ?
                    """,
                arguments: [time.timeIntervalSince1970, id])
            return db.changesCount > 0
        }
    }

    func version() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM client_keys") ?? 0 }
    }
}
