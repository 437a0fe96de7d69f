import Shared

/// Parses `[providers.NAME.limits]` and `[providers.NAME.models.ID.limits]`:
/// `rpm`, `rph`, `rpd`, `tpm`, `tph`, `tpd`, `max_concurrent`, and `windows = [{ requests, tokens,
/// seconds }]` for any other window; the provider table also takes `max_wait` and `max_queued`.
enum RateLimitsParser {
    private static let shortcuts: [(key: String, seconds: Double, tokens: Bool)] = [
        ("rpm", 60, false), ("rph", 3600, false), ("rpd", 86400, false),
        ("tpm", 60, true), ("tph", 3600, true), ("tpd", 86400, true),
    ]

    static func parse(_ reader: TOMLReader, allowQueue: Bool) throws(ConfigError) -> (RateLimits, QueuePolicy?) {
        var allowed: Set<String> = Set(shortcuts.map(\.key)).union(["max_concurrent", "windows"])
        if allowQueue { allowed.formUnion(["max_wait", "max_queued"]) }
        try reader.rejectUnknownKeys(allowed: allowed)
        var limits = RateLimits()
        for shortcut in shortcuts {
            guard let value = try reader.int(shortcut.key, .atLeastOne) else { continue }
            limits.windows.append(
                shortcut.tokens
                    ? .init(tokens: value, seconds: shortcut.seconds)
                    : .init(requests: value, seconds: shortcut.seconds))
        }
        for window in try reader.tables("windows") ?? [] {
            try window.rejectUnknownKeys(allowed: ["requests", "tokens", "seconds"])
            guard let seconds = try window.double("seconds"), seconds > 0 else {
                throw ConfigError(path: window.child("seconds"), message: "required, a positive number of seconds")
            }
            let requests = try window.int("requests", .atLeastOne)
            let tokens = try window.int("tokens", .atLeastOne)
            guard requests != nil || tokens != nil else {
                throw ConfigError(path: window.path, message: "set requests, tokens or both")
            }
            limits.windows.append(.init(requests: requests, tokens: tokens, seconds: seconds))
        }
        limits.maxConcurrent = try reader.int("max_concurrent", .atLeastOne)
        guard allowQueue else { return (limits, nil) }
        var queue = QueuePolicy()
        queue.maxWait = try reader.double("max_wait", .nonNegative) ?? queue.maxWait
        queue.maxQueued = try reader.int("max_queued", .nonNegative) ?? queue.maxQueued
        return (limits, queue)
    }
}
