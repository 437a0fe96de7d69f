import Shared

/// Rate windows several instances count together (the fleet's database), so N instances admit what
/// one would: a key's or team's, and a provider's own. An admission is one round trip; without an
/// answer the caller counts locally (keys and teams) or leaves it to the worker (providers) until the
/// database is back.
protocol SharedRateWindows: Sendable {
    /// Admits `entry` (a request, or one attempt at a provider) into every scope at once, or says how
    /// long it is blocked and by what. With `budget`, the worst case is reserved in the same round trip
    /// once the windows admit (a request's whole admission), or the budget that has no room is named.
    func admit(entry: String, scopes: [SharedRateScope], tokens: Int, budget: BudgetAsk?) async throws -> SharedRateVerdict
    /// The entry ended; `tokens` replaces its estimate when known, and a budget reserved with it is
    /// settled in the same round trip. Never fails: a write that cannot be made now is retried until it is.
    func finish(entry: String, tokens: Int?, settling: BudgetSettlement?)
}

extension SharedRateWindows {
    func finish(entry: String, tokens: Int?) { finish(entry: entry, tokens: tokens, settling: nil) }
}

/// A request's real cost, booked against the claims its reservation was taken for.
struct BudgetSettlement: Sendable, Equatable {
    var claims: [BudgetClaim]
    var costUSD: Double
}

/// One scope's limits as the fleet counts them: `key:<id>`, `team:<id>`, `provider:<name>:<key fingerprint>`.
struct SharedRateScope: Sendable, Equatable {
    var name: String
    var limits: RateLimits
    /// The scope whose first window the `x-ratelimit-*` headers report.
    var reportsStanding = false
}

enum SharedRateVerdict: Sendable, Equatable {
    /// Admitted, and the budget asked for reserved.
    case admitted(CallerWindows.Standing?)
    /// The windows had room; this budget had not (nothing was taken).
    case overBudget(BudgetClaim, BudgetStanding)
    /// Blocked for `seconds` (`.infinity`: until an entry finishes) by `window` (`nil`: a parallel cap).
    case blocked(seconds: Double, window: RateLimits.Window?)
}
