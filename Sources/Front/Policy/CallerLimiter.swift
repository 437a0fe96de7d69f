import Foundation
import Shared
import Synchronization

/// Runs `CallerWindows` for the whole front: admits a request into its key's and team's windows, or
/// waits for room up to `maxWait` (until the window's oldest request leaves it, or until one of the
/// caller's requests finishes), then refuses with 429 and `retry-after`. With `shared` windows (a
/// fleet), they decide; while they cannot be reached, this instance's own windows do.
final class CallerLimiter: Sendable {
    private struct State {
        var windows = CallerWindows()
        /// Requests waiting for a parallel slot, woken when any request finishes.
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let state = Mutex(State())
    let maxWait: Double
    private let shared: (any SharedRateWindows)?
    private let health: StorageHealth?
    /// How often a request blocked on a parallel slot in the shared windows asks again (another
    /// instance's request finishing wakes nobody here).
    static let sharedPoll = 0.05

    init(maxWait: Double, shared: (any SharedRateWindows)? = nil, health: StorageHealth? = nil) {
        self.maxWait = maxWait
        self.shared = shared
        self.health = health
    }

    /// A place in the caller's windows (`nil` when none limits it) and, when the fleet's windows reserved
    /// the budget in the same round trip, its verdict (`nil`: the gate reserves it itself).
    struct Acquired: Sendable {
        var ticket: CallerWindows.Ticket?
        var budget: BudgetVerdict?
    }

    func acquire(
        _ scopes: [Caller.Scope], tokens: Int, requestID: String = "", budget: BudgetAsk? = nil
    ) async throws(GatewayError) -> Acquired {
        guard scopes.contains(where: { !$0.limits.rateLimits.isEmpty }) else { return Acquired() }
        let deadline = MonotonicClock.seconds() + maxWait
        while true {
            let now = MonotonicClock.seconds()
            var blocked: Double
            if let shared, let verdict = await sharedVerdict(shared, scopes, tokens: tokens, requestID: requestID, budget: budget) {
                switch verdict {
                case .admitted(let standing):
                    let ticket = CallerWindows.Ticket(serial: 0, subjects: [], sharedRequestID: requestID, standing: standing)
                    return Acquired(ticket: ticket, budget: budget == nil ? nil : .reserved)
                case .overBudget(let claim, let standing):
                    return Acquired(ticket: nil, budget: .refused(claim, standing))
                case .blocked(let seconds, _):
                    blocked = seconds.isFinite ? now + seconds : .infinity
                }
            } else {
                switch state.withLock({ $0.windows.admit(scopes, tokens: tokens, now: now) }) {
                case .success(let ticket): return Acquired(ticket: ticket)
                case .failure(let refusal): blocked = refusal.until
                }
            }
            // A window that frees too late refuses at once; a parallel slot is waited for until the deadline.
            if now >= deadline || (blocked.isFinite && blocked > deadline) || Task.isCancelled {
                let retryAfter = blocked.isFinite ? max(1, Int((blocked - now).rounded(.up))) : 1
                throw GatewayError(
                    .rateLimited,
                    message: "Your key's or team's rate limit (rpm, tpm or max_parallel) is reached; try again in \(retryAfter) s.",
                    headers: [HTTPHeader(name: "retry-after", value: String(retryAfter))])
            }
            if shared != nil && !blocked.isFinite { blocked = now + Self.sharedPoll }
            await waitForRoom(until: min(blocked, deadline))
        }
    }

    /// The shared windows' verdict, or `nil` when they cannot be asked (then this instance counts alone).
    private func sharedVerdict(
        _ shared: any SharedRateWindows, _ scopes: [Caller.Scope], tokens: Int, requestID: String, budget: BudgetAsk?
    ) async -> SharedRateVerdict? {
        let limited = scopes.filter { !$0.limits.rateLimits.isEmpty }
        let reported = limited.first { $0.limits.rpm != nil || $0.limits.tpm != nil }?.subject
        let shares = limited.map {
            SharedRateScope(name: $0.subject, limits: $0.limits.rateLimits, reportsStanding: $0.subject == reported)
        }
        do {
            let verdict = try await shared.admit(entry: requestID, scopes: shares, tokens: tokens, budget: budget)
            health?.reached()
            return verdict
        } catch {
            health?.failed(error)
            return nil
        }
    }

    /// Frees the ticket's place; `settling` (a fleet's ticket only) books the budget in the same write.
    func finish(_ ticket: CallerWindows.Ticket, tokens: Int?, settling: BudgetSettlement? = nil) {
        if let requestID = ticket.sharedRequestID {
            shared?.finish(entry: requestID, tokens: tokens, settling: settling)
        }
        let woken = state.withLock { state in
            state.windows.finish(ticket, tokens: tokens)
            defer { state.waiters.removeAll() }
            return Array(state.waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    func standing(_ scopes: [Caller.Scope]) -> CallerWindows.Standing? {
        let now = MonotonicClock.seconds()
        return state.withLock { $0.windows.standing(scopes, now: now) }
    }

    /// Returns when a request finishes or at `until`, whichever comes first.
    private func waitForRoom(until: Double) async {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        let delay = max(0, until - MonotonicClock.seconds())
        var timer: Task<Void, Never>?
        await withCheckedContinuation { continuation in
            state.withLock { $0.waiters[id] = continuation }
            timer = Task {
                try? await Task.sleep(for: .seconds(delay))
                self.state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
            }
        }
        timer?.cancel()
    }
}
