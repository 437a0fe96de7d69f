/// Counts open client connections against the cap and decides, for each new one, to serve it or close
/// it at once; it also says when to log, so a flood gives two log lines, not one per connection.
struct ConnectionCapState: Sendable, Equatable {
    let cap: Int
    private(set) var open = 0
    /// Connections closed at once since the cap was last reached.
    private(set) var refusedInEpisode = 0

    init(cap: Int) {
        self.cap = cap
    }

    enum Admission: Equatable {
        case serve
        /// Close it; `firstOfEpisode` is true for the first refusal since the gateway was last below the cap.
        case refuse(firstOfEpisode: Bool)
    }

    mutating func accepted() -> Admission {
        guard open < cap else {
            refusedInEpisode += 1
            return .refuse(firstOfEpisode: refusedInEpisode == 1)
        }
        open += 1
        return .serve
    }

    /// A served connection closed; returns how many were refused in the episode that just ended, if one did.
    mutating func closed() -> Int? {
        open = max(0, open - 1)
        guard refusedInEpisode > 0 else { return nil }
        defer { refusedInEpisode = 0 }
        return refusedInEpisode
    }
}
