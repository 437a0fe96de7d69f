import GRDB

/// Stored responses in the gateway's SQLite file.
struct SQLiteResponseStore: ResponseStore {
    let pool: DatabasePool

    func save(_ response: StoredResponse) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT OR REPLACE INTO stored_responses (id, owner, created_at, expires_at, response, conversation)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    response.id, response.owner, response.createdAt, response.expiresAt, response.response, response.conversation,
                ])
        }
    }

    func load(id: String, owner: String, now: Double) async throws -> StoredResponse? {
        try await pool.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT id, owner, created_at, expires_at, response, conversation FROM stored_responses
                    WHERE id = ? AND owner = ? AND expires_at > ?
                    """,
                arguments: [id, owner, now]
            ).map { row in
                StoredResponse(
                    id: row[0], owner: row[1], createdAt: row[2], expiresAt: row[3], response: row[4], conversation: row[5])
            }
        }
    }

    func delete(id: String, owner: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM stored_responses WHERE id = ? AND owner = ?", arguments: [id, owner])
            return db.changesCount > 0
        }
    }

    func purge(expiredBy now: Double) async throws -> Int {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM stored_responses WHERE expires_at <= ?", arguments: [now])
            return db.changesCount
        }
    }
}
