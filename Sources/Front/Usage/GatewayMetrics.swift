import Foundation
import Prometheus
import Shared
import Synchronization

/// The gateway's Prometheus metrics (`GET /metrics`), kept in one swift-prometheus registry owned by
/// the gateway (no process-wide metrics bootstrap): requests, errors by kind, latency and time to first
/// byte per provider and model, tokens, cost, rate-limit refusals, worker restarts and up/down, requests
/// in flight.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let buckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120].map {
        .milliseconds(Int64($0 * 1000))
    }

    /// The metrics one (provider, model, status) updates per request, looked up once and kept:
    /// the registry's own lookup (a lock and a hash of every label) is not for the hot path.
    private struct Handles: Sendable {
        var requests: Counter
        var duration: DurationHistogram
        var timeToFirstByte: DurationHistogram
        var promptTokens: Counter
        var completionTokens: Counter
        var cost: Counter
    }

    private let handles = Mutex<[String: Handles]>([:])

    /// Requests refused for a missing, unknown, revoked or expired client key.
    func authenticationFailed() {
        registry.makeCounter(
            descriptor: .init(
                namespace: "orchestra", metricName: "auth_failures", unitName: "total", helpText: "Requests refused for their client key")
        ).increment()
    }

    private func handles(provider: String, model: String, status: Int) -> Handles {
        let key = "\(provider)\u{0}\(model)\u{0}\(status)"
        if let found = handles.withLock({ $0[key] }) { return found }
        let labels = [("provider", provider), ("model", model)]
        let made = Handles(
            requests: registry.makeCounter(
                descriptor: .init(
                    namespace: "orchestra", metricName: "requests", unitName: "total", helpText: "Requests answered, by status"),
                labels: labels + [("status", String(status))]
            ),
            duration: registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "orchestra", metricName: "request_duration", unitName: "seconds", helpText: "Time to the last byte"),
                labels: labels, buckets: Self.buckets
            ),
            timeToFirstByte: registry.makeDurationHistogram(
                descriptor: .init(
                    namespace: "orchestra", metricName: "time_to_first_byte", unitName: "seconds",
                    helpText: "Time to the answer's first byte"),
                labels: labels, buckets: Self.buckets
            ),
            promptTokens: registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "tokens", unitName: "total", helpText: "Tokens used"),
                labels: labels + [("kind", "prompt")]
            ),
            completionTokens: registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "tokens", unitName: "total", helpText: "Tokens used"),
                labels: labels + [("kind", "completion")]
            ),
            cost: registry.makeCounter(
                descriptor: .init(
                    namespace: "orchestra", metricName: "cost", unitName: "usd_total", helpText: "Cost in US dollars (priced models only)"),
                labels: labels
            )
        )
        handles.withLock { $0[key] = made }
        return made
    }

    func recorded(_ record: UsageRecord) {
        let metrics = handles(provider: record.provider, model: record.model, status: record.status)
        metrics.requests.increment()
        if record.status >= 400 {
            registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "errors", unitName: "total", helpText: "Failed requests, by kind"),
                labels: [("provider", record.provider), ("model", record.model), ("kind", Self.kind(record.status))]
            ).increment()
        }
        metrics.duration.recordSeconds(record.latency)
        if let ttfb = record.timeToFirstByte { metrics.timeToFirstByte.recordSeconds(ttfb) }
        if record.usage.promptTokens > 0 { metrics.promptTokens.increment(by: Int64(record.usage.promptTokens)) }
        if record.usage.completionTokens > 0 { metrics.completionTokens.increment(by: Int64(record.usage.completionTokens)) }
        if let cost = record.cost, cost > 0 { metrics.cost.increment(by: cost) }
    }

    /// Worker state, read when scraped.
    func workers(_ slots: [(provider: String, up: Bool, restarts: Int, inFlight: Int, queued: Int)]) {
        for slot in slots {
            let labels = [("provider", slot.provider)]
            registry.makeGauge(
                descriptor: .init(
                    namespace: "orchestra", metricName: "worker_up", unitName: "", helpText: "1 when the provider's worker is ready"),
                labels: labels
            )
            .set(to: slot.up ? 1.0 : 0.0)
            registry.makeGauge(
                descriptor: .init(
                    namespace: "orchestra", metricName: "worker_restarts", unitName: "", helpText: "Restarts of the provider's worker"),
                labels: labels
            )
            .set(to: Double(slot.restarts))
            registry.makeGauge(
                descriptor: .init(
                    namespace: "orchestra", metricName: "upstream_in_flight", unitName: "", helpText: "Requests in flight upstream"),
                labels: labels
            )
            .set(to: Double(slot.inFlight))
            registry.makeGauge(
                descriptor: .init(
                    namespace: "orchestra", metricName: "rate_limit_queued", unitName: "", helpText: "Requests waiting for rate budget"),
                labels: labels
            )
            .set(to: Double(slot.queued))
        }
    }

    func inFlight(_ count: Int) {
        registry.makeGauge(
            descriptor: .init(
                namespace: "orchestra", metricName: "in_flight_requests", unitName: "", helpText: "Client requests being served")
        ).set(to: Double(count))
    }

    static func kind(_ status: Int) -> String {
        switch status {
        case 429: return "rate_limited"
        case 400..<500: return "client"
        case 504: return "timeout"
        default: return "upstream"
        }
    }
}

extension DurationHistogram {
    func recordSeconds(_ seconds: Double) {
        recordNanoseconds(Int64(seconds * 1e9))
    }
}
