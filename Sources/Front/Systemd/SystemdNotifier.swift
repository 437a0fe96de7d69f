import CSystemd

/// Talks to systemd through libsystemd: state notifications, watchdog settings, socket activation.
/// Every call is a no-op when the process was not started by systemd (`NOTIFY_SOCKET` unset), so the
/// same binary runs with or without it.
struct SystemdNotifier: Sendable {
    /// Sends one notification datagram, e.g. `READY=1\nSTATUS=…`.
    func notify(_ state: String) {
        _ = sd_notify(0, state)
    }

    /// How often systemd expects `WATCHDOG=1`, if it asked for a watchdog at all.
    var watchdogInterval: Duration? {
        var microseconds: UInt64 = 0
        guard sd_watchdog_enabled(0, &microseconds) > 0, microseconds > 0 else { return nil }
        return .microseconds(Int64(microseconds))
    }

    /// Listening sockets passed by socket activation (they start at fd 3).
    var passedSocketCount: Int {
        Int(max(0, sd_listen_fds(0)))
    }

    static let firstPassedSocket: Int32 = 3
}
