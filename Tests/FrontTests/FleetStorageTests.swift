import Foundation
import Logging
import Shared
import Synchronization
import Testing

@testable import OrchestraFront

/// The parts of the fleet's storage that need no database: the usage spool, writes held for later,
/// one writer at a time, and what the limiters do with the shared windows' verdicts and failures.
@Suite("Fleet storage without a database")
struct FleetStorageTests {
    static func record(_ id: String, time: Double = 1_700_000_000) -> UsageRecord {
        UsageRecord(
            time: time, requestID: id, client: "key_a", team: nil, route: nil, provider: "fake", model: "m", endpoint: "chat", status: 200,
            usage: UsageReport(promptTokens: 10, completionTokens: 5), cost: 0.015, referenceCost: nil, latency: 0.01,
            timeToFirstByte: nil, attempts: 1, fallback: false)
    }

    static func spoolPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("spool-\(UUID().uuidString)/usage-spool.jsonl").path
    }

    @Test("the spool keeps records in order across a restart and drops only what was replayed")
    func spool() throws {
        let path = Self.spoolPath()
        let spool = try UsageSpool(path: path)
        try spool.append([Self.record("r1"), Self.record("r2"), Self.record("r3")])
        let (oldest, lines) = try spool.oldest(limit: 2)
        #expect(oldest.map(\.requestID) == ["r1", "r2"] && lines == 2)
        try spool.append([Self.record("r4")])
        try spool.drop(lines: lines)
        let reopened = try UsageSpool(path: path)
        #expect(reopened.count == 2)
        #expect(try reopened.oldest(limit: 10).records.map(\.requestID) == ["r3", "r4"])
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// Usage records that fail while `failing` is set, and remember what was written.
    final class FlakyUsage: UsageRecords {
        let failing = Mutex(true)
        let written = Mutex<[String]>([])
        struct Down: Error {}

        func insert(_ records: [UsageRecord]) async throws {
            if failing.withLock({ $0 }) { throw Down() }
            written.withLock { $0 += records.map(\.requestID) }
        }
        func deleteRaw(olderThan cutoff: Double, keep: Int, limit: Int) async throws -> Int { 0 }
        func report(from: Double, to: Double, groupBy grouping: UsageGrouping) async throws -> [UsageRow] { [] }
        func lastUse() async throws -> [String: Double] { [:] }
    }

    @Test("records the database refuses wait in the spool and go first, once, when it is back")
    func recorderSpools() async throws {
        let store = FlakyUsage()
        let spool = try UsageSpool(path: Self.spoolPath())
        let health = StorageHealth(logger: Logger(label: "test"))
        let recorder = UsageRecorder(
            config: GatewayConfig(providers: []), store: store, spool: spool, health: health, metrics: GatewayMetrics(),
            logger: Logger(label: "test"))
        func ask(_ id: String) {
            recorder.record(
                requestID: id, client: "key_a", team: nil, route: nil, provider: "demo", model: "echo", endpoint: "chat",
                status: 200, usage: nil, started: MonotonicClock.seconds(), firstByte: nil, attempts: 1)
        }
        ask("r1")
        await recorder.flush()
        #expect(spool.count == 1 && health.problem != nil)
        store.failing.withLock { $0 = false }
        ask("r2")
        await recorder.flush()
        #expect(spool.count == 2 && store.written.withLock { $0 }.isEmpty, "behind spooled records, not before them")
        // What the service does each turn: replay the spool, then write what is new.
        await recorder.replaySpool()
        await recorder.flush()
        #expect(store.written.withLock { $0 } == ["r1", "r2"] && spool.count == 0 && health.problem == nil)
    }

    @Test("held writes are retried in order and stop at the first that still fails")
    func pendingWrites() async {
        final class Database: Sendable {
            let log = Mutex<[Int]>([])
            let down = Mutex(true)
        }
        struct Down: Error {}
        let pending = PendingWrites()
        let database = Database()
        for index in 0..<3 {
            pending.add {
                if index == 1 && database.down.withLock({ $0 }) { throw Down() }
                database.log.withLock { $0.append(index) }
            }
        }
        #expect(await pending.retry() == 1 && pending.count == 2)
        database.down.withLock { $0 = false }
        #expect(await pending.retry() == 2 && pending.count == 0)
        #expect(database.log.withLock { $0 } == [0, 1, 2])
    }

    @Test("one writer at a time, in arrival order")
    func writeTurns() async {
        final class Writers: Sendable {
            let inside = Mutex(0)
            let most = Mutex(0)
        }
        let turns = WriteTurns()
        let writers = Writers()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await turns.run {
                        let now = writers.inside.withLock { count in
                            count += 1
                            return count
                        }
                        writers.most.withLock { $0 = max($0, now) }
                        await Task.yield()
                        writers.inside.withLock { $0 -= 1 }
                    }
                }
            }
        }
        #expect(writers.most.withLock { $0 } == 1)
    }

    @Test("a statement past its deadline fails at the deadline; one in time returns its answer")
    func deadline() async throws {
        #expect(try await PostgresPool.withDeadline(.seconds(5)) { 42 } == 42)
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: PostgresPool.DeadlineExceeded.self) {
            try await PostgresPool.withDeadline(.milliseconds(50)) {
                try? await Task.sleep(for: .seconds(30))
                return 0
            }
        }
        #expect(clock.now - started < .seconds(10), "not held until the work ends")
    }

    @Test("a doorbell wakes its waiter at once, keeps a ring nobody waited for, and otherwise waits the time given")
    func doorbell() async {
        let doorbell = Doorbell()
        doorbell.ring()
        let clock = ContinuousClock()
        let kept = await clock.measure { await doorbell.wait(upTo: .seconds(30)) }
        #expect(kept < .seconds(5), "a ring before the wait is not lost")
        let timedOut = await clock.measure { await doorbell.wait(upTo: .milliseconds(20)) }
        #expect(timedOut >= .milliseconds(20))
        let ringer = Task {
            try? await Task.sleep(for: .milliseconds(10))
            doorbell.ring()
        }
        let woken = await clock.measure { await doorbell.wait(upTo: .seconds(30)) }
        #expect(woken < .seconds(5))
        await ringer.value
    }

    /// Shared windows that answer from a script, or fail.
    final class ScriptedWindows: SharedRateWindows {
        let verdicts: Mutex<[Result<SharedRateVerdict, any Error>]>
        let finished = Mutex<[String]>([])
        let asked = Mutex<[[SharedRateScope]]>([])

        init(_ verdicts: [Result<SharedRateVerdict, any Error>]) {
            self.verdicts = Mutex(verdicts)
        }

        let budgets = Mutex<[BudgetAsk?]>([])

        func admit(entry: String, scopes: [SharedRateScope], tokens: Int, budget: BudgetAsk?) async throws -> SharedRateVerdict {
            budgets.withLock { $0.append(budget) }
            asked.withLock { $0.append(scopes) }
            let next = verdicts.withLock { $0.isEmpty ? .success(.admitted(nil)) : $0.removeFirst() }
            return try next.get()
        }

        func finish(entry: String, tokens: Int?, settling: BudgetSettlement?) {
            finished.withLock { $0.append(entry) }
        }
    }

    struct Unreachable: Error {}

    static let caller = [Caller.Scope(subject: "key:k", limits: AccessLimits(rpm: 1, maxParallel: 1))]

    @Test("a key's windows: the fleet decides; while it cannot be asked, this instance counts alone and health says so")
    func callerLimiter() async throws {
        let standing = CallerWindows.Standing(requestLimit: 1, requestsLeft: 0, tokenLimit: nil, tokensLeft: nil, resetIn: 60)
        let shared = ScriptedWindows([.success(.admitted(standing)), .failure(Unreachable()), .failure(Unreachable())])
        let health = StorageHealth(logger: Logger(label: "test"))
        let limiter = CallerLimiter(maxWait: 0, shared: shared, health: health)
        let first = try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_1").ticket
        #expect(first?.sharedRequestID == "req_1" && first?.standing == standing)
        #expect(
            shared.asked.withLock { $0 }.first == [
                SharedRateScope(name: "key:k", limits: Self.caller[0].limits.rateLimits, reportsStanding: true)
            ])
        limiter.finish(try #require(first), tokens: 15)
        #expect(shared.finished.withLock { $0 } == ["req_1"])
        // Unreachable: the local window admits one (rpm 1), then refuses.
        let local = try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_2").ticket
        #expect(local != nil && local?.sharedRequestID == nil && health.problem != nil)
        await #expect(throws: GatewayError.self) { try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_3") }
    }

    @Test("with the fleet's windows a budget is reserved in the same round trip, and its refusal takes no slot")
    func budgetInTheSameRoundTrip() async throws {
        let claim = BudgetClaim(subject: "key:k", periodStart: 0, limitUSD: 1)
        let ask = BudgetAsk(claims: [claim], amountUSD: 0.5, time: Date())
        let standing = BudgetStanding(spentUSD: 0.75, reservedUSD: 0)
        let shared = ScriptedWindows([.success(.admitted(nil)), .success(.overBudget(claim, standing))])
        let limiter = CallerLimiter(maxWait: 0, shared: shared)
        let admitted = try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_1", budget: ask)
        #expect(admitted.ticket != nil && admitted.budget == .reserved)
        let refused = try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_2", budget: ask)
        #expect(refused.ticket == nil && refused.budget == .refused(claim, standing))
        #expect(shared.budgets.withLock { $0 } == [ask, ask])
    }

    @Test("a fleet refusal of a key's window says when to come back")
    func callerRefusedByTheFleet() async {
        let shared = ScriptedWindows([
            .success(.blocked(seconds: 42.5, window: RateLimits.Window(requests: 1, seconds: 60)))
        ])
        let limiter = CallerLimiter(maxWait: 1, shared: shared)
        do {
            _ = try await limiter.acquire(Self.caller, tokens: 10, requestID: "req_1")
            Issue.record("admitted")
        } catch {
            #expect(error.status == 429 && error.headers.contains(HTTPHeader(name: "retry-after", value: "43")))
        }
    }

    @Test("a provider's windows are named by its key fingerprint; a fleet refusal is the worker's 429, a daily one not retried")
    func providerWindows() async throws {
        var provider = ProviderConfig(name: "capped", displayName: "Capped", dialect: .openai, baseURL: "http://127.0.0.1:1", key: .none)
        provider.limits = RateLimits(windows: [RateLimits.Window(requests: 100, seconds: 86_400)])
        provider.modelLimits = ["m": RateLimits(windows: [RateLimits.Window(requests: 10, seconds: 60)])]
        let scopes = ProviderFleetWindows.scopes(provider, model: "m", fingerprint: "0123456789abcdef")
        #expect(scopes.map(\.name) == ["provider:capped:0123456789abcdef", "provider:capped:0123456789abcdef:m"])
        #expect(ProviderFleetWindows.scopes(provider, model: "other", fingerprint: nil).map(\.name) == ["provider:capped:keyless"])

        let daily = ScriptedWindows([.success(.blocked(seconds: 7200, window: provider.limits.windows[0]))])
        do {
            _ = try await ProviderFleetWindows(shared: daily, health: nil).admit(provider, model: "m", fingerprint: "f", tokens: 1)
            Issue.record("admitted")
        } catch {
            #expect(error.code == .quotaExhausted && error.headers.contains(HTTPHeader(name: "x-should-retry", value: "false")))
            #expect(error.message.contains("100 requests per day"))
        }
        let down = ScriptedWindows([.failure(Unreachable())])
        #expect(try await ProviderFleetWindows(shared: down, health: nil).admit(provider, model: "m", fingerprint: "f", tokens: 1) == nil)
        let open = ScriptedWindows([])
        let slot = try #require(
            try await ProviderFleetWindows(shared: open, health: nil).admit(provider, model: "m", fingerprint: "f", tokens: 1))
        slot.finish(tokens: 12)
        slot.finish(tokens: 12)
        #expect(open.finished.withLock { $0 } == [slot.entry], "freed once")
    }
}
