import DequeModule
import NIOCore
import Shared

/// Spends a provider's budget in the worker that owns its keys: request and token windows for the
/// provider and per model, a concurrency cap, keys in turn with throttled ones resting (per model, as
/// upstream limits are), and a bounded FIFO queue for requests that find no budget (they wait up to
/// `maxWait`, then get a 429).
///
/// Event-loop confined: every call comes on the worker's event loop.
final class RateLimiter {
    struct Ticket {
        let serial: UInt64
        let model: String
        let key: Int
    }

    private struct Waiter {
        let id: UInt32
        let model: String
        let tokens: Int
        let deadline: Double
        let admit: (Ticket) -> Void
        let reject: (GatewayError) -> Void
    }

    private enum Admission {
        case admitted(Ticket)
        /// Blocked until that moment (`.infinity`: until a request finishes).
        case blocked(until: Double, quota: Bool, window: RateLimits.Window?)
    }

    private let provider: String
    private let queuePolicy: QueuePolicy
    private let eventLoop: any EventLoop
    private let publish: (RateStatus) -> Void
    private var providerScope: LimitScope
    private var modelScopes: [String: LimitScope]
    private let keyCount: Int
    /// Keys by model: a 429 for one model rests the key for that model only.
    private var keyRings: [String: KeyRing] = [:]
    private var queue: Deque<Waiter> = []
    private var serial: UInt64 = 0
    private var wakeUp: Scheduled<Void>?
    private var wakeUpAt = Double.infinity
    private var lastPublished: RateStatus?
    private var publishScheduled = false
    let countsTokens: Bool
    /// Marks a 429 the gateway's own limiter gave (the front does not retry those: the limiter's
    /// queue already decided how long a request may wait).
    static let gatewayLimitHeader = "x-orchestra-rate-limit"

    init(config: ProviderConfig, keyCount: Int, eventLoop: any EventLoop, publish: @escaping (RateStatus) -> Void) {
        provider = config.name
        queuePolicy = config.queue
        self.eventLoop = eventLoop
        self.publish = publish
        providerScope = LimitScope(config.limits)
        modelScopes = config.modelLimits.mapValues(LimitScope.init)
        self.keyCount = keyCount
        countsTokens = config.limits.countsTokens || config.modelLimits.values.contains { $0.countsTokens }
    }

    /// Admits the request now (`admit` runs before this returns), queues it, or refuses it.
    func acquire(id: UInt32, model: String, tokens: Int, admit: @escaping (Ticket) -> Void, reject: @escaping (GatewayError) -> Void) {
        let now = MonotonicClock.seconds()
        if queue.isEmpty, case .admitted(let ticket) = tryAdmit(model: model, tokens: tokens, now: now) {
            admit(ticket)
            schedulePublish()
            return
        }
        if case .blocked(let until, let quota, let window) = tryAdmit(model: model, tokens: tokens, now: now, dryRun: true),
           quota || queuePolicy.maxWait <= 0 || queue.count >= queuePolicy.maxQueued || until - now > queuePolicy.maxWait && until.isFinite {
            reject(limitError(until: until, now: now, quota: quota, window: window))
            schedulePublish()
            return
        }
        queue.append(Waiter(id: id, model: model, tokens: tokens, deadline: now + queuePolicy.maxWait, admit: admit, reject: reject))
        drain()
    }

    /// The client went away while its request waited.
    func cancel(id: UInt32) {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return }
        queue.remove(at: index)
        drain()
    }

    /// A request admitted with `ticket` ended; `tokens` is its real usage when known, `signals` what the
    /// upstream said about its limits.
    func finish(_ ticket: Ticket, tokens: Int?, signals: UpstreamRateSignals?, quota: Bool) {
        providerScope.finish(ticket: ticket.serial, tokens: tokens)
        modelScopes[ticket.model]?.finish(ticket: ticket.serial, tokens: tokens)
        if let rest = signals?.restFor {
            keyRings[ticket.model, default: KeyRing(count: keyCount)]
                .rest(ticket.key, until: MonotonicClock.seconds() + (quota ? max(rest, 3600) : rest), exhaustedQuota: quota)
        }
        drain()
    }

    // MARK: Admission

    private func tryAdmit(model: String, tokens: Int, now: Double, dryRun: Bool = false) -> Admission {
        var until: Double?
        var window: RateLimits.Window?
        if let blocked = providerScope.blockedUntil(tokens: tokens, now: now) {
            until = blocked
            window = providerScope.describe()
        }
        if let blocked = modelScopes[model]?.blockedUntil(tokens: tokens, now: now), blocked > (until ?? 0) {
            until = blocked
            window = modelScopes[model]?.describe()
        }
        var ring = keyRings[model] ?? KeyRing(count: keyCount)
        let (key, wakesAt) = ring.pick(now: now)
        if key == nil, let wakesAt { until = max(until ?? wakesAt, wakesAt) }
        if let until {
            let daily = (window?.seconds ?? 0) >= 86_400 && until - now > 3600
            return .blocked(until: until, quota: daily || ring.allExhausted(now: now), window: window)
        }
        guard !dryRun, let key else { return .blocked(until: now, quota: false, window: nil) }
        keyRings[model] = ring
        serial += 1
        providerScope.admit(tokens: tokens, ticket: serial, now: now)
        modelScopes[model]?.admit(tokens: tokens, ticket: serial, now: now)
        return .admitted(Ticket(serial: serial, model: model, key: key))
    }

    /// Admits queued requests in order while budget lasts, refuses those past their deadline, and sets
    /// a timer for the next moment something can change.
    private func drain() {
        let now = MonotonicClock.seconds()
        var nextWake = Double.infinity
        admitting: while let head = queue.first {
            let admission = tryAdmit(model: head.model, tokens: head.tokens, now: now)
            switch admission {
            case .admitted(let ticket):
                queue.removeFirst()
                head.admit(ticket)
            case .blocked(let until, let quota, let window) where head.deadline <= now:
                queue.removeFirst()
                head.reject(limitError(until: until, now: now, quota: quota, window: window))
            case .blocked(let until, _, _):
                nextWake = min(until, head.deadline)
                break admitting
            }
        }
        schedule(wakeAt: nextWake, now: now)
        schedulePublish()
    }

    private func schedule(wakeAt time: Double, now: Double) {
        guard time.isFinite else { return }
        if wakeUp != nil, wakeUpAt <= time { return }
        wakeUp?.cancel()
        wakeUpAt = time
        let delay = TimeAmount.nanoseconds(Int64(max(0, time - now) * 1e9) + 1_000_000)
        wakeUp = eventLoop.scheduleTask(in: delay) { [self] in
            wakeUp = nil
            wakeUpAt = .infinity
            drain()
        }
    }

    // MARK: Errors and status

    /// A 429 that says when to come back; a spent daily quota also says not to retry (`x-should-retry`).
    private func limitError(until: Double, now: Double, quota: Bool, window: RateLimits.Window?) -> GatewayError {
        let wait = until.isFinite ? max(1, Int((until - now).rounded(.up))) : 1
        var headers = [
            HTTPHeader(name: RateLimiter.gatewayLimitHeader, value: "gateway"),
            HTTPHeader(name: "retry-after", value: String(wait)),
            HTTPHeader(name: "x-ratelimit-remaining-requests", value: "0"),
            HTTPHeader(name: "x-ratelimit-reset-requests", value: "\(wait)s"),
        ]
        if let requests = window?.requests { headers.append(HTTPHeader(name: "x-ratelimit-limit-requests", value: String(requests))) }
        if let tokens = window?.tokens { headers.append(HTTPHeader(name: "x-ratelimit-limit-tokens", value: String(tokens))) }
        if quota { headers.append(HTTPHeader(name: "x-should-retry", value: "false")) }
        let what: String
        if let window {
            let parts = [window.requests.map { "\($0) requests" }, window.tokens.map { "\($0) tokens" }].compactMap { $0 }
            what = "the gateway's limit of \(parts.joined(separator: " and ")) per \(Self.format(window.seconds))"
        } else if !until.isFinite {
            what = "the gateway's limit of concurrent requests"
        } else {
            what = "the upstream's rate limit (every key is resting)"
        }
        return GatewayError(
            status: 429, type: "rate_limit_error", code: quota ? "insufficient_quota" : "rate_limit_exceeded",
            message: "\(provider): \(what) is reached; retry after \(wait) s.", headers: headers
        )
    }

    private static func format(_ seconds: Double) -> String {
        switch seconds {
        case 60: return "minute"
        case 3600: return "hour"
        case 86_400: return "day"
        default: return "\(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s"
        }
    }

    var status: RateStatus {
        let now = MonotonicClock.seconds()
        var limitedFor: Double?
        var probe = providerScope
        if let until = probe.blockedUntil(tokens: 0, now: now) { limitedFor = until.isFinite ? until - now : 1 }
        var requestsLeft: Int?
        for index in probe.windows.indices {
            if let left = probe.windows[index].requestsLeft(now: now) { requestsLeft = min(requestsLeft ?? left, left) }
        }
        var restingModels: [String: Double] = [:]
        var restingKeys = 0
        for (model, ring) in keyRings {
            restingKeys = max(restingKeys, ring.resting(now: now))
            var copy = ring
            if case (nil, let wakes?) = copy.pick(now: now) { restingModels[model] = wakes - now }
        }
        return RateStatus(
            queued: queue.count, inFlight: providerScope.inFlight, keys: keyCount, restingKeys: restingKeys,
            limitedFor: limitedFor, requestsLeft: requestsLeft, restingModels: restingModels
        )
    }

    /// Reports the status to the front soon (at most every 50 ms), when it changed.
    private func schedulePublish() {
        guard !publishScheduled else { return }
        publishScheduled = true
        eventLoop.scheduleTask(in: .milliseconds(50)) { [self] in
            publishScheduled = false
            let current = status
            guard current != lastPublished else { return }
            lastPublished = current
            publish(current)
        }
    }
}
