import Shared
import Testing

@testable import OrchestraWorker

@Suite("Rate budget (time as a number)")
struct RateBudgetTests {
    static func config(
        limits: RateLimits = RateLimits(), models: [String: RateLimits] = [:], maxWait: Double = 0, maxQueued: Int = 256
    ) -> ProviderConfig {
        var config = ProviderConfig(name: "p", displayName: "P", dialect: .openai, baseURL: "http://h", key: .environment("K"))
        config.limits = limits
        config.modelLimits = models
        config.queue = QueuePolicy(maxWait: maxWait, maxQueued: maxQueued)
        return config
    }

    func admitted(_ decision: RateBudget.Decision) -> RateBudget.Ticket? {
        if case .admitted(let ticket) = decision { return ticket }
        return nil
    }

    func refusal(_ decision: RateBudget.Decision) -> GatewayError? {
        if case .refused(let error) = decision { return error }
        return nil
    }

    @Test("a request window admits exactly its limit, refuses the rest with retry-after, and slides")
    func requestWindow() {
        var budget = RateBudget(config: Self.config(limits: RateLimits(windows: [.init(requests: 3, seconds: 2)])), keyCount: 1)
        for id in UInt32(1)...3 { #expect(admitted(budget.request(id: id, model: "m", tokens: 0, now: 10)) != nil) }
        let refused = refusal(budget.request(id: 4, model: "m", tokens: 0, now: 10.5))
        #expect(refused?.code == .rateLimited)
        #expect(refused?.retryAfter == 2)  // 12 - 10.5, rounded up
        #expect(refused?.headers.contains(HTTPHeader(name: "x-ratelimit-limit-requests", value: "3")) == true)
        #expect(budget.status(now: 10.5).requestsLeft == 0)
        // At 12 the first three leave the window.
        #expect(admitted(budget.request(id: 5, model: "m", tokens: 0, now: 12)) != nil)
        #expect(budget.status(now: 12).requestsLeft == 2)
    }

    @Test("a token window is settled with real usage, so a second request fits once the first reports less")
    func tokenSettlement() throws {
        var budget = RateBudget(config: Self.config(limits: RateLimits(windows: [.init(tokens: 1000, seconds: 60)])), keyCount: 1)
        #expect(budget.countsTokens)
        let first = try #require(admitted(budget.request(id: 1, model: "m", tokens: 900, now: 0)))
        #expect(refusal(budget.request(id: 2, model: "m", tokens: 500, now: 1)) != nil)
        budget.finish(first, tokens: 100, restFor: nil, quota: false, now: 2)
        #expect(admitted(budget.request(id: 3, model: "m", tokens: 500, now: 3)) != nil)
    }

    @Test("per-model windows bind only their model")
    func modelScope() {
        let models = ["small": RateLimits(windows: [.init(requests: 1, seconds: 60)])]
        var budget = RateBudget(config: Self.config(models: models), keyCount: 1)
        #expect(admitted(budget.request(id: 1, model: "small", tokens: 0, now: 0)) != nil)
        #expect(refusal(budget.request(id: 2, model: "small", tokens: 0, now: 1)) != nil)
        #expect(admitted(budget.request(id: 3, model: "big", tokens: 0, now: 1)) != nil)
    }

    @Test("queued requests go in arrival order as budget frees, and are refused at their deadline")
    func fifoQueue() throws {
        let limits = RateLimits(windows: [.init(requests: 1, seconds: 10)], maxConcurrent: nil)
        var budget = RateBudget(config: Self.config(limits: limits, maxWait: 15), keyCount: 1)
        #expect(admitted(budget.request(id: 1, model: "m", tokens: 0, now: 0)) != nil)
        for (id, now) in [(UInt32(2), 1.0), (3, 1), (4, 5)] {
            guard case .queued = budget.request(id: id, model: "m", tokens: 0, now: now) else {
                Issue.record("not queued")
                return
            }
        }
        var drained = budget.drain(now: 1)
        #expect(drained.admitted.isEmpty && drained.wakeAt == 10)
        drained = budget.drain(now: 10)
        #expect(drained.admitted.map(\.id) == [2])
        #expect(drained.wakeAt == 16)  // the next one's deadline (1 + 15) comes before the window's 20
        drained = budget.drain(now: 16)
        #expect(drained.refused.map(\.id) == [3])
        #expect(drained.admitted.isEmpty)
        #expect(budget.status(now: 16).queued == 1)
        let cancelled = budget.cancel(id: 4)
        let again = budget.cancel(id: 4)
        #expect(cancelled && !again)
        #expect(budget.status(now: 16).queued == 0)
    }

    @Test("a full queue, or a wait longer than max_wait, is refused at once")
    func queueBounds() {
        let limits = RateLimits(windows: [.init(requests: 1, seconds: 100)])
        var budget = RateBudget(config: Self.config(limits: limits, maxWait: 5, maxQueued: 1), keyCount: 1)
        _ = budget.request(id: 1, model: "m", tokens: 0, now: 0)
        // Budget returns at 100: far beyond max_wait.
        #expect(refusal(budget.request(id: 2, model: "m", tokens: 0, now: 1)) != nil)
        var concurrent = RateBudget(config: Self.config(limits: RateLimits(maxConcurrent: 1), maxWait: 5, maxQueued: 1), keyCount: 1)
        _ = concurrent.request(id: 1, model: "m", tokens: 0, now: 0)
        guard case .queued = concurrent.request(id: 2, model: "m", tokens: 0, now: 0) else {
            Issue.record("not queued")
            return
        }
        #expect(refusal(concurrent.request(id: 3, model: "m", tokens: 0, now: 0))?.code == .rateLimited)
    }

    @Test("the concurrency cap frees a slot when a request finishes")
    func concurrency() throws {
        var budget = RateBudget(config: Self.config(limits: RateLimits(maxConcurrent: 2), maxWait: 5), keyCount: 1)
        let first = try #require(admitted(budget.request(id: 1, model: "m", tokens: 0, now: 0)))
        _ = budget.request(id: 2, model: "m", tokens: 0, now: 0)
        guard case .queued = budget.request(id: 3, model: "m", tokens: 0, now: 0) else {
            Issue.record("not queued")
            return
        }
        #expect(budget.drain(now: 0).wakeAt == 5)  // the deadline: only a finish can free the slot
        budget.finish(first, tokens: nil, restFor: nil, quota: false, now: 1)
        #expect(budget.drain(now: 1).admitted.map(\.id) == [3])
        #expect(budget.status(now: 1).inFlight == 2)
    }

    @Test("keys are used in turn; a throttled key rests for its model while the others serve")
    func keyResting() throws {
        var budget = RateBudget(config: Self.config(), keyCount: 2)
        let first = try #require(admitted(budget.request(id: 1, model: "m", tokens: 0, now: 0)))
        let second = try #require(admitted(budget.request(id: 2, model: "m", tokens: 0, now: 0)))
        #expect([first.key, second.key] == [0, 1])
        budget.finish(first, tokens: nil, restFor: 30, quota: false, now: 1)
        for id in UInt32(3)...5 { #expect(admitted(budget.request(id: id, model: "m", tokens: 0, now: 2))?.key == 1) }
        // Another model still uses both keys.
        #expect(admitted(budget.request(id: 6, model: "other", tokens: 0, now: 2))?.key == 0)
        #expect(budget.status(now: 2).restingKeys == 1)
        // After the rest, key 0 is back in turn.
        let keys = (UInt32(7)...8).compactMap { admitted(budget.request(id: $0, model: "m", tokens: 0, now: 31))?.key }
        #expect(Set(keys) == [0, 1])
    }

    @Test("every key resting: refused until the first wakes; an exhausted quota says not to retry")
    func allResting() throws {
        var budget = RateBudget(config: Self.config(), keyCount: 1)
        let ticket = try #require(admitted(budget.request(id: 1, model: "m", tokens: 0, now: 0)))
        budget.finish(ticket, tokens: nil, restFor: 20, quota: false, now: 0)
        let throttled = refusal(budget.request(id: 2, model: "m", tokens: 0, now: 5))
        #expect(throttled?.code == .rateLimited && throttled?.retryAfter == 15)
        #expect(budget.status(now: 5).restingModels["m"] == 15)
        var quota = RateBudget(config: Self.config(), keyCount: 1)
        let spent = try #require(admitted(quota.request(id: 1, model: "m", tokens: 0, now: 0)))
        quota.finish(spent, tokens: nil, restFor: 20, quota: true, now: 0)
        let refused = refusal(quota.request(id: 2, model: "m", tokens: 0, now: 5))
        #expect(refused?.code == .quotaExhausted)
        #expect(refused?.isRetryable == false)
        #expect(refused?.retryAfter == 3595)  // a quota rests at least an hour
    }

    @Test("a daily window far from its reset is a spent quota, not throttling")
    func dailyQuota() {
        var budget = RateBudget(config: Self.config(limits: RateLimits(windows: [.init(requests: 1, seconds: 86_400)])), keyCount: 1)
        _ = budget.request(id: 1, model: "m", tokens: 0, now: 0)
        let refused = refusal(budget.request(id: 2, model: "m", tokens: 0, now: 10))
        #expect(refused?.code == .quotaExhausted)
        #expect(refused?.headers.contains(HTTPHeader(name: "x-should-retry", value: "false")) == true)
        #expect(refused?.message.contains("per day") == true)
    }
}
