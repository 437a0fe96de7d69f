import Foundation

/// Where client keys and teams live. One small protocol, so the embedded SQLite database and a shared
/// database for several instances serve the same features.
protocol AccessStore: Sendable {
    func keys() async throws -> [ClientKeyRecord]
    func teams() async throws -> [TeamRecord]
    func insertKey(_ record: ClientKeyRecord) async throws(AccessStoreError)
    /// Replaces the key's name, team, limits, expiry, state and metadata (never its digest).
    func updateKey(_ record: ClientKeyRecord) async throws(AccessStoreError)
    /// Marks the key revoked at `time` (a revoked key stays revoked).
    func revokeKey(id: String, at time: Date) async throws(AccessStoreError)
    func insertTeam(_ team: TeamRecord) async throws(AccessStoreError)
    func updateTeam(_ team: TeamRecord) async throws(AccessStoreError)
    /// Deletes a team no key belongs to.
    func deleteTeam(id: String) async throws(AccessStoreError)
    /// Rises with every change made by anyone: a cache reloads when it moves.
    func version() async throws -> Int64
    /// Calls `changed` whenever another process announces a change, until cancelled; returns at once
    /// where changes are not announced (the cache's periodic look at `version` finds them).
    func watch(_ changed: @escaping @Sendable () -> Void) async
    /// How often a cache looks at `version` (its fallback when changes are also announced).
    var recheckInterval: Duration { get }
}

/// Why a change to keys or teams was refused.
enum AccessStoreError: Error, Equatable, CustomStringConvertible {
    case keyNotFound(String)
    case teamNotFound(String)
    case duplicateTeamName(String)
    case teamHasKeys(String, count: Int)
    case invalid(String)
    case storage(String)

    var description: String {
        switch self {
        case .keyNotFound(let id): return "no key with id \(id)"
        case .teamNotFound(let id): return "no team \(id)"
        case .duplicateTeamName(let name): return "a team named \(name) already exists"
        case .teamHasKeys(let id, let count): return "team \(id) still has \(count) key(s): move or revoke them first"
        case .invalid(let problem): return problem
        case .storage(let detail): return "the database refused the change: \(detail)"
        }
    }
}

extension AccessStore {
    func watch(_ changed: @escaping @Sendable () -> Void) async {}

    /// A cached statement on a local file costs microseconds: a change is seen within a quarter second.
    var recheckInterval: Duration { .milliseconds(250) }

    /// A team by id or by name (what people type).
    func team(_ idOrName: String) async throws -> TeamRecord? {
        try await teams().first { $0.id == idOrName || $0.name == idOrName }
    }

    func key(id: String) async throws -> ClientKeyRecord? {
        try await keys().first { $0.id == id }
    }
}

/// Limits and metadata as either database stores them: JSON text with sorted keys.
enum StoredJSON {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    static func decode<Value: Decodable>(_ text: String?) -> Value? {
        text.flatMap { try? JSONDecoder().decode(Value.self, from: Data($0.utf8)) }
    }
}
