import Foundation
import GRDB
import Shared
import Testing

@testable import OrchestraFront

@Suite("Usage records on disk: lean raw rows, the old schema migrated")
struct UsageFootprintTests {
    static func record(_ index: Int, time: Double) -> UsageRecord {
        UsageRecord(
            time: time, requestID: "req_" + OpenAIIdentifiers.random(24), client: "key_\(index % 40)AbCdEfGhIjKl",
            team: index % 3 == 0 ? nil : "team_\(index % 5)XyZ", route: nil, provider: "groq", model: "openai/gpt-oss-120b",
            endpoint: "chat", status: index % 50 == 0 ? 429 : 200,
            usage: UsageReport(promptTokens: 800 + index % 3000, completionTokens: 100 + index % 900, cachedTokens: index % 7 * 64),
            cost: 0.000_15 + Double(index % 1000) * 1e-7, referenceCost: 0.002, latency: 0.3 + Double(index % 100) / 100,
            timeToFirstByte: 0.1 + Double(index % 50) / 1000, attempts: 1, fallback: false)
    }

    static func temporaryDatabase() -> String {
        NSTemporaryDirectory() + "orchestra-footprint-\(UUID().uuidString).sqlite"
    }

    @Test func aRawRecordTakesUnder90BytesOnDisk() async throws {
        let path = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteUsageStore(path: path)
        let start = 1_796_140_800.0
        let count = 20_000
        for batch in 0..<20 {
            try await store.insert((0..<1000).map { Self.record(batch * 1000 + $0, time: start + Double(batch * 1000 + $0) * 0.01) })
        }
        #expect(try store.rawCount() == count)
        let pool = try DatabasePool(path: path)
        let bytes = try await pool.read { db in
            try Int.fetchOne(db, sql: "SELECT SUM(pgsize) FROM dbstat WHERE name = 'request_log'") ?? 0
        }
        // The same records took 158 bytes in the old table plus 18 in its time index (82 now, no index).
        let perRecord = Double(bytes) / Double(count)
        #expect(perRecord < 90, "\(perRecord) bytes per raw record")
        // The view still reads as the old table did.
        let row = try #require(try pool.read { db in try Row.fetchOne(db, sql: "SELECT * FROM requests ORDER BY id LIMIT 1") })
        #expect(row["provider"] as String? == "groq" && row["model"] as String? == "openai/gpt-oss-120b")
        #expect(abs((row["time"] as Double? ?? 0) - start) < 0.001)
        #expect(abs((row["cost"] as Double? ?? 0) - 0.000_15) < 1e-9)
        #expect(row["estimated"] as Int? == 0 && row["fallback"] as Int? == 0)
    }

    @Test func retentionDeletesTheOldestByAgeOrByCount() async throws {
        let path = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteUsageStore(path: path)
        try await store.insert((0..<100).map { Self.record($0, time: 1000 + Double($0)) })
        #expect(try await store.deleteRaw(olderThan: 1010, limit: 50) == 10, "ten are older than the cutoff")
        #expect(try await store.deleteRaw(olderThan: 0, keep: 60, limit: 50) == 30, "beyond the newest 60")
        #expect(try store.rawCount() == 60)
        #expect(try await store.deleteRaw(olderThan: 0, keep: 60) == 0)
    }

    @Test func byInstanceReadsTheRawRecordsOfThisOne() async throws {
        let path = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteUsageStore(path: path)
        let records = (0..<100).map { Self.record($0, time: 10_000 + Double($0)) }
        try await store.insert(records)
        let rows = try await store.report(from: 0, to: 20_000, groupBy: .instance)
        #expect(rows.map(\.key) == ["local/groq"] && rows.first?.requests == 100 && rows.first?.errors == 2)
        let cost = records.compactMap(\.cost).reduce(0, +)
        #expect(abs((rows.first?.cost_usd ?? 0) - cost) < 1e-6)
        #expect(try await store.report(from: 0, to: 10_050, groupBy: .instance).first?.requests == 50, "within the period only")
    }

    @Test func rawRecordsOfTheOldSchemaAreMigrated() throws {
        let path = Self.temporaryDatabase()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let queue = try DatabaseQueue(path: path)
        try GatewayDatabase.migrator.migrate(queue, upTo: "v3-teams-budgets")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO requests (time, request_id, client, team, route, provider, model, endpoint, status, prompt_tokens,
                        completion_tokens, reasoning_tokens, cached_tokens, estimated, cost, reference_cost, latency, ttfb, attempts,
                        fallback)
                    VALUES (1796140800.25, 'req_old', 'key_a', NULL, 'code', 'mistral', 'codestral-2501', 'fim', 200, 10, 5, 0, 0,
                        1, 0.00025, NULL, 0.5, 0.125, 2, 1)
                    """)
        }
        try GatewayDatabase.migrator.migrate(queue)
        let row = try #require(try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM requests") })
        #expect(row["request_id"] as String? == "req_old" && row["client"] as String? == "key_a")
        #expect(row["team"] as String? == nil && row["route"] as String? == "code" && row["endpoint"] as String? == "fim")
        #expect(row["time"] as Double? == 1_796_140_800.25 && row["latency"] as Double? == 0.5 && row["ttfb"] as Double? == 0.125)
        #expect(row["cost"] as Double? == 0.00025 && row["estimated"] as Int? == 1 && row["fallback"] as Int? == 1)
        #expect(row["attempts"] as Int? == 2)
        // Old-style inserts (tools, seed scripts) still work, through the view's trigger.
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO requests (time, request_id, client, provider, model, endpoint, status, prompt_tokens, completion_tokens,
                        reasoning_tokens, cached_tokens, estimated, latency, attempts, fallback)
                    VALUES (1796140801, 'req_new', 'key_b', 'groq', 'm', 'chat', 200, 1, 1, 0, 0, 0, 0.1, 1, 0)
                    """)
        }
        let added = try #require(try queue.read { db in try Row.fetchOne(db, sql: "SELECT * FROM requests WHERE request_id = 'req_new'") })
        #expect(added["client"] as String? == "key_b" && added["provider"] as String? == "groq" && added["latency"] as Double? == 0.1)
    }
}
