import Foundation

/// What `/proc` says about processes the tests start or expect gone.
enum ProcessTree {
    /// The one-letter state (`R`, `S`, `Z`, …), or `nil` when the pid does not exist.
    static func state(of pid: Int32) -> Character? {
        fields(of: pid)?.first?.first
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let fields = fields(of: pid), fields.count > 1 else { return nil }
        return Int32(fields[1])
    }

    /// Running means present and not a zombie.
    static func isRunning(_ pid: Int32) -> Bool {
        guard let state = state(of: pid) else { return false }
        return state != "Z"
    }

    /// Children of a process that are still running.
    static func children(of pid: Int32) -> [Int32] {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").compactMap { Int32($0) }.filter(isRunning)
    }

    /// Waits (bounded) until none of `pids` is running; returns those still running.
    static func waitUntilGone(_ pids: [Int32], timeout: TimeInterval = 10) async -> [Int32] {
        let deadline = Date().addingTimeInterval(timeout)
        var alive = pids.filter(isRunning)
        while !alive.isEmpty && Date() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
            alive = alive.filter(isRunning)
        }
        return alive
    }

    /// Fields of `/proc/<pid>/stat` after the command name (which may hold spaces and parentheses).
    private static func fields(of pid: Int32) -> [Substring]? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }
}
