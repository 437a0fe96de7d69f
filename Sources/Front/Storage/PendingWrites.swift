import Synchronization

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
