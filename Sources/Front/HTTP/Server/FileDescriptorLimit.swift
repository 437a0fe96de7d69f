import Glibc

/// The process's open-file limit: raised to the hard limit at start (systemd's default soft limit of
/// 1,024 is far below what a gateway holding thousands of connections needs), and the connection cap
/// derived from it with room kept for worker sockets, the database, logs and the accept itself.
enum FileDescriptorLimit {
    /// Raises the soft limit to the hard one; returns the soft limit now in force.
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur >= rlim_t(Int.max) ? Int.max : Int(limit.rlim_cur)
    }

    /// Client connections allowed under `limit` open files (counted up to 2^20): all but a reserve of
    /// 1/16 (at least 128).
    static func connectionCap(forLimit limit: Int) -> Int {
        let counted = min(limit, 1 << 20)
        return max(16, counted - max(128, counted / 16))
    }
}
