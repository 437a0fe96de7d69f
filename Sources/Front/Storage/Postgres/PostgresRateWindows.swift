import Foundation
import PostgresNIO
import Shared

/// Rate windows in the shared database (keys', teams', providers'), as a sliding log like the one each
/// instance keeps in memory, with running totals: an entry is a row per window while in it and, until it
/// finishes, a parallel slot while its instance's lease runs. `orchestra_admit` decides under each scope's lock: one
/// round trip per admission, so the fleet admits exactly the limit.
struct PostgresRateWindows: SharedRateWindows {
    let pool: PostgresPool
    let instance: FleetInstance
    let pending: PendingWrites

    /// One scope as `orchestra_admit` reads it.
    struct ScopeArgument: Encodable {
        struct Window: Encodable {
            var window: RateLimits.Window

            func encode(to encoder: any Encoder) throws {
                var container = encoder.unkeyedContainer()
                try container.encode(window.seconds)
                try container.encode(window.requests)
                try container.encode(window.tokens)
            }
        }

        var s: String
        var p: Int?
        var w: [Window]
        /// The scope whose first window the `x-ratelimit-*` headers report.
        var h: Bool?
    }

    func admit(entry: String, scopes: [SharedRateScope], tokens: Int, budget: BudgetAsk?) async throws -> SharedRateVerdict {
        let arguments = scopes.map { scope in
            ScopeArgument(
                s: scope.name, p: scope.limits.maxConcurrent, w: scope.limits.windows.map(ScopeArgument.Window.init),
                h: scope.reportsStanding ? true : nil)
        }
        let json = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        let claims = budget?.claims ?? []
        let rows = try await pool.query(
            """
            SELECT delay, blocked_scope, blocked_seconds, requests_left, tokens_left, reset_in, refused, spent, reserved
            FROM orchestra_admit_request(\(entry), \(instance.id), \(json)::jsonb, \(Int64(tokens)), \(claims.map(\.subject)),
                \(claims.map(\.periodStart)), \(claims.map(\.limitUSD)), \(budget?.amountUSD ?? 0))
            """)
        guard let row = rows.first else { return .admitted(nil) }
        let (delay, blockedScope, blockedSeconds, requestsLeft, tokensLeft, resetIn, refused, spent, reserved) = try row.decode(
            (Double?, String?, Double?, Int64?, Int64?, Double?, Int?, Double?, Double?).self)
        if let delay {
            let scope = scopes.first { $0.name == blockedScope }
            let window = blockedSeconds.flatMap { seconds in scope?.limits.windows.first { $0.seconds == seconds } }
            return .blocked(seconds: delay, window: window)
        }
        if let refused, refused >= 1, refused <= claims.count {
            return .overBudget(claims[refused - 1], BudgetStanding(spentUSD: spent ?? 0, reservedUSD: reserved ?? 0))
        }
        guard let reported = scopes.first(where: \.reportsStanding)?.limits.windows.first, let resetIn else { return .admitted(nil) }
        return .admitted(
            CallerWindows.Standing(
                requestLimit: reported.requests, requestsLeft: requestsLeft.map { max(0, Int($0)) }, tokenLimit: reported.tokens,
                tokensLeft: tokensLeft.map { Int($0) }, resetIn: resetIn))
    }

    func finish(entry: String, tokens: Int?, settling: BudgetSettlement?) {
        let pool = self.pool
        let claims = settling?.claims ?? []
        let (subjects, periods, cost) = (claims.map(\.subject), claims.map(\.periodStart), settling?.costUSD ?? 0)
        let write: PendingWrites.Write = {
            _ = try await pool.query(
                "SELECT orchestra_finish_request(\(entry), \(tokens.map(Int64.init)), \(subjects), \(periods), \(cost))")
        }
        let pending = self.pending
        Task {
            do { try await write() } catch { pending.add(write) }
        }
    }
}
