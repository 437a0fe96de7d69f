import Foundation
import PostgresNIO
import Shared

/// Key and team rate windows in the shared database, as a sliding log like the one each instance
/// keeps in memory: a request is one row per scope, counted while in its windows and, unfinished, as
/// in flight while its instance's lease runs. `orchestra_admit` decides under each scope's lock: one
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

    func admit(requestID: String, scopes: [Caller.Scope], tokens: Int) async throws -> SharedRateVerdict {
        let limited = scopes.filter { !$0.limits.rateLimits.isEmpty }
        let reported = limited.first { $0.limits.rpm != nil || $0.limits.tpm != nil }?.subject
        let arguments = limited.map { scope in
            let limits = scope.limits.rateLimits
            return ScopeArgument(
                s: scope.subject, p: limits.maxConcurrent, w: limits.windows.map(ScopeArgument.Window.init),
                h: scope.subject == reported ? true : nil)
        }
        let json = String(decoding: try JSONEncoder().encode(arguments), as: UTF8.self)
        let rows = try await pool.query(
            """
            SELECT delay, requests_left, tokens_left, reset_in FROM orchestra_admit(\(requestID), \(instance.id), \(json)::jsonb,
                \(Int64(tokens)))
            """)
        let (delay, requestsLeft, tokensLeft, resetIn) =
            try rows.first?.decode((Double?, Int64?, Int64?, Double?).self) ?? (nil, nil, nil, nil)
        if let delay { return .blocked(seconds: delay) }
        guard let reportedScope = limited.first(where: { $0.subject == reported }), let resetIn else { return .admitted(nil) }
        return .admitted(
            CallerWindows.Standing(
                requestLimit: reportedScope.limits.rpm, requestsLeft: requestsLeft.map { max(0, Int($0)) },
                tokenLimit: reportedScope.limits.tpm, tokensLeft: tokensLeft.map { Int($0) }, resetIn: resetIn))
    }

    func finish(requestID: String, tokens: Int?) {
        let pool = self.pool
        let write: PendingWrites.Write = {
            _ = try await pool.query(
                """
                UPDATE rate_entries SET finished = true, tokens = coalesce(\(tokens.map(Int64.init)), tokens)
                WHERE request_id = \(requestID)
                """)
        }
        let pending = self.pending
        Task {
            do { try await write() } catch { pending.add(write) }
        }
    }
}
