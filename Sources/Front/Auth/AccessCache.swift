import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Every client key and team in memory, keys by digest, so checking a request's key costs no database
/// trip. It reloads when the store's version moves (a key or team created, changed or revoked by the
/// CLI, the admin API or another process), checked four times a second: a change takes effect within
/// a second.
final class AccessCache: Service, Sendable {
    /// Why a presented key was refused; the key itself is never kept or logged.
    enum Refusal: Error, Equatable {
        case missing
        case unknown
        case unusable(keyID: String, reason: String)
    }

    private struct Snapshot {
        var version: Int64 = -1
        var byDigest: [String: ClientKeyRecord] = [:]
        var teams: [String: TeamRecord] = [:]
    }

    let store: any AccessStore
    private let logger: Logger
    private let state = Mutex(Snapshot())
    static let refreshInterval = Duration.milliseconds(250)

    init(store: any AccessStore, logger: Logger) throws {
        self.store = store
        self.logger = logger
        try reload()
    }

    /// The caller behind a key that may be used at `now`.
    func authenticate(_ presented: String?, now: Date = Date()) -> Result<Caller, Refusal> {
        guard let presented, !presented.isEmpty else { return .failure(.missing) }
        let digest = ClientKey.digest(of: presented)
        let (record, team) = state.withLock { snapshot in
            let record = snapshot.byDigest[digest]
            return (record, record?.teamID.flatMap { snapshot.teams[$0] })
        }
        guard let record, ClientKey.constantTimeEqual(record.digest, digest) else { return .failure(.unknown) }
        if let reason = record.refusal(at: now) { return .failure(.unusable(keyID: record.id, reason: reason)) }
        if let team, team.disabled { return .failure(.unusable(keyID: record.id, reason: "in disabled team \(team.name)")) }
        return .success(Caller(key: record, team: team))
    }

    /// The current record of the key with this id.
    func key(id: String) -> ClientKeyRecord? {
        state.withLock { $0.byDigest.values.first { $0.id == id } }
    }

    func team(id: String) -> TeamRecord? {
        state.withLock { $0.teams[id] }
    }

    /// Reloads keys and teams if the store changed since the last look.
    func reload() throws {
        let version = try store.version()
        guard version != state.withLock({ $0.version }) else { return }
        let keys = try store.keys()
        let teams = try store.teams()
        state.withLock {
            $0 = Snapshot(
                version: version, byDigest: Dictionary(keys.map { ($0.digest, $0) }, uniquingKeysWith: { $1 }),
                teams: Dictionary(teams.map { ($0.id, $0) }, uniquingKeysWith: { $1 }))
        }
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try reload()
            } catch {
                logger.warning("client keys could not be reloaded; the last ones stay in force: \(error)")
            }
            try? await Task.sleep(for: Self.refreshInterval)
        }
    }
}
