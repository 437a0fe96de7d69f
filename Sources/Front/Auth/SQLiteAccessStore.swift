import Foundation
import GRDB

/// Client keys and teams in the gateway's SQLite database, next to the usage records. Every change
/// bumps `access_version` in the same transaction, so caches in other processes see it at once.
struct SQLiteAccessStore: AccessStore {
    let pool: DatabasePool

    init(path: String) throws {
        pool = try GatewayDatabase.open(path: path)
    }

    init(pool: DatabasePool) {
        self.pool = pool
    }

    func keys() throws -> [ClientKeyRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM client_keys ORDER BY created_at, id").map { row in
                ClientKeyRecord(
                    id: row["id"], name: row["name"], prefix: row["prefix"], digest: row["digest"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    expiresAt: (row["expires_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                    revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)), teamID: row["team_id"],
                    limits: StoredJSON.decode(row["limits"]) ?? AccessLimits(), disabled: row["disabled"],
                    metadata: StoredJSON.decode(row["metadata"]) ?? [:]
                )
            }
        }
    }

    func teams() throws -> [TeamRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM teams ORDER BY name").map { row in
                TeamRecord(
                    id: row["id"], name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    limits: StoredJSON.decode(row["limits"]) ?? AccessLimits(), disabled: row["disabled"],
                    metadata: StoredJSON.decode(row["metadata"]) ?? [:]
                )
            }
        }
    }

    func insertKey(_ record: ClientKeyRecord) throws(AccessStoreError) {
        try change { db in
            try Self.requireTeam(record.teamID, db)
            let version = try Self.bump(db)
            try db.execute(
                sql: """
                    INSERT INTO client_keys (id, name, prefix, digest, created_at, expires_at, revoked_at, version, team_id,
                        disabled, limits, metadata)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    record.id, record.name, record.prefix, record.digest, record.createdAt.timeIntervalSince1970,
                    record.expiresAt?.timeIntervalSince1970, record.revokedAt?.timeIntervalSince1970, version, record.teamID,
                    record.disabled, StoredJSON.encode(record.limits), StoredJSON.encode(record.metadata),
                ])
        }
    }

    func updateKey(_ record: ClientKeyRecord) throws(AccessStoreError) {
        try change { db in
            try Self.requireTeam(record.teamID, db)
            let version = try Self.bump(db)
            try db.execute(
                sql: """
                    UPDATE client_keys SET name = ?, expires_at = ?, team_id = ?, disabled = ?, limits = ?, metadata = ?, version = ?
                    WHERE id = ?
                    """,
                arguments: [
                    record.name, record.expiresAt?.timeIntervalSince1970, record.teamID, record.disabled, StoredJSON.encode(record.limits),
                    StoredJSON.encode(record.metadata), version, record.id,
                ])
            guard db.changesCount > 0 else { throw AccessStoreError.keyNotFound(record.id) }
        }
    }

    func revokeKey(id: String, at time: Date) throws(AccessStoreError) {
        try change { db in
            let version = try Self.bump(db)
            try db.execute(
                sql: "UPDATE client_keys SET revoked_at = COALESCE(revoked_at, ?), version = ? WHERE id = ?",
                arguments: [time.timeIntervalSince1970, version, id])
            guard db.changesCount > 0 else { throw AccessStoreError.keyNotFound(id) }
        }
    }

    func insertTeam(_ team: TeamRecord) throws(AccessStoreError) {
        try change { db in
            try Self.requireUniqueName(team, db)
            _ = try Self.bump(db)
            try db.execute(
                sql: "INSERT INTO teams (id, name, created_at, limits, disabled, metadata) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    team.id, team.name, team.createdAt.timeIntervalSince1970, StoredJSON.encode(team.limits), team.disabled,
                    StoredJSON.encode(team.metadata),
                ])
        }
    }

    func updateTeam(_ team: TeamRecord) throws(AccessStoreError) {
        try change { db in
            try Self.requireUniqueName(team, db)
            _ = try Self.bump(db)
            try db.execute(
                sql: "UPDATE teams SET name = ?, limits = ?, disabled = ?, metadata = ? WHERE id = ?",
                arguments: [team.name, StoredJSON.encode(team.limits), team.disabled, StoredJSON.encode(team.metadata), team.id])
            guard db.changesCount > 0 else { throw AccessStoreError.teamNotFound(team.id) }
        }
    }

    func deleteTeam(id: String) throws(AccessStoreError) {
        try change { db in
            let members = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM client_keys WHERE team_id = ?", arguments: [id]) ?? 0
            guard members == 0 else { throw AccessStoreError.teamHasKeys(id, count: members) }
            _ = try Self.bump(db)
            try db.execute(sql: "DELETE FROM teams WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { throw AccessStoreError.teamNotFound(id) }
        }
    }

    /// Asked four times a second by every gateway: a cached statement, not a fresh compile.
    func version() throws -> Int64 {
        try pool.read { db in try Int64.fetchOne(db.cachedStatement(sql: "SELECT version FROM access_version WHERE id = 1")) ?? 0 }
    }

    /// One write transaction; refusals come out as they were thrown, database failures as `.storage`.
    private func change(_ work: @escaping (Database) throws -> Void) throws(AccessStoreError) {
        do {
            try pool.write(work)
        } catch let error as AccessStoreError {
            throw error
        } catch {
            throw .storage("\(error)")
        }
    }

    private static func bump(_ db: Database) throws -> Int64 {
        try db.execute(sql: "UPDATE access_version SET version = version + 1 WHERE id = 1")
        return try Int64.fetchOne(db, sql: "SELECT version FROM access_version WHERE id = 1") ?? 0
    }

    private static func requireTeam(_ id: String?, _ db: Database) throws {
        guard let id else { return }
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM teams WHERE id = ?", arguments: [id]) != nil else {
            throw AccessStoreError.teamNotFound(id)
        }
    }

    private static func requireUniqueName(_ team: TeamRecord, _ db: Database) throws {
        let clash = try String.fetchOne(db, sql: "SELECT id FROM teams WHERE name = ? AND id != ?", arguments: [team.name, team.id])
        if clash != nil { throw AccessStoreError.duplicateTeamName(team.name) }
    }
}
