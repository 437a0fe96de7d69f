/// How much of a provider (or of one of its models) the gateway may spend, enforced by the worker that
/// holds the provider's keys. Free tiers are small (Groq 30 RPM, Gemini 5–15 RPM, Cerebras hourly token
/// windows); spending them well means never sending a request the provider will refuse.
public struct RateLimits: Sendable, Equatable, Codable {
    /// At most `requests` requests and `tokens` tokens in any `seconds`-long interval.
    public struct Window: Sendable, Equatable, Codable {
        public var requests: Int?
        public var tokens: Int?
        public var seconds: Double

        public init(requests: Int? = nil, tokens: Int? = nil, seconds: Double) {
            self.requests = requests
            self.tokens = tokens
            self.seconds = seconds
        }
    }

    public var windows: [Window]
    public var maxConcurrent: Int?

    public init(windows: [Window] = [], maxConcurrent: Int? = nil) {
        self.windows = windows
        self.maxConcurrent = maxConcurrent
    }

    public var isEmpty: Bool { windows.isEmpty && maxConcurrent == nil }
    public var countsTokens: Bool { windows.contains { $0.tokens != nil } }
}

/// What happens to a request that finds no budget left.
public struct QueuePolicy: Sendable, Equatable, Codable {
    /// Seconds a request may wait for budget before it gets a 429; 0 answers 429 at once.
    public var maxWait: Double
    /// Requests waiting at once; more get a 429 at once.
    public var maxQueued: Int

    public init(maxWait: Double = 0, maxQueued: Int = 256) {
        self.maxWait = maxWait
        self.maxQueued = maxQueued
    }
}
