import Shared

/// A model name that stands for several: a client asks for `fast` (or `route/fast`) and the front
/// picks among the members by what the request needs and what it knows right now.
public struct RouteConfig: Sendable, Equatable {
    public enum Strategy: String, Sendable, Equatable, CaseIterable {
        /// Members in the order written: a fallback chain.
        case ordered
        /// Lowest known price for the request's tokens first; unknown prices last.
        case cheapest
        /// Lowest measured time to first byte first; members never measured after the measured ones.
        case fastest
        /// Largest context window first.
        case longest
    }

    public var name: String
    /// Gateway model ids (`provider/model`), tried in the strategy's order until one answers.
    public var models: [String]
    public var strategy: Strategy
    public var description: String

    public init(name: String, models: [String], strategy: Strategy = .ordered, description: String = "") {
        self.name = name
        self.models = models
        self.strategy = strategy
        self.description = description
    }
}

/// When the front tries again: transport failures, 5xx and short throttling, only while nothing has
/// been streamed to the client yet.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per request in all (members of a route included); 1 disables retries.
    public var attempts: Int
    /// First backoff in seconds, doubled per retry, with full jitter.
    public var backoff: Double
    /// Seconds a request may spend in retries and waits; a `retry-after` longer than what is left ends it.
    public var maxTime: Double

    public init(attempts: Int = 3, backoff: Double = 0.25, maxTime: Double = 20) {
        self.attempts = attempts
        self.backoff = backoff
        self.maxTime = maxTime
    }
}
