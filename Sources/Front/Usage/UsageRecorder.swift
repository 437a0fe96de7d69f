import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// Accounts every answered request: one log line, metrics at once, and a record for the database.
/// Records are buffered and written in batches every `flush_interval` by this service's own task, so a
/// request never waits on the database; the buffer is flushed when the gateway stops (SIGTERM), and at
/// most one interval is at risk if the front is killed. A batch the database refuses goes to the spool
/// (when there is one) and is replayed, oldest first, before newer batches once the database is back.
final class UsageRecorder: Service, Sendable {
    /// Records not written yet, and when each client last made a request (Unix seconds).
    private let buffer = Mutex<(records: [UsageRecord], lastUse: [String: Double])>(([], [:]))
    let store: any UsageRecords
    let spool: UsageSpool?
    let health: StorageHealth?
    let pricing: Pricing
    let metrics: GatewayMetrics
    let stats = ProviderStats()
    private let logger: Logger
    private let interval: Double
    private let retention: Double
    private let maxRawRecords: Int
    /// One write at a time: a report's flush waits for the batch the service is writing.
    private let turns = WriteTurns()

    /// How many spooled records one replay writes at most.
    static let replayBatch = 5000

    init(
        config: GatewayConfig, store: any UsageRecords, spool: UsageSpool? = nil, health: StorageHealth? = nil, metrics: GatewayMetrics,
        logger: Logger
    ) {
        pricing = Pricing(config: config)
        self.store = store
        self.spool = spool
        self.health = health
        self.metrics = metrics
        self.logger = logger
        interval = config.usage.flushInterval
        retention = config.usage.retentionDays * 86400
        maxRawRecords = config.usage.maxRawRecords
    }

    /// Accounts one request (any task; returns at once) and returns its cost (`nil`: no price).
    @discardableResult
    func record(
        requestID: String, client: String, team: String?, route: String?, provider: String, model: String, endpoint: String, status: Int,
        usage: UsageReport?, started: Double, firstByte: Double?, attempts: Int
    ) -> Double? {
        let now = MonotonicClock.seconds()
        let usage = usage ?? UsageReport(promptTokens: 0, completionTokens: 0)
        let cost = status < 400 ? pricing.cost(provider: provider, model: model, usage: usage) : 0
        let record = UsageRecord(
            time: Date().timeIntervalSince1970, requestID: requestID, client: client, team: team, route: route, provider: provider,
            model: model,
            endpoint: endpoint, status: status, usage: usage, cost: cost,
            // Savings are only claimed where the real cost is known.
            referenceCost: status < 400 && cost != nil ? pricing.referenceCost(usage: usage) : nil,
            latency: now - started, timeToFirstByte: firstByte.map { $0 - started }, attempts: attempts,
            fallback: attempts > 1 && route != nil
        )
        metrics.recorded(record)
        stats.record(provider: provider, latency: record.latency, timeToFirstByte: record.timeToFirstByte, status: status)
        // Plain strings: interpolating an Int into a metadata value goes through the unconstrained
        // generic path (dynamic casts for every value), once per request.
        logger.info(
            "request",
            metadata: [
                "request_id": .string(requestID), "client": .string(client), "model": .string(provider + "/" + model),
                "route": .string(route ?? "-"), "status": .string(String(status)),
                "prompt_tokens": .string(String(usage.promptTokens)), "completion_tokens": .string(String(usage.completionTokens)),
                "cost_usd": .string(record.cost.map { String($0) } ?? "unknown"),
                "latency_ms": .string(String(Int(record.latency * 1000))), "attempts": .string(String(attempts)),
            ])
        buffer.withLock {
            $0.records.append(record)
            $0.lastUse[client] = record.time
        }
        return cost
    }

    func run() async throws {
        if let known = try? await store.lastUse() {
            buffer.withLock { $0.lastUse.merge(known) { max($0, $1) } }
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.interval)) }
            await replaySpool()
            await flush()
            await cleanUp()
        }
        await replaySpool()
        await flush()
    }

    /// When a client (a key's id) last made a request.
    func lastUse(of client: String) -> Date? {
        buffer.withLock { $0.lastUse[client] }.map(Date.init(timeIntervalSince1970:))
    }

    /// Writes what the buffer holds (behind spooled records, while there are any: they go first), after
    /// any write already under way.
    func flush() async {
        await turns.run { await write() }
    }

    private func write() async {
        let records = buffer.withLock { buffer in
            defer { buffer.records.removeAll(keepingCapacity: true) }
            return buffer.records
        }
        guard !records.isEmpty else { return }
        if let spool, spool.count > 0 {
            keep(records, in: spool, because: nil)
            return
        }
        do {
            try await store.insert(records)
            health?.reached()
        } catch {
            health?.failed(error)
            if let spool {
                keep(records, in: spool, because: error)
            } else {
                logger.error("could not write \(records.count) usage records: \(error)")
            }
        }
    }

    /// Writes the spool's records, oldest first, in batches, until it is empty or the database fails.
    func replaySpool() async {
        guard let spool else { return }
        await turns.run { await replay(spool) }
    }

    private func replay(_ spool: UsageSpool) async {
        while spool.count > 0 {
            do {
                let (records, lines) = try spool.oldest(limit: Self.replayBatch)
                try await store.insert(records)
                try spool.drop(lines: lines)
                health?.reached()
                logger.notice("replayed \(records.count) spooled usage records; \(spool.count) left")
            } catch {
                health?.failed(error)
                return
            }
        }
    }

    private func keep(_ records: [UsageRecord], in spool: UsageSpool, because error: (any Error)?) {
        do {
            try spool.append(records)
            if let error { logger.warning("\(records.count) usage records wait in \(spool.path): \(error)") }
        } catch let spoolError {
            logger.error(
                "lost \(records.count) usage records: the database refused them (\(error.map { "\($0)" } ?? "spool in use")) and so did the spool (\(spoolError))"
            )
        }
    }

    /// One small step of retention per interval: never a long write that would hold up the next batch.
    private func cleanUp() async {
        _ = try? await store.deleteRaw(olderThan: Date().timeIntervalSince1970 - retention, keep: maxRawRecords, limit: 2000)
    }

    /// How usage records name an endpoint (the client's surface may name it instead: `messages`, `responses`).
    static func name(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .chatCompletions: return "chat"
        case .completions: return "completions"
        case .fimCompletions: return "fim"
        case .embeddings: return "embeddings"
        }
    }
}
