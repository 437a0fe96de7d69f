import Foundation
import Logging
import Synchronization

/// A response kept for `previous_response_id` and `GET`/`DELETE /v1/responses/{id}`: the object as the
/// client got it, and the conversation it ends (chat messages, its answer last) for the next turn.
/// Each row stands alone, so deleting or expiring one never breaks another's chain.
struct StoredResponse: Sendable, Equatable {
    var id: String
    /// Who may read it: the creating key's id (`admin`, or `anonymous` with keys off).
    var owner: String
    var createdAt: Double
    var expiresAt: Double
    var response: String
    var conversation: String
}

/// Where stored responses live: the SQLite file or the fleet's PostgreSQL, like every other state.
protocol ResponseStore: Sendable {
    func save(_ response: StoredResponse) async throws
    /// The response if `owner` stored it and it has not expired by `now`.
    func load(id: String, owner: String, now: Double) async throws -> StoredResponse?
    /// Whether a response of `owner` was deleted.
    func delete(id: String, owner: String) async throws -> Bool
    /// Deletes what expired by `now`; returns how many.
    func purge(expiredBy now: Double) async throws -> Int
}

/// The gateway's stored responses: the store, the retention, and expired rows swept at most once a
/// minute as responses are saved (no timer of its own; the sweep runs beside the request, not in it).
final class ResponseArchive: Sendable {
    let store: any ResponseStore
    /// How long a response is kept, in seconds.
    let retention: Double
    private let logger: Logger
    private let lastPurge = Mutex<Double>(0)

    init(store: any ResponseStore, retention: Double, logger: Logger) {
        self.store = store
        self.retention = retention
        self.logger = logger
    }

    func save(_ response: StoredResponse) async {
        do {
            try await store.save(response)
        } catch {
            logger.error("response \(response.id) was answered but could not be stored: \(String(reflecting: error))")
        }
        let now = response.createdAt
        let due = lastPurge.withLock { last in
            guard now - last >= 60 else { return false }
            last = now
            return true
        }
        guard due else { return }
        let (store, logger) = (self.store, self.logger)
        Task {
            do {
                let purged = try await store.purge(expiredBy: now)
                if purged > 0 { logger.info("purged \(purged) stored responses past their retention") }
            } catch {
                logger.warning("stored responses could not be purged: \(String(reflecting: error))")
            }
        }
    }
}
