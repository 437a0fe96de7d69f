import Foundation
import GRDB
import Shared
import Synchronization

/// Usage records in SQLite (WAL), the embedded default: raw rows for `retention_days`, and hourly and daily totals per
/// provider, model and client that are kept, so reports stay fast at millions of requests.
final class SQLiteUsageStore: UsageRecords {
    let path: String
    private let pool: DatabasePool
    /// Ids of the strings raw records refer to (`names`), learnt as batches are written.
    private let names = Mutex<[String: Int64]>([:])

    init(path: String) throws {
        self.path = path
        pool = try GatewayDatabase.open(path: path)
    }

    /// Opens an existing database for reading only (the `usage` command).
    init(readingAt path: String) throws {
        self.path = path
        pool = try GatewayDatabase.openReadOnly(path: path)
    }

    /// Writes a batch of records and folds them into the totals, in one transaction, on GRDB's writer
    /// queue (the caller is suspended, not blocked: tasks run on the front's event loops).
    func insert(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let rollups = UsageRollups.of(records)
        let learnt = try await pool.write { db -> [String: Int64] in
            var known = self.names.withLock { $0 }
            let intern = try db.cachedStatement(
                sql: "INSERT INTO names (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id")
            func id(_ name: String) throws -> Int64 {
                if let found = known[name] { return found }
                let found = try Int64.fetchOne(intern, arguments: [name]) ?? 0
                known[name] = found
                return found
            }
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO request_log (time_ms, request_id, client, team, route, provider, model, endpoint, status,
                        prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_nano_usd, latency_us, ttfb_us,
                        attempts, flags)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            var row = SQLiteRowWriter(statement)
            for record in records {
                let usage = record.usage
                row.bind(Int64((record.time * 1000).rounded()))
                row.bind(record.requestID)
                row.bind(try id(record.client))
                row.bind(try record.team.map(id))
                row.bind(try record.route.map(id))
                row.bind(try id(record.provider))
                row.bind(try id(record.model))
                row.bind(try id(record.endpoint))
                row.bind(record.status)
                row.bind(usage.promptTokens)
                row.bind(usage.completionTokens)
                row.bind(usage.reasoningTokens)
                row.bind(usage.cachedTokens)
                row.bind(record.cost.map { Int64(($0 * 1e9).rounded()) })
                row.bind(Int64((record.latency * 1e6).rounded()))
                row.bind(record.timeToFirstByte.map { Int64(($0 * 1e6).rounded()) })
                row.bind(record.attempts)
                row.bind((usage.estimated ? 1 : 0) | (record.fallback ? 2 : 0))
                try row.step(in: db)
            }
            for (table, totals) in rollups {
                // Cached: parsing this upsert took more than the rest of a small batch.
                let upsert = try db.cachedStatement(
                    sql: """
                        INSERT INTO \(table) (bucket, provider, model, client, team, requests, errors, prompt_tokens,
                            completion_tokens, reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (bucket, provider, model, client, team) DO UPDATE SET
                            requests = requests + excluded.requests, errors = errors + excluded.errors,
                            prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                            completion_tokens = completion_tokens + excluded.completion_tokens,
                            reasoning_tokens = reasoning_tokens + excluded.reasoning_tokens,
                            cached_tokens = cached_tokens + excluded.cached_tokens, estimated = estimated + excluded.estimated,
                            cost = cost + excluded.cost, unpriced = unpriced + excluded.unpriced,
                            reference_cost = reference_cost + excluded.reference_cost, latency_sum = latency_sum + excluded.latency_sum
                        """)
                for (key, sum) in totals {
                    try upsert.execute(arguments: [
                        key.bucket, key.provider, key.model, key.client, key.team, sum.requests, sum.errors, sum.prompt, sum.completion,
                        sum.reasoning, sum.cached, sum.estimated, sum.cost, sum.unpriced, sum.referenceCost, sum.latency,
                    ])
                }
            }
            return known
        }
        // Learnt only once committed: an id from a rolled-back transaction would name nothing.
        names.withLock { $0.merge(learnt) { kept, _ in kept } }
    }

    /// Deletes up to `limit` of the oldest raw records that are older than `cutoff` or beyond the newest
    /// `keep`; returns how many went. Records are numbered in the order they are written, so the oldest
    /// are found by id without an index on time; small steps keep each write transaction short.
    func deleteRaw(olderThan cutoff: Double, keep: Int = .max, limit: Int = 2000) async throws -> Int {
        try await pool.write { db in
            // Cached: it runs after every flush, and preparing it cost more than the delete.
            try db.cachedStatement(
                sql: """
                    DELETE FROM request_log WHERE id IN (SELECT id FROM request_log ORDER BY id LIMIT ?)
                        AND (time_ms < ? OR id <= (SELECT MAX(id) FROM request_log) - ?)
                    """
            ).execute(arguments: [limit, Int64((cutoff * 1000).rounded(.down)), Int64(min(keep, Int(Int32.max)))])
            return db.changesCount
        }
    }

    /// Totals from the raw records (their retention; no reference cost), for groupings the rollups do not keep.
    private func rawReport(key: String, from: Double, to: Double) async throws -> [UsageRow] {
        try await pool.read { db in
            try UsageRow.fetchAll(
                db,
                sql: """
                    SELECT \(key) AS key, COUNT(*) AS requests, SUM(r.status >= 400) AS errors,
                        SUM(r.prompt_tokens) AS prompt_tokens, SUM(r.completion_tokens) AS completion_tokens,
                        SUM(r.reasoning_tokens) AS reasoning_tokens, SUM(r.cached_tokens) AS cached_tokens,
                        SUM(r.flags & 1) AS estimated_requests, COALESCE(SUM(r.cost_nano_usd), 0) / 1e9 AS cost_usd,
                        SUM(r.cost_nano_usd IS NULL AND r.status < 400) AS unpriced_requests, 0.0 AS reference_cost_usd,
                        0.0 AS savings_usd, AVG(r.latency_us) / 1e6 AS average_latency_seconds
                    FROM request_log r JOIN names p ON p.id = r.provider JOIN names e ON e.id = r.endpoint
                    WHERE r.time_ms >= ? AND r.time_ms < ? GROUP BY key ORDER BY cost_usd DESC, requests DESC
                    """, arguments: [Int64((from * 1000).rounded(.down)), Int64((to * 1000).rounded(.up))])
        }
    }

    /// Totals between `from` and `to` (Unix seconds) from the hourly rollups. Read on GRDB's reader
    /// queue: a report over a long period must not hold up an event loop's connections.
    func report(from: Double, to: Double, groupBy grouping: UsageGrouping) async throws -> [UsageRow] {
        let key: String
        switch grouping {
        // One file, one instance: its raw records by provider.
        case .instance: return try await rawReport(key: "'local/' || p.name", from: from, to: to)
        case .endpoint: return try await rawReport(key: "e.name", from: from, to: to)
        case .provider: key = "provider"
        case .model: key = "provider || '/' || model"
        case .key: key = "client"
        case .team: key = "CASE team WHEN '' THEN '(no team)' ELSE team END"
        case .day: key = "strftime('%Y-%m-%d', bucket - bucket % 86400, 'unixepoch')"
        }
        return try await pool.read { db in
            try UsageRow.fetchAll(
                db,
                sql: """
                    SELECT \(key) AS key, SUM(requests) AS requests, SUM(errors) AS errors, SUM(prompt_tokens) AS prompt_tokens,
                        SUM(completion_tokens) AS completion_tokens, SUM(reasoning_tokens) AS reasoning_tokens,
                        SUM(cached_tokens) AS cached_tokens, SUM(estimated) AS estimated_requests, SUM(cost) AS cost_usd,
                        SUM(unpriced) AS unpriced_requests, SUM(reference_cost) AS reference_cost_usd,
                        SUM(reference_cost) - SUM(cost) AS savings_usd, SUM(latency_sum) / SUM(requests) AS average_latency_seconds
                    FROM usage_hourly WHERE bucket >= ? AND bucket < ? GROUP BY key ORDER BY cost_usd DESC, requests DESC
                    """, arguments: [Int((from / 3600).rounded(.down) * 3600), to])
        }
    }

    /// The hour in which each client last made a request, from the hourly rollups (read once at start:
    /// a scan of the raw records would grow with their retention; the recorder keeps exact times after).
    func lastUse() throws -> [String: Double] {
        try pool.read { db in
            var last: [String: Double] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: "SELECT client, MAX(bucket) AS time FROM usage_hourly GROUP BY client") {
                last[row["client"]] = row["time"]
            }
            return last
        }
    }

    func rawCount() throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM request_log") ?? 0 }
    }
}

extension UsageRow: FetchableRecord {}
