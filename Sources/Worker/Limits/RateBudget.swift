import DequeModule
import Shared

/// A provider's budget as a value: request and token windows for the provider and per model, a
/// concurrency cap, keys in turn with throttled ones resting (per model, as upstream limits are), and
/// a bounded FIFO queue for requests that find no budget. Every decision takes the time as a number,
/// so it is tested without clocks; `RateLimiter` runs it on the worker's event loop.
struct RateBudget {
    struct Ticket: Equatable {
        let serial: UInt64
        let model: String
        let key: Int
    }

    /// What happens to a request that asks for budget.
    enum Decision {
        case admitted(Ticket)
        /// It waits in the queue: `drain` admits or refuses it later.
        case queued
        case refused(GatewayError)
    }

    /// What a `drain` decided for queued requests, and when to drain again (`.infinity`: on the next event).
    struct Drained {
        var admitted: [(id: UInt32, ticket: Ticket)] = []
        var refused: [(id: UInt32, error: GatewayError)] = []
        var wakeAt = Double.infinity
    }

    private struct Waiter {
        let id: UInt32
        let model: String
        let tokens: Int
        let deadline: Double
    }

    private enum Admission {
        case admitted(Ticket)
        /// Blocked until that moment (`.infinity`: until a request finishes).
        case blocked(until: Double, quota: Bool, window: RateLimits.Window?)
    }

    let provider: String
    private let queuePolicy: QueuePolicy
    private var providerScope: LimitScope
    private var modelScopes: [String: LimitScope]
    private let keyCount: Int
    /// Keys by model: a 429 for one model rests the key for that model only.
    private var keyRings: [String: KeyRing] = [:]
    private var queue: Deque<Waiter> = []
    private var serial: UInt64 = 0
    /// Whether any window counts tokens (else requests need no token estimate).
    let countsTokens: Bool

    init(config: ProviderConfig, keyCount: Int) {
        provider = config.name
        queuePolicy = config.queue
        providerScope = LimitScope(config.limits)
        modelScopes = config.modelLimits.mapValues(LimitScope.init)
        self.keyCount = keyCount
        countsTokens = config.limits.countsTokens || config.modelLimits.values.contains { $0.countsTokens }
    }

    /// Admits the request now, queues it (then `drain`), or refuses it.
    mutating func request(id: UInt32, model: String, tokens: Int, now: Double) -> Decision {
        if queue.isEmpty, case .admitted(let ticket) = tryAdmit(model: model, tokens: tokens, now: now) {
            return .admitted(ticket)
        }
        if case .blocked(let until, let quota, let window) = tryAdmit(model: model, tokens: tokens, now: now, dryRun: true),
            quota || queuePolicy.maxWait <= 0 || queue.count >= queuePolicy.maxQueued || until - now > queuePolicy.maxWait && until.isFinite
        {
            return .refused(GatewayError.providerLimit(provider: provider, until: until, now: now, quota: quota, window: window))
        }
        queue.append(Waiter(id: id, model: model, tokens: tokens, deadline: now + queuePolicy.maxWait))
        return .queued
    }

    /// The client went away while its request waited. Returns whether it was waiting.
    mutating func cancel(id: UInt32) -> Bool {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return false }
        queue.remove(at: index)
        return true
    }

    /// A request admitted with `ticket` ended; `tokens` is its real usage when known; `restFor` is how
    /// long the upstream asked this key to rest for this model.
    mutating func finish(_ ticket: Ticket, tokens: Int?, restFor: Double?, quota: Bool, now: Double) {
        providerScope.finish(ticket: ticket.serial, tokens: tokens)
        modelScopes[ticket.model]?.finish(ticket: ticket.serial, tokens: tokens)
        if let restFor {
            keyRings[ticket.model, default: KeyRing(count: keyCount)]
                .rest(ticket.key, until: now + (quota ? max(restFor, 3600) : restFor), exhaustedQuota: quota)
        }
    }

    /// Admits queued requests in order while budget lasts, refuses those past their deadline, and says
    /// when something can next change.
    mutating func drain(now: Double) -> Drained {
        var drained = Drained()
        admitting: while let head = queue.first {
            switch tryAdmit(model: head.model, tokens: head.tokens, now: now) {
            case .admitted(let ticket):
                queue.removeFirst()
                drained.admitted.append((head.id, ticket))
            case .blocked(let until, let quota, let window) where head.deadline <= now:
                queue.removeFirst()
                drained.refused.append(
                    (head.id, GatewayError.providerLimit(provider: provider, until: until, now: now, quota: quota, window: window)))
            case .blocked(let until, _, _):
                drained.wakeAt = min(until, head.deadline)
                break admitting
            }
        }
        return drained
    }

    private mutating func tryAdmit(model: String, tokens: Int, now: Double, dryRun: Bool = false) -> Admission {
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

    /// What the front is told: queue, flights, keys, how long a new request would wait.
    func status(now: Double) -> RateStatus {
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
}
