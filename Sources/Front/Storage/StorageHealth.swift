import Logging
import Synchronization

/// Whether the shared database answers, as every store that talks to it last saw: `/health` reports
/// "degraded: database unreachable" while it does not, and the log says so once when it goes and once
/// when it is back (not once per request).
final class StorageHealth: Sendable {
    private let unreachable = Mutex<String?>(nil)
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    /// Why the database is unreachable now, or `nil` when it answers.
    var problem: String? { unreachable.withLock { $0 } }

    func reached() {
        if unreachable.withLock({ $0.take() }) != nil {
            logger.notice("the database answers again: shared limits, budgets and usage records are back")
        }
    }

    func failed(_ error: any Error) {
        let first = unreachable.withLock { problem in
            defer { if problem == nil { problem = "\(error)" } }
            return problem == nil
        }
        if first {
            logger.error(
                """
                the database is unreachable (\(error)): limits are counted by this instance alone, budgets are refused unless \
                budget_fail_open, usage records wait in the spool
                """)
        }
    }
}
