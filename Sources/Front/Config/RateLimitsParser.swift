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
            guard let value = try positiveInt(reader, shortcut.key) else { continue }
            limits.windows.append(shortcut.tokens
                ? .init(tokens: value, seconds: shortcut.seconds)
                : .init(requests: value, seconds: shortcut.seconds))
        }
        for window in try reader.tables("windows") ?? [] {
            try window.rejectUnknownKeys(allowed: ["requests", "tokens", "seconds"])
            guard let seconds = try window.double("seconds"), seconds > 0 else {
                throw ConfigError(path: window.child("seconds"), message: "required, a positive number of seconds")
            }
            let requests = try positiveInt(window, "requests")
            let tokens = try positiveInt(window, "tokens")
            guard requests != nil || tokens != nil else {
                throw ConfigError(path: window.path, message: "set requests, tokens or both")
            }
            limits.windows.append(.init(requests: requests, tokens: tokens, seconds: seconds))
        }
        limits.maxConcurrent = try positiveInt(reader, "max_concurrent")
        guard allowQueue else { return (limits, nil) }
        var queue = QueuePolicy()
        if let wait = try reader.double("max_wait") {
            guard wait >= 0 else { throw ConfigError(path: reader.child("max_wait"), message: "must not be negative") }
            queue.maxWait = wait
        }
        if let queued = try reader.int("max_queued") {
            guard queued >= 0 else { throw ConfigError(path: reader.child("max_queued"), message: "must not be negative") }
            queue.maxQueued = queued
        }
        return (limits, queue)
    }

    private static func positiveInt(_ reader: TOMLReader, _ key: String) throws(ConfigError) -> Int? {
        guard let value = try reader.int(key) else { return nil }
        guard value > 0 else { throw ConfigError(path: reader.child(key), message: "must be at least 1") }
        return value
    }
}
