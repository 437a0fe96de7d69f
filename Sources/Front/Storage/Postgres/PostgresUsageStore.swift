import Foundation
import PostgresNIO
import Shared
import Synchronization

/// Usage records of the whole fleet in the shared database, in the same lean shape as the SQLite file
/// (ids into `names`, integer units), each stamped with the instance that served it. A batch is one
/// transaction of four statements whatever its size (arrays, not rows, cross the wire), and a record
/// whose request id is stored already is skipped and left out of the totals: a spooled batch replayed
/// after an outage counts once, even if its first write committed without the gateway hearing so.
final class PostgresUsageStore: UsageRecords {
    private let pool: PostgresPool
    private let instance: FleetInstance
    /// Ids of the strings raw records refer to, learnt as batches are written.
    private let names = Mutex<[String: Int64]>([:])

    init(pool: PostgresPool, instance: FleetInstance) {
        self.pool = pool
        self.instance = instance
    }

    func insert(_ records: [UsageRecord]) async throws {
        guard !records.isEmpty else { return }
        let (logger, known, instanceName) = (pool.logger, names.withLock { $0 }, instance.name)
        let learnt = try await pool.transaction { connection -> [String: Int64] in
            var ids = known
            var wanted: Set<String> = [instanceName]
            for record in records {
                wanted.formUnion([record.client, record.provider, record.model, record.endpoint])
                if let team = record.team { wanted.insert(team) }
                if let route = record.route { wanted.insert(route) }
            }
            let missing = Array(wanted.subtracting(ids.keys))
            if !missing.isEmpty {
                try await connection.query(
                    "INSERT INTO names (name) SELECT unnest(\(missing)::text[]) ON CONFLICT (name) DO NOTHING", logger: logger)
                for try await (id, name) in try await connection.query(
                    "SELECT id, name FROM names WHERE name = ANY(\(missing)::text[])", logger: logger
                ).decode((Int64, String).self) {
                    ids[name] = id
                }
            }
            let inserted = try await Self.insertRaw(records, ids: ids, instance: instanceName, connection)
            let fresh = records.filter { inserted.contains($0.requestID) }
            for (table, totals) in UsageRollups.of(fresh) where !totals.isEmpty {
                try await Self.addTotals(totals, to: table, connection)
            }
            return ids
        }
        names.withLock { $0.merge(learnt) { kept, _ in kept } }
    }

    /// Inserts the records not stored yet; returns their request ids.
    private static func insertRaw(
        _ records: [UsageRecord], ids: [String: Int64], instance: String, _ connection: PostgresConnection
    ) async throws -> Set<String> {
        func id(_ name: String?) -> Int64 { name.flatMap { ids[$0] } ?? -1 }
        let time = records.map { Int64(($0.time * 1000).rounded()) }
        let requestIDs = records.map(\.requestID)
        let client = records.map { id($0.client) }
        let team = records.map { id($0.team) }
        let route = records.map { id($0.route) }
        let provider = records.map { id($0.provider) }
        let model = records.map { id($0.model) }
        let endpoint = records.map { id($0.endpoint) }
        let status = records.map { Int64($0.status) }
        let prompt = records.map { Int64($0.usage.promptTokens) }
        let completion = records.map { Int64($0.usage.completionTokens) }
        let reasoning = records.map { Int64($0.usage.reasoningTokens) }
        let cached = records.map { Int64($0.usage.cachedTokens) }
        let cost = records.map { $0.cost.map { Int64(($0 * 1e9).rounded()) } ?? -1 }
        let latency = records.map { Int64(($0.latency * 1e6).rounded()) }
        let ttfb = records.map { $0.timeToFirstByte.map { Int64(($0 * 1e6).rounded()) } ?? -1 }
        let attempts = records.map { Int64($0.attempts) }
        let flags = records.map { Int64(($0.usage.estimated ? 1 : 0) | ($0.fallback ? 2 : 0)) }
        var inserted: Set<String> = []
        let rows = try await connection.query(
            """
            INSERT INTO request_log (time_ms, request_id, client, team, route, provider, model, endpoint, status, prompt_tokens,
                completion_tokens, reasoning_tokens, cached_tokens, cost_nano_usd, latency_us, ttfb_us, attempts, flags, instance)
            SELECT t, r, c, NULLIF(tm, -1), NULLIF(ro, -1), p, m, e, s, pt, ct, rt, cat, NULLIF(co, -1), l, NULLIF(tf, -1), a, f,
                \(ids[instance] ?? -1)
            FROM unnest(\(time)::int8[], \(requestIDs)::text[], \(client)::int8[], \(team)::int8[], \(route)::int8[],
                \(provider)::int8[], \(model)::int8[], \(endpoint)::int8[], \(status)::int8[], \(prompt)::int8[],
                \(completion)::int8[], \(reasoning)::int8[], \(cached)::int8[], \(cost)::int8[], \(latency)::int8[], \(ttfb)::int8[],
                \(attempts)::int8[], \(flags)::int8[])
                AS batch (t, r, c, tm, ro, p, m, e, s, pt, ct, rt, cat, co, l, tf, a, f)
            ON CONFLICT (request_id) DO NOTHING
            RETURNING request_id
            """, logger: connection.logger)
        for try await requestID in rows.decode(String.self) { inserted.insert(requestID) }
        return inserted
    }

    private static func addTotals(
        _ totals: [UsageRollups.Key: UsageRollups.Totals], to table: String, _ connection: PostgresConnection
    ) async throws {
        let entries = Array(totals)
        let bucket = entries.map { Int64($0.key.bucket) }
        let provider = entries.map(\.key.provider)
        let model = entries.map(\.key.model)
        let client = entries.map(\.key.client)
        let team = entries.map(\.key.team)
        func count(_ value: (UsageRollups.Totals) -> Int) -> [Int64] { entries.map { Int64(value($0.value)) } }
        let sql = """
            INSERT INTO \(table) (bucket, provider, model, client, team, requests, errors, prompt_tokens, completion_tokens,
                reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum)
            SELECT * FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[], $7::int8[], $8::int8[],
                $9::int8[], $10::int8[], $11::int8[], $12::int8[], $13::float8[], $14::int8[], $15::float8[], $16::float8[])
            ON CONFLICT (bucket, provider, model, client, team) DO UPDATE SET
                requests = \(table).requests + excluded.requests, errors = \(table).errors + excluded.errors,
                prompt_tokens = \(table).prompt_tokens + excluded.prompt_tokens,
                completion_tokens = \(table).completion_tokens + excluded.completion_tokens,
                reasoning_tokens = \(table).reasoning_tokens + excluded.reasoning_tokens,
                cached_tokens = \(table).cached_tokens + excluded.cached_tokens, estimated = \(table).estimated + excluded.estimated,
                cost = \(table).cost + excluded.cost, unpriced = \(table).unpriced + excluded.unpriced,
                reference_cost = \(table).reference_cost + excluded.reference_cost,
                latency_sum = \(table).latency_sum + excluded.latency_sum
            """
        var bindings = PostgresBindings(capacity: 16)
        bindings.append(bucket)
        bindings.append(provider)
        bindings.append(model)
        bindings.append(client)
        bindings.append(team)
        bindings.append(count(\.requests))
        bindings.append(count(\.errors))
        bindings.append(count(\.prompt))
        bindings.append(count(\.completion))
        bindings.append(count(\.reasoning))
        bindings.append(count(\.cached))
        bindings.append(count(\.estimated))
        bindings.append(entries.map(\.value.cost))
        bindings.append(count(\.unpriced))
        bindings.append(entries.map(\.value.referenceCost))
        bindings.append(entries.map(\.value.latency))
        try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: connection.logger)
    }

    func deleteRaw(olderThan cutoff: Double, keep: Int, limit: Int) async throws -> Int {
        let cutoffMS = Int64((cutoff * 1000).rounded(.down))
        let keep = Int64(min(keep, Int(Int32.max)))
        return try await pool.query(
            """
            WITH gone AS (
                DELETE FROM request_log WHERE id IN (SELECT id FROM request_log ORDER BY id LIMIT \(Int64(limit)))
                    AND (time_ms < \(cutoffMS) OR id <= (SELECT max(id) FROM request_log) - \(keep))
                RETURNING 1)
            SELECT count(*) FROM gone
            """
        ).first?.decode(Int.self) ?? 0
    }

    func report(from: Double, to: Double, groupBy grouping: UsageGrouping) async throws -> [UsageRow] {
        let key: String
        switch grouping {
        case .instance: return try await rawReport(key: "coalesce(i.name, '?') || '/' || p.name", from: from, to: to)
        case .endpoint: return try await rawReport(key: "e.name", from: from, to: to)
        case .provider: key = "provider"
        case .model: key = "provider || '/' || model"
        case .key: key = "client"
        case .team: key = "CASE team WHEN '' THEN '(no team)' ELSE team END"
        case .day: key = "to_char(to_timestamp(bucket - bucket % 86400) AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
        }
        let sql = """
            SELECT \(key) AS key, sum(requests)::int8, sum(errors)::int8, sum(prompt_tokens)::int8, sum(completion_tokens)::int8,
                sum(reasoning_tokens)::int8, sum(cached_tokens)::int8, sum(estimated)::int8, sum(cost)::float8 AS cost_usd,
                sum(unpriced)::int8, sum(reference_cost)::float8, (sum(reference_cost) - sum(cost))::float8,
                (sum(latency_sum) / sum(requests))::float8
            FROM usage_hourly WHERE bucket >= $1 AND bucket < $2 GROUP BY 1 ORDER BY cost_usd DESC, 2 DESC
            """
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(Int64((from / 3600).rounded(.down) * 3600))
        bindings.append(to)
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    /// A report's rows, in `UsageRow`'s column order.
    private func rows(_ query: PostgresQuery) async throws -> [UsageRow] {
        try await pool.query(query).map { row in
            let columns = try row.decode(
                (String, Int64, Int64, Int64, Int64, Int64, Int64, Int64, Double, Int64, Double, Double, Double).self)
            return UsageRow(
                key: columns.0, requests: Int(columns.1), errors: Int(columns.2), prompt_tokens: Int(columns.3),
                completion_tokens: Int(columns.4), reasoning_tokens: Int(columns.5), cached_tokens: Int(columns.6),
                estimated_requests: Int(columns.7), cost_usd: columns.8, unpriced_requests: Int(columns.9),
                reference_cost_usd: columns.10, savings_usd: columns.11, average_latency_seconds: columns.12)
        }
    }

    /// Totals from the raw records (their retention; no reference cost), for groupings the rollups do not
    /// keep: which instance served which provider, or which endpoint.
    private func rawReport(key: String, from: Double, to: Double) async throws -> [UsageRow] {
        let sql = """
            SELECT \(key), count(*)::int8, (count(*) FILTER (WHERE r.status >= 400))::int8,
                sum(r.prompt_tokens)::int8, sum(r.completion_tokens)::int8, sum(r.reasoning_tokens)::int8, sum(r.cached_tokens)::int8,
                (count(*) FILTER (WHERE r.flags & 1 = 1))::int8, (coalesce(sum(r.cost_nano_usd), 0) / 1e9)::float8 AS cost_usd,
                (count(*) FILTER (WHERE r.cost_nano_usd IS NULL AND r.status < 400))::int8, 0::float8, 0::float8,
                (avg(r.latency_us) / 1e6)::float8
            FROM request_log r JOIN names p ON p.id = r.provider JOIN names e ON e.id = r.endpoint
                LEFT JOIN names i ON i.id = r.instance
            WHERE r.time_ms >= $1 AND r.time_ms < $2 GROUP BY 1 ORDER BY cost_usd DESC, 2 DESC
            """
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(Int64((from * 1000).rounded(.down)))
        bindings.append(Int64((to * 1000).rounded(.up)))
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings))
    }

    func lastUse() async throws -> [String: Double] {
        var last: [String: Double] = [:]
        for row in try await pool.query("SELECT client, max(bucket)::float8 FROM usage_hourly GROUP BY client") {
            let (client, time) = try row.decode((String, Double).self)
            last[client] = time
        }
        return last
    }
}
