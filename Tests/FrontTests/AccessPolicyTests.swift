import Foundation
import Logging
import Shared
import Testing

@testable import OrchestraFront

@Suite("Access policy: allow-lists, budget periods, worst-case cost, caller windows")
struct AccessPolicyTests {
    @Test("allow-lists take exact ids, globs and route names")
    func allowList() {
        let list = ModelAllowList(entries: ["mistral/*", "groq/openai/gpt-oss-120b", "code", "*/kimi-*-thinking"])
        #expect(list.permits("mistral/codestral-2501") && list.permits("mistral/x"))
        #expect(list.permits("groq/openai/gpt-oss-120b") && !list.permits("groq/openai/gpt-oss-20b"))
        #expect(list.permits("code") && !list.permits("coder"))
        #expect(list.permits("nvidia/kimi-k2-thinking") && !list.permits("nvidia/kimi-k2"))
        #expect(!list.permits("mistra/x") && !list.permits("gemini/gemini-2.5-pro"))
        #expect(ModelAllowList.matches(pattern: "*", "anything") && ModelAllowList.matches(pattern: "a*b*c", "abc"))
        #expect(!ModelAllowList.matches(pattern: "a*b*b", "ab"))
        #expect(Caller.anonymous.mayUse("any/model") && Caller.admin.mayUse("any/model"))
    }

    @Test("budget periods are calendar periods in the configured time zone; weeks start on Monday")
    func periods() throws {
        let paris = try #require(TimeZone(identifier: "Europe/Paris"))
        // 2026-12-02 23:30 UTC is already Thursday 3 December in Paris.
        let time = try Date("2026-12-02T23:30:00Z", strategy: .iso8601)
        let day = BudgetPeriod.day.bounds(containing: time, in: paris)
        #expect(day.start == (try Date("2026-12-02T23:00:00Z", strategy: .iso8601)))
        #expect(day.end == (try Date("2026-12-03T23:00:00Z", strategy: .iso8601)))
        let week = BudgetPeriod.week.bounds(containing: time, in: paris)
        #expect(week.start == (try Date("2026-11-29T23:00:00Z", strategy: .iso8601)), "Monday 30 November, Paris")
        let month = BudgetPeriod.month.bounds(containing: time, in: TimeZone(identifier: "UTC")!)
        #expect(month.start == (try Date("2026-12-01T00:00:00Z", strategy: .iso8601)))
        #expect(month.end == (try Date("2027-01-01T00:00:00Z", strategy: .iso8601)))
        let total = BudgetPeriod.total.bounds(containing: time, in: paris)
        #expect(total.start == Date(timeIntervalSince1970: 0) && total.end == nil)
    }

    @Test("the worst case prices the prompt at two bytes a token and the output at max_tokens, else the model's maximum")
    func worstCase() {
        let model = ModelInfo(id: "m", contextLength: 100_000, maxOutput: 8_000, inputPrice: 2, outputPrice: 10)
        let bounded: Double = (500 * 2 + 100 * 10) / 1e6
        let byModel: Double = (500 * 2 + 8_000 * 10) / 1e6
        let promptOnly: Double = 500 * 2 / 1e6
        #expect(WorstCaseCost.usd(bodyBytes: 1_000, maxTokens: 100, model: model, endpoint: .chatCompletions) == bounded)
        #expect(WorstCaseCost.usd(bodyBytes: 1_000, maxTokens: nil, model: model, endpoint: .chatCompletions) == byModel)
        #expect(WorstCaseCost.usd(bodyBytes: 1_000, maxTokens: nil, model: model, endpoint: .embeddings) == promptOnly)
        #expect(WorstCaseCost.usd(bodyBytes: 1_000, maxTokens: 1, model: ModelInfo(id: "u"), endpoint: .chatCompletions) == nil)
        let unbounded = ModelInfo(id: "m", inputPrice: 0, outputPrice: 1)
        #expect(WorstCaseCost.outputTokens(maxTokens: nil, model: unbounded, endpoint: .completions) == WorstCaseCost.unboundedOutputTokens)
    }

    static func scope(_ subject: String, _ limits: AccessLimits) -> Caller.Scope { Caller.Scope(subject: subject, limits: limits) }

    @Test("rpm blocks until the oldest request leaves the minute; max_parallel until one finishes; the stricter scope wins")
    func windows() {
        var windows = CallerWindows()
        let key = Self.scope("key:a", AccessLimits(rpm: 10))
        let team = Self.scope("team:t", AccessLimits(rpm: 2))
        guard case .success(let first) = windows.admit([key, team], tokens: 1, now: 0) else {
            Issue.record("first refused")
            return
        }
        guard case .success = windows.admit([key, team], tokens: 1, now: 1) else {
            Issue.record("second refused")
            return
        }
        #expect(windows.admit([key, team], tokens: 1, now: 2) == .failure(.init(until: 60)), "the team's rpm of 2 is the stricter")
        #expect(
            windows.standing([key, team], now: 2) == .init(requestLimit: 10, requestsLeft: 8, tokenLimit: nil, tokensLeft: nil, resetIn: 59)
        )
        windows.finish(first, tokens: 1)
        #expect(
            windows.admit([key, team], tokens: 1, now: 59) == .failure(.init(until: 60)),
            "finishing does not give back a request per minute")
        if case .success = windows.admit([key, team], tokens: 1, now: 60.5) {} else { Issue.record("the minute passed") }

        let parallel = Self.scope("key:p", AccessLimits(maxParallel: 1))
        guard case .success(let held) = windows.admit([parallel], tokens: 1, now: 0) else {
            Issue.record("refused")
            return
        }
        #expect(windows.admit([parallel], tokens: 1, now: 0) == .failure(.init(until: .infinity)))
        windows.finish(held, tokens: nil)
        if case .success = windows.admit([parallel], tokens: 1, now: 0) {} else { Issue.record("a slot was freed") }

        let tokens = Self.scope("key:t", AccessLimits(tpm: 100))
        guard case .success(let big) = windows.admit([tokens], tokens: 90, now: 0) else {
            Issue.record("refused")
            return
        }
        #expect(windows.admit([tokens], tokens: 20, now: 1) == .failure(.init(until: 60)))
        windows.finish(big, tokens: 30)
        if case .success = windows.admit([tokens], tokens: 20, now: 1) {} else { Issue.record("real usage frees the estimate") }
    }

    static func ledger() throws -> SQLiteBudgetLedger {
        SQLiteBudgetLedger(pool: try temporaryAccessStore().pool)
    }

    @Test("30 concurrent reservations against a budget that covers 10: exactly 10 are admitted, and spend never passes it")
    func concurrentReservations() async throws {
        let ledger = try Self.ledger()
        let claim = BudgetClaim(subject: "key:a", periodStart: 0, limitUSD: 1.0)
        let verdicts = await withTaskGroup(of: BudgetVerdict?.self) { group in
            for index in 0..<30 {
                group.addTask { try? await ledger.reserve(requestID: "r\(index)", claims: [claim], amountUSD: 0.1, at: Date()) }
            }
            return await group.reduce(into: [BudgetVerdict?]()) { $0.append($1) }
        }
        #expect(verdicts.filter { $0 == .reserved }.count == 10)
        let reserved = try ledger.standing(subject: "key:a", periodStart: 0)
        #expect(reserved.spentUSD == 0 && abs(reserved.reservedUSD - 1.0) < 1e-9, "\(reserved)")
        for index in 0..<30 { try await ledger.settle(requestID: "r\(index)", claims: [], costUSD: 0.05) }
        let settled = try ledger.standing(subject: "key:a", periodStart: 0)
        #expect(abs(settled.spentUSD - 0.5) < 1e-9 && settled.reservedUSD == 0, "\(settled)")
        _ = try await ledger.reserve(requestID: "left", claims: [claim], amountUSD: 0.2, at: Date())
        #expect(try ledger.releaseAbandoned() == 1, "a reservation a dead process left is released at the next start")
        #expect(try ledger.standing(subject: "key:a", periodStart: 0).reservedUSD == 0)
    }

    /// A ledger whose database is away.
    struct UnreachableLedger: BudgetLedger {
        struct Down: Error {}
        func reserve(requestID: String, claims: [BudgetClaim], amountUSD: Double, at time: Date) async throws -> BudgetVerdict {
            throw Down()
        }
        func settle(requestID: String, claims: [BudgetClaim], costUSD: Double) async throws { throw Down() }
        func releaseAbandoned() async throws -> Int { throw Down() }
        func standing(subject: String, periodStart: Double) async throws -> BudgetStanding { throw Down() }
    }

    @Test("the database away: a budgeted request is refused with 503 (nothing sent), or let through with budget_fail_open")
    func budgetsFailClosedByDefault() async throws {
        var gate = Self.gate(now: { Date() }, ledger: UnreachableLedger())
        let caller = Self.caller(AccessLimits(budgetUSD: 10, period: .day))
        let ask = AccessGate.Ask(model: "p/m", endpoint: .chatCompletions, bodyBytes: 100, maxTokens: 100)
        do {
            _ = try await gate.admit(caller, ask, requestID: "r1")
            Issue.record("admitted without a budget check")
        } catch {
            #expect(error.code == .usageUnavailable && error.status == 503 && error.message.contains("nothing was sent"))
        }
        gate.budgetFailOpen = true
        #expect(try await gate.admit(caller, ask, requestID: "r2") == nil, "let through unchecked: nothing to settle")
    }

    static func gate(now: @escaping @Sendable () -> Date, ledger: some BudgetLedger) -> AccessGate {
        var gate = AccessGate(
            config: PricingTests.config(), pricing: Pricing(config: PricingTests.config()), ledger: ledger,
            limiter: CallerLimiter(maxWait: 0), logger: Logger(label: "test"))
        gate.now = now
        return gate
    }

    static func caller(_ limits: AccessLimits, team: AccessLimits? = nil) -> Caller {
        let key = ClientKeyRecord(id: "key_a", name: "a", prefix: "orch_x", digest: "d", createdAt: Date(), limits: limits)
        return Caller(key: key, team: team.map { TeamRecord(id: "team_t", name: "t", createdAt: Date(), limits: $0) })
    }

    @Test("a daily budget: refused with insufficient_quota and the reset time once spent, open again the next day (time injected)")
    func budgetRollsOver() async throws {
        let clock = ManualClock(try Date("2026-12-01T10:00:00Z", strategy: .iso8601))
        let ledger = try Self.ledger()
        let gate = Self.gate(now: { clock.now }, ledger: ledger)
        // p/m: $2 in, $6 out per million; 100 bytes (50 tokens) + 1,000,000 output tokens ≈ $6.0001
        let caller = Self.caller(AccessLimits(budgetUSD: 10, period: .day))
        let ask = AccessGate.Ask(model: "p/m", endpoint: .chatCompletions, bodyBytes: 100, maxTokens: 1_000_000)
        let first = try #require(try await gate.admit(caller, ask, requestID: "r1"))
        do {
            _ = try await gate.admit(caller, ask, requestID: "r2")
            Issue.record("a second worst case does not fit in $10")
        } catch {
            #expect(error.code == .quotaExhausted && error.status == 429)
            #expect(error.headers.contains(HTTPHeader(name: "x-should-retry", value: "false")))
            #expect(error.headers.contains(HTTPHeader(name: "x-orchestra-budget-reset", value: "2026-12-02T00:00:00Z")))
        }
        first.settle(costUSD: 9, tokens: 10)
        // The settlement is written by its own task: wait for the ledger to say it landed.
        let day = try Date("2026-12-01T00:00:00Z", strategy: .iso8601).timeIntervalSince1970
        let deadline = ContinuousClock.now + .seconds(5)
        while try ledger.standing(subject: "key:key_a", periodStart: day).spentUSD != 9, ContinuousClock.now < deadline {
            await Task.yield()
        }
        #expect(try ledger.standing(subject: "key:key_a", periodStart: day) == BudgetStanding(spentUSD: 9, reservedUSD: 0))
        let small = AccessGate.Ask(model: "p/m", endpoint: .chatCompletions, bodyBytes: 100, maxTokens: 100_000)  // ≈ $0.6
        let held = try #require(try await gate.admit(caller, small, requestID: "r3"))
        await #expect(throws: GatewayError.self) { try await gate.admit(caller, small, requestID: "r4") }
        withExtendedLifetime(held) {}  // an admission dropped unsettled releases its reservation
        clock.now = try Date("2026-12-02T00:00:01Z", strategy: .iso8601)
        #expect(try await gate.admit(caller, ask, requestID: "r5") != nil, "a new day, a new budget")
    }

    @Test("a team budget binds its keys; unpriced models need allow_unpriced; a model off the list is 403")
    func teamAndUnpriced() async throws {
        let gate = Self.gate(now: { Date() }, ledger: try Self.ledger())
        let member = Self.caller(AccessLimits(), team: AccessLimits(budgetUSD: 0.001))
        let ask = AccessGate.Ask(model: "p/m", endpoint: .chatCompletions, bodyBytes: 100, maxTokens: 1_000)
        await #expect(throws: GatewayError.self) { try await gate.admit(member, ask, requestID: "t1") }
        let unpriced = AccessGate.Ask(model: "p/unpriced", endpoint: .chatCompletions, bodyBytes: 100, maxTokens: 10)
        do {
            _ = try await gate.admit(Self.caller(AccessLimits(budgetUSD: 5)), unpriced, requestID: "u1")
            Issue.record("unknown is not free")
        } catch {
            #expect(error.code == .unpricedModel && error.status == 403)
        }
        #expect(try await gate.admit(Self.caller(AccessLimits(budgetUSD: 5, allowUnpriced: true)), unpriced, requestID: "u2") != nil)
        do {
            _ = try await gate.admit(Self.caller(AccessLimits(models: ["p/m"])), unpriced, requestID: "m1")
            Issue.record("not on the list")
        } catch {
            #expect(error.code == .modelNotAllowed && error.status == 403)
        }
        #expect(try await gate.admit(Caller.anonymous, unpriced, requestID: "a1") == nil, "no limits, no lookup")
    }
}

/// A wall clock a test sets by hand.
final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private var time: Date

    init(_ time: Date) {
        self.time = time
    }

    var now: Date {
        get { lock.withLock { time } }
        set { lock.withLock { time = newValue } }
    }
}

@Suite("RFC 3339 times, as the admin API's document allows them")
struct RFC3339Tests {
    @Test("dates, times with any offset and fraction, a leap second; nothing else")
    func parse() {
        #expect(RFC3339.date("2026-12-01")?.timeIntervalSince1970 == 1_796_083_200)
        let ten = RFC3339.date("2026-12-01T10:00:00Z")?.timeIntervalSince1970 ?? 0
        #expect(ten == 1_796_119_200, "\(ten - 1_796_119_200)")
        #expect(RFC3339.date("2026-12-01T10:00:00.5+01:30")?.timeIntervalSince1970 == 1_796_083_200 + 36_000 - 5_400 + 0.5)
        #expect(RFC3339.date("5840-03-24T02:20:20-18:28") != nil)
        #expect(RFC3339.date("0000-01-01T00:00:00Z")?.timeIntervalSince1970 == -62_167_219_200)
        #expect(RFC3339.date("2024-02-29") != nil && RFC3339.date("2023-02-29") == nil)
        #expect(RFC3339.date("2016-12-31T23:59:60Z")?.timeIntervalSince1970 == RFC3339.date("2017-01-01T00:00:00Z")?.timeIntervalSince1970)
        for bad in ["", "2026-13-01", "2026-12-01T", "2026-12-01T10:00:00", "2026-12-01T25:00:00Z", "0.5", "2026-12-01T10:00:00+0100"] {
            #expect(RFC3339.date(bad) == nil, "\(bad)")
        }
    }
}
