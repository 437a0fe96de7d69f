import DequeModule

/// One rate window: the requests admitted in the last `seconds`, with the tokens each reserved (its
/// estimate until its real usage is known). At most `requests` and `tokens` in any interval that long.
public struct SlidingWindow: Sendable {
    private struct Entry: Sendable {
        var time: Double
        var tokens: Int
        var ticket: UInt64
    }

    public let limit: RateLimits.Window
    private var entries: Deque<Entry> = []
    private var tokenSum = 0

    public init(_ limit: RateLimits.Window) {
        self.limit = limit
    }

    private mutating func prune(now: Double) {
        while let first = entries.first, first.time <= now - limit.seconds {
            tokenSum -= first.tokens
            entries.removeFirst()
        }
    }

    /// `nil` if a request reserving `tokens` fits now, else the moment the oldest entry leaves the window.
    public mutating func blockedUntil(tokens: Int, now: Double) -> Double? {
        prune(now: now)
        guard let first = entries.first else { return nil }
        if let requests = limit.requests, entries.count >= requests { return first.time + limit.seconds }
        // A request larger than the whole budget still goes once the window is empty, or it would never go.
        if let budget = limit.tokens, tokenSum + tokens > budget { return first.time + limit.seconds }
        return nil
    }

    public mutating func admit(tokens: Int, ticket: UInt64, now: Double) {
        entries.append(Entry(time: now, tokens: tokens, ticket: ticket))
        tokenSum += tokens
    }

    /// Replaces a request's reservation by what it really used.
    public mutating func settle(ticket: UInt64, tokens: Int) {
        guard limit.tokens != nil, let index = entries.lastIndex(where: { $0.ticket == ticket }) else { return }
        tokenSum += tokens - entries[index].tokens
        entries[index].tokens = tokens
    }

    public mutating func requestsLeft(now: Double) -> Int? {
        prune(now: now)
        return limit.requests.map { max(0, $0 - entries.count) }
    }

    public mutating func tokensLeft(now: Double) -> Int? {
        prune(now: now)
        return limit.tokens.map { max(0, $0 - tokenSum) }
    }

    /// When the window is whole again: the moment its newest entry leaves (`now` when empty).
    public func resetsAt(now: Double) -> Double {
        entries.last.map { $0.time + limit.seconds } ?? now
    }
}

/// The limits of one scope (a provider, one model, a client key or a team) and what is in flight in it.
public struct LimitScope: Sendable {
    public var windows: [SlidingWindow]
    public let maxConcurrent: Int?
    public var inFlight = 0

    public init(_ limits: RateLimits) {
        windows = limits.windows.map(SlidingWindow.init)
        maxConcurrent = limits.maxConcurrent
    }

    /// `.infinity` means "blocked until something finishes" (the concurrency cap).
    public mutating func blockedUntil(tokens: Int, now: Double) -> Double? {
        if let maxConcurrent, inFlight >= maxConcurrent { return .infinity }
        var until: Double?
        for index in windows.indices {
            if let time = windows[index].blockedUntil(tokens: tokens, now: now) { until = max(until ?? time, time) }
        }
        return until
    }

    public mutating func admit(tokens: Int, ticket: UInt64, now: Double) {
        inFlight += 1
        for index in windows.indices { windows[index].admit(tokens: tokens, ticket: ticket, now: now) }
    }

    public mutating func finish(ticket: UInt64, tokens: Int?) {
        inFlight -= 1
        guard let tokens else { return }
        for index in windows.indices { windows[index].settle(ticket: ticket, tokens: tokens) }
    }

    /// The window that blocks longest: for messages and for telling daily quotas from short throttling.
    public func describe() -> RateLimits.Window? {
        windows.map(\.limit).max { $0.seconds < $1.seconds }
    }
}
