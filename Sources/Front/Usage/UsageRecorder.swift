import Foundation
import Logging
import ServiceLifecycle
import Shared
import Synchronization

/// Accounts every answered request: one log line, metrics at once, and a record for the database.
/// Records are buffered and written in batches every `flush_interval` by this service's own task, so a
/// request never waits on the database; the buffer is flushed when the gateway stops (SIGTERM), and at
/// most one interval is at risk if the front is killed.
final class UsageRecorder: Service, Sendable {
    /// Records not written yet, and when each client last made a request (Unix seconds).
    private let buffer = Mutex<(records: [UsageRecord], lastUse: [String: Double])>(([], [:]))
    let store: UsageStore?
    let pricing: Pricing
    let metrics: GatewayMetrics
    let stats = ProviderStats()
    private let logger: Logger
    private let interval: Double
    private let retention: Double
    private let maxRawRecords: Int

    init(config: GatewayConfig, metrics: GatewayMetrics, logger: Logger) {
        pricing = Pricing(config: config)
        self.metrics = metrics
        self.logger = logger
        interval = config.usage.flushInterval
        retention = config.usage.retentionDays * 86400
        maxRawRecords = config.usage.maxRawRecords
        let path = config.usage.database ?? GatewayDatabase.defaultPath()
        var opened: UsageStore?
        do {
            opened = try UsageStore(path: path)
            logger.info("usage records in \(path)")
        } catch {
            logger.error("usage records are off: cannot open \(path): \(error)")
        }
        store = opened
        if let lastUse = try? opened?.lastUse() { buffer.withLock { $0.lastUse = lastUse } }
    }

    /// Accounts one request (any task; returns at once) and returns its cost (`nil`: no price).
    @discardableResult
    func record(
        requestID: String, client: String, team: String?, route: String?, provider: String, model: String, endpoint: Endpoint, status: Int,
        usage: UsageReport?, started: Double, firstByte: Double?, attempts: Int
    ) -> Double? {
        let now = MonotonicClock.seconds()
        let usage = usage ?? UsageReport(promptTokens: 0, completionTokens: 0)
        let cost = status < 400 ? pricing.cost(provider: provider, model: model, usage: usage) : 0
        let record = UsageRecord(
            time: Date().timeIntervalSince1970, requestID: requestID, client: client, team: team, route: route, provider: provider,
            model: model,
            endpoint: Self.name(endpoint), status: status, usage: usage, cost: cost,
            // Savings are only claimed where the real cost is known.
            referenceCost: status < 400 && cost != nil ? pricing.referenceCost(usage: usage) : nil,
            latency: now - started, timeToFirstByte: firstByte.map { $0 - started }, attempts: attempts,
            fallback: attempts > 1 && route != nil
        )
        metrics.recorded(record)
        stats.record(provider: provider, latency: record.latency, timeToFirstByte: record.timeToFirstByte, status: status)
        logger.info(
            "request",
            metadata: [
                "request_id": "\(requestID)", "client": "\(client)", "model": "\(provider)/\(model)", "route": "\(route ?? "-")",
                "status": "\(status)",
                "prompt_tokens": "\(usage.promptTokens)", "completion_tokens": "\(usage.completionTokens)",
                "cost_usd": "\(record.cost.map { String($0) } ?? "unknown")",
                "latency_ms": "\(Int(record.latency * 1000))", "attempts": "\(attempts)",
            ])
        buffer.withLock {
            $0.records.append(record)
            $0.lastUse[client] = record.time
        }
        return cost
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.interval)) }
            flush()
            cleanUp()
        }
        flush()
    }

    /// When a client (a key's id) last made a request.
    func lastUse(of client: String) -> Date? {
        buffer.withLock { $0.lastUse[client] }.map(Date.init(timeIntervalSince1970:))
    }

    /// Writes what the buffer holds.
    func flush() {
        let records = buffer.withLock { buffer in
            defer { buffer.records.removeAll(keepingCapacity: true) }
            return buffer.records
        }
        guard let store, !records.isEmpty else { return }
        do {
            try store.insert(records)
        } catch {
            logger.error("could not write \(records.count) usage records: \(error)")
        }
    }

    /// One small step of retention per interval: never a long write that would hold up the next batch.
    private func cleanUp() {
        _ = try? store?.deleteRaw(olderThan: Date().timeIntervalSince1970 - retention, keep: maxRawRecords)
    }

    static func name(_ endpoint: Endpoint) -> String {
        switch endpoint {
        case .chatCompletions: return "chat"
        case .completions: return "completions"
        case .fimCompletions: return "fim"
        case .embeddings: return "embeddings"
        }
    }
}
