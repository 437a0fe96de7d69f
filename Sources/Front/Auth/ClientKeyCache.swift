import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Every client key in memory, by digest, so checking a request's key costs no database trip. It
/// reloads when the store's version moves (a key created, revoked or changed by the CLI or another
/// process), checked four times a second: a revocation takes effect within a second.
final class ClientKeyCache: Service, Sendable {
    /// Why a presented key was refused; the key itself is never kept or logged.
    enum Refusal: Error, Equatable {
        case missing
        case unknown
        case unusable(keyID: String, reason: String)
    }

    private let store: any ClientKeyStore
    private let logger: Logger
    private let state = Mutex<(version: Int64, byDigest: [String: ClientKeyRecord])>((-1, [:]))
    static let refreshInterval = Duration.milliseconds(250)

    init(store: any ClientKeyStore, logger: Logger) throws {
        self.store = store
        self.logger = logger
        try reload()
    }

    /// The key's record when it may be used at `now`.
    func authenticate(_ presented: String?, now: Date = Date()) -> Result<ClientKeyRecord, Refusal> {
        guard let presented, !presented.isEmpty else { return .failure(.missing) }
        let digest = ClientKey.digest(of: presented)
        guard let record = state.withLock({ $0.byDigest[digest] }), ClientKey.constantTimeEqual(record.digest, digest) else {
            return .failure(.unknown)
        }
        if let reason = record.refusal(at: now) { return .failure(.unusable(keyID: record.id, reason: reason)) }
        return .success(record)
    }

    /// The record of the key with this id (the caller's, once authenticated).
    func record(id: String) -> ClientKeyRecord? {
        state.withLock { $0.byDigest.values.first { $0.id == id } }
    }

    /// Reloads the keys if the store changed since the last look.
    func reload() throws {
        let version = try store.version()
        guard version != state.withLock({ $0.version }) else { return }
        let records = try store.all()
        state.withLock { $0 = (version, Dictionary(records.map { ($0.digest, $0) }, uniquingKeysWith: { $1 })) }
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
