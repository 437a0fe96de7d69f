import Shared

/// Rate windows several instances count together (the fleet's database), so N instances admit what
/// one would: a key's or team's, and a provider's own. An admission is one round trip; without an
/// answer the caller counts locally (keys and teams) or leaves it to the worker (providers) until the
/// database is back.
protocol SharedRateWindows: Sendable {
    /// Admits `entry` (a request, or one attempt at a provider) into every scope at once, or says how
    /// long it is blocked and by what.
    func admit(entry: String, scopes: [SharedRateScope], tokens: Int) async throws -> SharedRateVerdict
    /// The entry ended; `tokens` replaces its estimate when known. Never fails: a write that cannot be
    /// made now is retried until it is.
    func finish(entry: String, tokens: Int?)
}

/// One scope's limits as the fleet counts them: `key:<id>`, `team:<id>`, `provider:<name>:<key fingerprint>`.
struct SharedRateScope: Sendable, Equatable {
    var name: String
    var limits: RateLimits
    /// The scope whose first window the `x-ratelimit-*` headers report.
    var reportsStanding = false
}

enum SharedRateVerdict: Sendable, Equatable {
    case admitted(CallerWindows.Standing?)
    /// Blocked for `seconds` (`.infinity`: until an entry of the scope finishes) by `window` of `scope`
    /// (`nil`: its parallel cap).
    case blocked(seconds: Double, scope: String, window: RateLimits.Window?)
}
