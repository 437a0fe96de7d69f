import Foundation
import PostgresNIO

/// Client keys and teams in the shared database. Every change bumps `access_version` and notifies
/// `orchestra_access` in its transaction: every instance's cache hears of it at the commit, and finds it
/// at its next version check if the notice was missed.
struct PostgresAccessStore: AccessStore {
    /// The channel changes are announced on.
    static let channel = "orchestra_access"
    let pool: PostgresPool
    /// Where the change listener connects (a connection of its own, held while the gateway runs);
    /// `nil` for commands, which do not watch.
    var listener: PostgresDatabase? = nil

    /// The fallback look at `access_version` when a notice is missed (a reconnecting listener).
    var recheckInterval: Duration { .seconds(1) }

    /// Listens on `orchestra_access` on its own connection, reconnecting after a second when it drops.
    func watch(_ changed: @escaping @Sendable () -> Void) async {
        guard let listener else { return }
        let logger = pool.logger
        while !Task.isCancelled {
            do {
                try await listener.withConnection(logger: logger) { connection in
                    try await connection.listen(on: Self.channel) { notices in
                        // Changes made while the listener was away are found by the first look after.
                        changed()
                        for try await _ in notices { changed() }
                    }
                }
            } catch {
                logger.debug("the access change listener dropped: \(error)")
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    func keys() async throws -> [ClientKeyRecord] {
        try await pool.query(
            """
            SELECT id, name, prefix, digest, created_at, expires_at, revoked_at, team_id, disabled, limits, metadata
            FROM client_keys ORDER BY created_at, id
            """
        ).map { row in
            let (id, name, prefix, digest, created, expires, revoked, team, disabled, limits, metadata) = try row.decode(
                (String, String, String, String, Double, Double?, Double?, String?, Bool, String, String).self)
            return ClientKeyRecord(
                id: id, name: name, prefix: prefix, digest: digest, createdAt: Date(timeIntervalSince1970: created),
                expiresAt: expires.map(Date.init(timeIntervalSince1970:)), revokedAt: revoked.map(Date.init(timeIntervalSince1970:)),
                teamID: team, limits: StoredJSON.decode(limits) ?? AccessLimits(), disabled: disabled,
                metadata: StoredJSON.decode(metadata) ?? [:])
        }
    }

    func teams() async throws -> [TeamRecord] {
        try await pool.query("SELECT id, name, created_at, limits, disabled, metadata FROM teams ORDER BY name").map { row in
            let (id, name, created, limits, disabled, metadata) = try row.decode((String, String, Double, String, Bool, String).self)
            return TeamRecord(
                id: id, name: name, createdAt: Date(timeIntervalSince1970: created),
                limits: StoredJSON.decode(limits) ?? AccessLimits(),
                disabled: disabled, metadata: StoredJSON.decode(metadata) ?? [:])
        }
    }

    func insertKey(_ record: ClientKeyRecord) async throws(AccessStoreError) {
        let (limits, metadata) = (StoredJSON.encode(record.limits), StoredJSON.encode(record.metadata))
        try await change { connection, version in
            try await Self.requireTeam(record.teamID, connection)
            try await connection.query(
                """
                INSERT INTO client_keys (id, name, prefix, digest, created_at, expires_at, revoked_at, version, team_id, disabled,
                    limits, metadata)
                VALUES (\(record.id), \(record.name), \(record.prefix), \(record.digest), \(record.createdAt.timeIntervalSince1970),
                    \(record.expiresAt?.timeIntervalSince1970), \(record.revokedAt?.timeIntervalSince1970), \(version), \(record.teamID),
                    \(record.disabled), \(limits), \(metadata))
                """, logger: pool.logger)
        }
    }

    func updateKey(_ record: ClientKeyRecord) async throws(AccessStoreError) {
        let (limits, metadata) = (StoredJSON.encode(record.limits), StoredJSON.encode(record.metadata))
        try await change { connection, version in
            try await Self.requireTeam(record.teamID, connection)
            let changed = try await connection.query(
                """
                UPDATE client_keys SET name = \(record.name), expires_at = \(record.expiresAt?.timeIntervalSince1970),
                    team_id = \(record.teamID), disabled = \(record.disabled), limits = \(limits), metadata = \(metadata),
                    version = \(version)
                WHERE id = \(record.id) RETURNING id
                """, logger: pool.logger
            ).collect()
            guard !changed.isEmpty else { throw AccessStoreError.keyNotFound(record.id) }
        }
    }

    func revokeKey(id: String, at time: Date) async throws(AccessStoreError) {
        try await change { connection, version in
            let changed = try await connection.query(
                """
                UPDATE client_keys SET revoked_at = COALESCE(revoked_at, \(time.timeIntervalSince1970)), version = \(version)
                WHERE id = \(id) RETURNING id
                """, logger: pool.logger
            ).collect()
            guard !changed.isEmpty else { throw AccessStoreError.keyNotFound(id) }
        }
    }

    func insertTeam(_ team: TeamRecord) async throws(AccessStoreError) {
        let (limits, metadata) = (StoredJSON.encode(team.limits), StoredJSON.encode(team.metadata))
        try await change { connection, _ in
            try await Self.requireUniqueName(team, connection)
            try await connection.query(
                """
                INSERT INTO teams (id, name, created_at, limits, disabled, metadata)
                VALUES (\(team.id), \(team.name), \(team.createdAt.timeIntervalSince1970), \(limits), \(team.disabled), \(metadata))
                """, logger: pool.logger)
        }
    }

    func updateTeam(_ team: TeamRecord) async throws(AccessStoreError) {
        let (limits, metadata) = (StoredJSON.encode(team.limits), StoredJSON.encode(team.metadata))
        try await change { connection, _ in
            try await Self.requireUniqueName(team, connection)
            let changed = try await connection.query(
                """
                UPDATE teams SET name = \(team.name), limits = \(limits), disabled = \(team.disabled), metadata = \(metadata)
                WHERE id = \(team.id) RETURNING id
                """, logger: pool.logger
            ).collect()
            guard !changed.isEmpty else { throw AccessStoreError.teamNotFound(team.id) }
        }
    }

    func deleteTeam(id: String) async throws(AccessStoreError) {
        try await change { connection, _ in
            let members =
                try await connection.query("SELECT count(*) FROM client_keys WHERE team_id = \(id)", logger: pool.logger)
                .collect().first?.decode(Int.self) ?? 0
            guard members == 0 else { throw AccessStoreError.teamHasKeys(id, count: members) }
            let deleted = try await connection.query("DELETE FROM teams WHERE id = \(id) RETURNING id", logger: pool.logger).collect()
            guard !deleted.isEmpty else { throw AccessStoreError.teamNotFound(id) }
        }
    }

    func version() async throws -> Int64 {
        try await pool.query("SELECT version FROM access_version WHERE id = 1").first?.decode(Int64.self) ?? 0
    }

    /// One transaction that bumps the version first (so concurrent changes queue on its row) and
    /// announces it at the commit; refusals come out as thrown, database failures as `.storage`.
    private func change(_ work: @escaping @Sendable (PostgresConnection, Int64) async throws -> Void) async throws(AccessStoreError) {
        let logger = pool.logger
        do {
            try await pool.transaction { connection in
                let version =
                    try await connection.query(
                        "UPDATE access_version SET version = version + 1 WHERE id = 1 RETURNING version", logger: logger
                    ).collect().first?.decode(Int64.self) ?? 0
                try await work(connection, version)
                try await connection.query("SELECT pg_notify(\(Self.channel), \(String(version)))", logger: logger)
            }
        } catch let error as AccessStoreError {
            throw error
        } catch {
            throw .storage(String(reflecting: error))
        }
    }

    private static func requireTeam(_ id: String?, _ connection: PostgresConnection) async throws {
        guard let id else { return }
        let found = try await connection.query("SELECT 1 FROM teams WHERE id = \(id)", logger: connection.logger).collect()
        if found.isEmpty { throw AccessStoreError.teamNotFound(id) }
    }

    private static func requireUniqueName(_ team: TeamRecord, _ connection: PostgresConnection) async throws {
        let clash = try await connection.query(
            "SELECT id FROM teams WHERE name = \(team.name) AND id <> \(team.id)", logger: connection.logger
        ).collect()
        if !clash.isEmpty { throw AccessStoreError.duplicateTeamName(team.name) }
    }
}
