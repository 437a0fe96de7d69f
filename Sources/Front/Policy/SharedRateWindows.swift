/// Key and team rate windows that several instances count together (the fleet's database), so N
/// instances admit what one would. An admission is one round trip; without an answer the limiter
/// counts locally until the database is back.
protocol SharedRateWindows: Sendable {
    /// Admits the request into every limited scope at once, or says how long it is blocked
    /// (`.infinity`: until a request of the caller finishes).
    func admit(requestID: String, scopes: [Caller.Scope], tokens: Int) async throws -> SharedRateVerdict
    /// The request ended; `tokens` replaces its estimate when known. Never fails: a write that cannot
    /// be made now is retried until it is.
    func finish(requestID: String, tokens: Int?)
}

enum SharedRateVerdict: Sendable, Equatable {
    case admitted(CallerWindows.Standing?)
    case blocked(seconds: Double)
}
