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
        guard unreachable.withLock({ $0 }) != nil else { return }
        let was = unreachable.withLock { $0.take() }
        if was != nil { logger.notice("the database answers again: shared limits, budgets and usage records are back") }
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

/// Writes to the shared database that must happen even if the database is away when they are made
/// (a budget settled, a rate slot freed): kept in order and retried by the heartbeat until they land.
final class PendingWrites: Sendable {
    typealias Write = @Sendable () async throws -> Void
    private let writes = Mutex<[Write]>([])

    var count: Int { writes.withLock { $0.count } }

    func add(_ write: @escaping Write) {
        writes.withLock { $0.append(write) }
    }

    /// Tries every write in order; stops at the first that fails (the database is still away) and
    /// keeps it and the rest. Returns how many landed.
    func retry() async -> Int {
        let batch = writes.withLock { writes in
            defer { writes.removeAll() }
            return writes
        }
        for (index, write) in batch.enumerated() {
            do {
                try await write()
            } catch {
                let rest = batch[index...]
                writes.withLock { $0.insert(contentsOf: rest, at: 0) }
                return index
            }
        }
        return batch.count
    }
}
