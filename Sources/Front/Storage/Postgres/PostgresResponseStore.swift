import PostgresNIO

/// Stored responses in the fleet's database: a response created through one instance chains and
/// reads back through any other.
struct PostgresResponseStore: ResponseStore {
    let pool: PostgresPool

    func save(_ response: StoredResponse) async throws {
        _ = try await pool.query(
            """
            INSERT INTO stored_responses (id, owner, created_at, expires_at, response, conversation)
            VALUES (\(response.id), \(response.owner), \(response.createdAt), \(response.expiresAt), \(response.response),
                \(response.conversation))
            ON CONFLICT (id) DO UPDATE SET response = excluded.response, conversation = excluded.conversation,
                expires_at = excluded.expires_at
            """)
    }

    func load(id: String, owner: String, now: Double) async throws -> StoredResponse? {
        let rows = try await pool.query(
            """
            SELECT id, owner, created_at, expires_at, response, conversation FROM stored_responses
            WHERE id = \(id) AND owner = \(owner) AND expires_at > \(now)
            """)
        guard let row = rows.first else { return nil }
        let (id, owner, created, expires, response, conversation) = try row.decode((String, String, Double, Double, String, String).self)
        return StoredResponse(id: id, owner: owner, createdAt: created, expiresAt: expires, response: response, conversation: conversation)
    }

    func delete(id: String, owner: String) async throws -> Bool {
        let rows = try await pool.query(
            "WITH gone AS (DELETE FROM stored_responses WHERE id = \(id) AND owner = \(owner) RETURNING 1) SELECT count(*) FROM gone")
        return try (rows.first?.decode(Int.self) ?? 0) > 0
    }

    func purge(expiredBy now: Double) async throws -> Int {
        let rows = try await pool.query(
            "WITH gone AS (DELETE FROM stored_responses WHERE expires_at <= \(now) RETURNING 1) SELECT count(*) FROM gone")
        return try rows.first?.decode(Int.self) ?? 0
    }
}
