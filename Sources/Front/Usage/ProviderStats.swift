import DequeModule
import Foundation
import Synchronization

/// Recent traffic per provider, for the dashboard: request rate, latency and time-to-first-byte
/// percentiles, and the last error, over the last few minutes (bounded per provider).
final class ProviderStats: Sendable {
    struct Sample {
        var time: Double
        var latency: Double
        var timeToFirstByte: Double?
        var status: Int
    }

    struct Summary: Encodable {
        var requests_per_minute: Double
        var latency_p50: Double?
        var latency_p95: Double?
        var ttfb_p50: Double?
        var errors_last_minute: Int
        var last_error_status: Int?
        var last_error_at: String?
    }

    private struct Window {
        var samples: Deque<Sample> = []
        var lastError: (status: Int, time: Double)?
    }

    private let windows = Mutex<[String: Window]>([:])
    private static let keep = 300.0
    private static let maximumSamples = 2000

    func record(provider: String, latency: Double, timeToFirstByte: Double?, status: Int) {
        let now = Date().timeIntervalSince1970
        let sample = Sample(time: now, latency: latency, timeToFirstByte: timeToFirstByte, status: status)
        // In place: a copy of the window would copy its thousands of samples on every request.
        windows.withLock { Self.add(sample, to: &$0[provider, default: Window()]) }
    }

    private static func add(_ sample: Sample, to window: inout Window) {
        window.samples.append(sample)
        while let first = window.samples.first, first.time < sample.time - keep || window.samples.count > maximumSamples {
            window.samples.removeFirst()
        }
        if sample.status >= 400 { window.lastError = (sample.status, sample.time) }
    }

    func summary(provider: String) -> Summary {
        let now = Date().timeIntervalSince1970
        let window = windows.withLock { $0[provider] } ?? Window()
        let lastMinute = window.samples.filter { $0.time >= now - 60 }
        let ok = window.samples.filter { $0.status < 400 }
        func percentile(_ values: [Double], _ p: Double) -> Double? {
            guard !values.isEmpty else { return nil }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p + 0.5))]
        }
        return Summary(
            requests_per_minute: Double(lastMinute.count),
            latency_p50: percentile(ok.map(\.latency), 0.5), latency_p95: percentile(ok.map(\.latency), 0.95),
            ttfb_p50: percentile(ok.compactMap(\.timeToFirstByte), 0.5),
            errors_last_minute: lastMinute.filter { $0.status >= 400 }.count,
            last_error_status: window.lastError?.status,
            last_error_at: window.lastError.map { Date(timeIntervalSince1970: $0.time).formatted(.iso8601) }
        )
    }
}
