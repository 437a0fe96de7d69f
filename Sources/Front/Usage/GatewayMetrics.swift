import Foundation
import Prometheus
import Shared

/// The gateway's Prometheus metrics (`GET /metrics`), kept in one swift-prometheus registry owned by
/// the gateway (no process-wide metrics bootstrap): requests, errors by kind, latency and time to first
/// byte per provider and model, tokens, cost, rate-limit refusals, worker restarts and up/down, requests
/// in flight.
final class GatewayMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private static let buckets: [Duration] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120].map { .milliseconds(Int64($0 * 1000)) }

    func recorded(_ record: UsageRecord) {
        let labels = [("provider", record.provider), ("model", record.model)]
        registry.makeCounter(
            descriptor: .init(namespace: "orchestra", metricName: "requests", unitName: "total", helpText: "Requests answered, by status"),
            labels: labels + [("status", String(record.status))]
        ).increment()
        if record.status >= 400 {
            registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "errors", unitName: "total", helpText: "Failed requests, by kind"),
                labels: labels + [("kind", Self.kind(record.status))]
            ).increment()
        }
        registry.makeDurationHistogram(
            descriptor: .init(namespace: "orchestra", metricName: "request_duration", unitName: "seconds", helpText: "Time to the last byte"),
            labels: labels, buckets: Self.buckets
        ).recordSeconds(record.latency)
        if let ttfb = record.timeToFirstByte {
            registry.makeDurationHistogram(
                descriptor: .init(namespace: "orchestra", metricName: "time_to_first_byte", unitName: "seconds", helpText: "Time to the answer's first byte"),
                labels: labels, buckets: Self.buckets
            ).recordSeconds(ttfb)
        }
        for (kind, count) in [("prompt", record.usage.promptTokens), ("completion", record.usage.completionTokens)] where count > 0 {
            registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "tokens", unitName: "total", helpText: "Tokens used"),
                labels: labels + [("kind", kind)]
            ).increment(by: Int64(count))
        }
        if let cost = record.cost, cost > 0 {
            registry.makeCounter(
                descriptor: .init(namespace: "orchestra", metricName: "cost", unitName: "usd_total", helpText: "Cost in US dollars (priced models only)"),
                labels: labels
            ).increment(by: cost)
        }
    }

    /// Worker state, read when scraped.
    func workers(_ slots: [(provider: String, up: Bool, restarts: Int, inFlight: Int, queued: Int)]) {
        for slot in slots {
            let labels = [("provider", slot.provider)]
            registry.makeGauge(descriptor: .init(namespace: "orchestra", metricName: "worker_up", helpText: "1 when the provider's worker is ready"), labels: labels)
                .set(to: slot.up ? 1.0 : 0.0)
            registry.makeGauge(descriptor: .init(namespace: "orchestra", metricName: "worker_restarts", helpText: "Restarts of the provider's worker"), labels: labels)
                .set(to: Double(slot.restarts))
            registry.makeGauge(descriptor: .init(namespace: "orchestra", metricName: "upstream_in_flight", helpText: "Requests in flight upstream"), labels: labels)
                .set(to: Double(slot.inFlight))
            registry.makeGauge(descriptor: .init(namespace: "orchestra", metricName: "rate_limit_queued", helpText: "Requests waiting for rate budget"), labels: labels)
                .set(to: Double(slot.queued))
        }
    }

    func inFlight(_ count: Int) {
        registry.makeGauge(descriptor: .init(namespace: "orchestra", metricName: "in_flight_requests", helpText: "Client requests being served")).set(to: Double(count))
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
