import Shared

/// Every key's and team's rpm, tpm and parallel counts as a value: a request is admitted into all of
/// its caller's scopes at once or into none. Time comes in as a number, so it is tested without
/// clocks; `CallerLimiter` runs it behind a lock and does the waiting.
struct CallerWindows {
    /// What an admitted request holds until it finishes.
    struct Ticket: Sendable, Equatable {
        var serial: UInt64
        var subjects: [String]
        /// Admitted by the fleet's shared windows (under this request id), not this instance's.
        var sharedRequestID: String? = nil
        /// The standing the shared windows reported at admission.
        var standing: Standing? = nil
    }

    /// The caller's standing in its tightest per-minute window, for `x-ratelimit-*` headers.
    struct Standing: Sendable, Equatable {
        var requestLimit: Int?
        var requestsLeft: Int?
        var tokenLimit: Int?
        var tokensLeft: Int?
        /// Seconds until the window is whole again.
        var resetIn: Double
    }

    private var scopes: [String: LimitScope] = [:]
    private var serial: UInt64 = 0

    /// Admits the request into every scope, or says until when it is blocked (`.infinity`: until a
    /// request of the caller finishes).
    mutating func admit(_ caller: [Caller.Scope], tokens: Int, now: Double) -> Result<Ticket, Blocked> {
        let limited = caller.filter { !$0.limits.rateLimits.isEmpty }
        var until: Double?
        for scope in limited {
            prepare(scope)
            if let time = scopes[scope.subject]!.blockedUntil(tokens: tokens, now: now) {
                until = max(until ?? time, time)
            }
        }
        if let until { return .failure(Blocked(until: until)) }
        serial += 1
        for scope in limited { scopes[scope.subject]!.admit(tokens: tokens, ticket: serial, now: now) }
        return .success(Ticket(serial: serial, subjects: limited.map(\.subject)))
    }

    /// The request ended; `tokens` replaces its estimate in the token windows when known.
    mutating func finish(_ ticket: Ticket, tokens: Int?) {
        for subject in ticket.subjects { scopes[subject]?.finish(ticket: ticket.serial, tokens: tokens) }
    }

    /// The standing of the first scope with a per-minute window.
    mutating func standing(_ caller: [Caller.Scope], now: Double) -> Standing? {
        for scope in caller where scope.limits.rpm != nil || scope.limits.tpm != nil {
            prepare(scope)
            guard var window = scopes[scope.subject]!.windows.first else { continue }
            return Standing(
                requestLimit: scope.limits.rpm, requestsLeft: window.requestsLeft(now: now), tokenLimit: scope.limits.tpm,
                tokensLeft: window.tokensLeft(now: now), resetIn: max(0, window.resetsAt(now: now) - now))
        }
        return nil
    }

    /// Makes the scope's state, fresh when its limits changed (an update through the CLI or API).
    private mutating func prepare(_ scope: Caller.Scope) {
        let limits = scope.limits.rateLimits
        if let existing = scopes[scope.subject], existing.windows.map(\.limit) == limits.windows,
            existing.maxConcurrent == limits.maxConcurrent
        {
            return
        }
        var fresh = LimitScope(limits)
        fresh.inFlight = scopes[scope.subject]?.inFlight ?? 0
        scopes[scope.subject] = fresh
    }

    struct Blocked: Error, Equatable {
        var until: Double
    }
}
