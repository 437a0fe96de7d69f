import Shared

/// Whether one provider's worker can answer now, and if not why: the one answer that routing,
/// `/v1/models`, the catalog, the Continue config, `/health` and `/api/providers` all read, and the
/// one JSON shape the last two send (the dashboard reads it too).
struct Availability: Sendable, Equatable, Encodable {
    /// The worker's rate limiter as it last reported, its waits counted down to now.
    struct Limits: Sendable, Equatable, Encodable {
        var queued: Int
        var in_flight: Int
        var keys: Int
        var resting_keys: Int
        /// Seconds until a new request could be admitted, when it could not be now.
        var limited_for: Double?
        /// Left in the tightest request window; `null` when no request window is configured.
        var requests_left: Int?
        /// Models whose every key rests, with the seconds until one wakes.
        var resting_models: [String: Double]

        /// `report` was received `age` seconds ago.
        init(report: RateStatus, age: Double) {
            queued = report.queued
            in_flight = report.inFlight
            keys = report.keys
            limited_for = report.limitedFor.map { $0 - age }.flatMap { $0 > 0 ? $0 : nil }
            requests_left = report.requestsLeft
            resting_models = report.restingModels.compactMapValues { $0 - age > 0 ? $0 - age : nil }
            resting_keys = resting_models.isEmpty ? 0 : report.restingKeys
        }
    }

    /// `starting`, `ready`, `restarting`, `failed` or `stopped`.
    var state: String
    /// A request would be served now: the worker is connected and has its key (or needs none).
    var usable: Bool
    /// Why not, when not usable.
    var unavailable_reason: String?
    /// Why the worker last went down, even when it is back.
    var reason: String?
    /// `present`, `missing`, `not needed`, or `unknown` before the worker first reported. Never the key.
    var key: String
    var pid: Int32?
    var restarts: Int
    /// `null` until a connected worker reported.
    var limits: Limits?

    init(
        state: WorkerLifecycle.State, connected: Bool, status: WorkerStatus?, keySource: KeySource, lastFailure: String?,
        restarts: Int, pid: Int32?, rate: (report: RateStatus, age: Double)?
    ) {
        self.state = Self.label(state, connected: connected)
        reason = lastFailure
        self.restarts = restarts
        self.pid = pid
        switch (keySource, status) {
        case (.none, _): key = "not needed"
        case (_, let status?): key = status.keyPresent ? "present" : "missing"
        case (_, nil): key = "unknown"
        }
        if !connected || status == nil {
            unavailable_reason = "worker \(self.state)" + (lastFailure.map { ": \($0)" } ?? "")
        } else if key == "missing" {
            unavailable_reason = "no API key: \(status?.keyProblem ?? keySource.instructions)"
        }
        usable = unavailable_reason == nil
        limits = connected ? rate.map { Limits(report: $0.report, age: $0.age) } : nil
    }

    /// Whether the worker's last report says a request for `model` would be refused or would wait now.
    func isRateLimited(model: String) -> Bool {
        guard let limits else { return false }
        return limits.limited_for != nil || limits.resting_models[model] != nil
    }

    /// Why `model` cannot be used now, or `nil` when it can.
    func unavailableReason(model: String) -> String? {
        unavailable_reason ?? (isRateLimited(model: model) ? "rate-limited: no budget left right now" : nil)
    }

    private static func label(_ state: WorkerLifecycle.State, connected: Bool) -> String {
        switch state {
        case .idle, .starting: return "starting"
        case .ready: return connected ? "ready" : "starting"
        case .backingOff: return "restarting"
        case .failed: return "failed"
        case .stopping, .stopped: return "stopped"
        }
    }
}
