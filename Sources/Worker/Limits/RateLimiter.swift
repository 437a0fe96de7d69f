import Shared

/// Runs a provider's `RateBudget` on the worker's thread: reads the clock, keeps the callbacks of
/// queued requests, wakes itself when a queued request may go or must be refused, and reports the
/// budget to the front (at most every 50 ms, when it changed).
///
/// Confined to the worker's one thread (`WorkerLoop`), which makes every call.
final class RateLimiter {
    typealias Ticket = RateBudget.Ticket

    private struct Callbacks {
        let admit: (Ticket) -> Void
        let reject: (GatewayError) -> Void
    }

    private var budget: RateBudget
    private let timers: LoopTimers
    private let publish: (RateStatus) -> Void
    private var waiting: [UInt32: Callbacks] = [:]
    private var wakeUp: LoopTimers.Handle?
    private var wakeUpAt = Double.infinity
    private var lastPublished: RateStatus?
    private var publishScheduled = false

    var countsTokens: Bool { budget.countsTokens }

    init(config: ProviderConfig, keyCount: Int, timers: LoopTimers, publish: @escaping (RateStatus) -> Void) {
        budget = RateBudget(config: config, keyCount: keyCount)
        self.timers = timers
        self.publish = publish
    }

    /// Admits the request now (`admit` runs before this returns), queues it, or refuses it.
    func acquire(id: UInt32, model: String, tokens: Int, admit: @escaping (Ticket) -> Void, reject: @escaping (GatewayError) -> Void) {
        switch budget.request(id: id, model: model, tokens: tokens, now: MonotonicClock.seconds()) {
        case .admitted(let ticket):
            admit(ticket)
            schedulePublish()
        case .refused(let error):
            reject(error)
            schedulePublish()
        case .queued:
            waiting[id] = Callbacks(admit: admit, reject: reject)
            drain()
        }
    }

    /// The client went away while its request waited.
    func cancel(id: UInt32) {
        guard budget.cancel(id: id) else { return }
        waiting[id] = nil
        drain()
    }

    /// A request admitted with `ticket` ended; `tokens` is its real usage when known, `signals` what the
    /// upstream said about its limits.
    func finish(_ ticket: Ticket, tokens: Int?, signals: UpstreamRateSignals?, quota: Bool) {
        budget.finish(ticket, tokens: tokens, restFor: signals?.restFor, quota: quota, now: MonotonicClock.seconds())
        drain()
    }

    private func drain() {
        let now = MonotonicClock.seconds()
        let drained = budget.drain(now: now)
        for (id, ticket) in drained.admitted { waiting.removeValue(forKey: id)?.admit(ticket) }
        for (id, error) in drained.refused { waiting.removeValue(forKey: id)?.reject(error) }
        schedule(wakeAt: drained.wakeAt, now: now)
        schedulePublish()
    }

    private func schedule(wakeAt time: Double, now: Double) {
        guard time.isFinite else { return }
        if wakeUp != nil, wakeUpAt <= time { return }
        if let wakeUp { timers.cancel(wakeUp) }
        wakeUpAt = time
        wakeUp = timers.schedule(at: max(time, now) + 0.001) { [self] in
            wakeUp = nil
            wakeUpAt = .infinity
            drain()
        }
    }

    private func schedulePublish() {
        guard !publishScheduled else { return }
        publishScheduled = true
        _ = timers.schedule(at: MonotonicClock.seconds() + 0.05) { [self] in publishNow() }
    }

    private func publishNow() {
        publishScheduled = false
        let current = budget.status(now: MonotonicClock.seconds())
        guard current != lastPublished else { return }
        lastPublished = current
        publish(current)
    }
}
