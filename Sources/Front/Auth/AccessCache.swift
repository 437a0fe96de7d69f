import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Every client key and team in memory, keys by digest, so checking a request's key costs no database
/// trip. It reloads when the store's version moves (a key or team created, changed or revoked by the
/// CLI, the admin API or another process): at once when the store announces the change (PostgreSQL's
/// `NOTIFY`), and at the store's recheck interval in any case, so a change takes effect within a second.
final class AccessCache: Service, Sendable {
    /// Why a presented key was refused; the key itself is never kept or logged.
    enum Refusal: Error, Equatable {
        case missing
        case unknown
        case unusable(keyID: String, reason: String)
    }

    private struct Snapshot {
        var version: Int64 = -1
        /// Each key's caller, its team resolved, built once per reload.
        var byDigest: [String: Caller] = [:]
    }

    let store: any AccessStore
    private let logger: Logger
    private let state = Mutex(Snapshot())
    private let doorbell = Doorbell()

    init(store: any AccessStore, logger: Logger) async throws {
        self.store = store
        self.logger = logger
        try await reload()
    }

    /// The caller behind a key that may be used at `now`.
    func authenticate(_ presented: String?, now: Date = Date()) -> Result<Caller, Refusal> {
        guard let presented, !presented.isEmpty else { return .failure(.missing) }
        return authenticate(digest: ClientKey.digest(of: presented), now: now)
    }

    /// The same, for a key already hashed.
    func authenticate(digest: String, now: Date = Date()) -> Result<Caller, Refusal> {
        guard let caller = state.withLock({ $0.byDigest[digest] }), let record = caller.key,
            ClientKey.constantTimeEqual(record.digest, digest)
        else { return .failure(.unknown) }
        if let reason = record.refusal(at: now) { return .failure(.unusable(keyID: record.id, reason: reason)) }
        if let team = caller.team, team.disabled {
            return .failure(.unusable(keyID: record.id, reason: "in disabled team \(team.name)"))
        }
        return .success(caller)
    }

    /// Reloads keys and teams if the store changed since the last look.
    func reload() async throws {
        let version = try await store.version()
        guard version != state.withLock({ $0.version }) else { return }
        let keys = try await store.keys()
        let teams = try await store.teams()
        let teamsByID = Dictionary(teams.map { ($0.id, $0) }, uniquingKeysWith: { $1 })
        let callers = keys.map { ($0.digest, Caller(key: $0, team: $0.teamID.flatMap { teamsByID[$0] })) }
        state.withLock { $0 = Snapshot(version: version, byDigest: Dictionary(callers, uniquingKeysWith: { $1 })) }
    }

    func run() async throws {
        let (store, doorbell) = (self.store, self.doorbell)
        let watcher = Task { await store.watch { doorbell.ring() } }
        defer { watcher.cancel() }
        var failing = false
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await reload()
                if failing { logger.notice("client keys are reloaded again") }
                failing = false
            } catch {
                if !failing { logger.warning("client keys could not be reloaded; the last ones stay in force: \(error)") }
                failing = true
            }
            await doorbell.wait(upTo: store.recheckInterval)
        }
    }
}
