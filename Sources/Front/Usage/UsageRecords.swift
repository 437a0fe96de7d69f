import Foundation

/// Where usage records and their hourly and daily totals live: the embedded SQLite file for one
/// instance, PostgreSQL for a fleet. The recorder writes batches; reports read the totals.
protocol UsageRecords: Sendable {
    /// Writes a batch of records and folds them into the totals, in one transaction (all or none).
    func insert(_ records: [UsageRecord]) async throws
    /// Deletes up to `limit` of the oldest raw records older than `cutoff` or beyond the newest `keep`.
    func deleteRaw(olderThan cutoff: Double, keep: Int, limit: Int) async throws -> Int
    /// Totals between `from` and `to` (Unix seconds) from the hourly rollups.
    func report(from: Double, to: Double, groupBy grouping: UsageGrouping) async throws -> [UsageRow]
    /// The hour in which each client last made a request.
    func lastUse() async throws -> [String: Double]
}

/// What a usage report's rows are per. `instance` (which instance served which provider) is read from
/// the raw records, so it covers their retention and carries no reference cost.
enum UsageGrouping: String, CaseIterable, Sendable {
    case provider, model, key, team, day, instance, endpoint
}

/// One row of a usage report, as `/api/usage` and `orchestra usage` show it.
struct UsageRow: Codable, Sendable {
    var key: String
    var requests: Int
    var errors: Int
    var prompt_tokens: Int
    var completion_tokens: Int
    var reasoning_tokens: Int
    var cached_tokens: Int
    var estimated_requests: Int
    /// Known cost only; `unpriced_requests` says how many successful requests had no price.
    var cost_usd: Double
    var unpriced_requests: Int
    var reference_cost_usd: Double
    var savings_usd: Double
    var average_latency_seconds: Double
}

/// A batch of records summed per rollup row, so thousands of requests to a few models update a few
/// rows of `usage_hourly` and `usage_daily`, not thousands.
struct UsageRollups {
    struct Key: Hashable {
        var bucket: Int
        var provider: String
        var model: String
        var client: String
        var team: String
    }

    struct Totals {
        var requests = 0, errors = 0, prompt = 0, completion = 0, reasoning = 0, cached = 0, estimated = 0, unpriced = 0
        var cost = 0.0, referenceCost = 0.0, latency = 0.0

        mutating func add(_ record: UsageRecord) {
            requests += 1
            if record.status >= 400 { errors += 1 }
            prompt += record.usage.promptTokens
            completion += record.usage.completionTokens
            reasoning += record.usage.reasoningTokens
            cached += record.usage.cachedTokens
            if record.usage.estimated { estimated += 1 }
            if record.cost == nil && record.status < 400 { unpriced += 1 }
            cost += record.cost ?? 0
            referenceCost += record.referenceCost ?? 0
            latency += record.latency
        }
    }

    /// The rollup tables with the width of their buckets in seconds.
    static let tables = [("usage_hourly", 3600.0), ("usage_daily", 86400.0)]

    /// Each table's totals for `records`.
    static func of(_ records: [UsageRecord]) -> [(table: String, totals: [Key: Totals])] {
        tables.map { table, width in
            var totals: [Key: Totals] = [:]
            for record in records {
                let key = Key(
                    bucket: Int((record.time / width).rounded(.down) * width), provider: record.provider, model: record.model,
                    client: record.client, team: record.team ?? "")
                totals[key, default: Totals()].add(record)
            }
            return (table, totals)
        }
    }
}
