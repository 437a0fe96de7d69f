import Foundation

/// A client key as stored: who it is for, its team, its limits and whether it may be used now. Never
/// the key itself.
struct ClientKeyRecord: Sendable, Equatable {
    /// `key_` and 16 base62 characters: what logs, usage records and the API name a key by.
    var id: String
    var name: String
    var prefix: String
    var digest: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?
    var teamID: String?
    var limits = AccessLimits()
    var disabled = false
    /// Free-form facts for people (owner, purpose); never read by the gateway.
    var metadata: [String: String] = [:]

    /// Why the key cannot be used at `now`, or `nil` when it can.
    func refusal(at now: Date) -> String? {
        if let revokedAt, revokedAt <= now { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        if disabled { return "disabled" }
        return nil
    }

    /// `active`, or why not.
    func state(at now: Date) -> String { refusal(at: now) ?? "active" }

    static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        return "key_" + ClientKey.randomBase62(count: 16, using: &random)
    }
}

/// A team: keys that share limits and a budget, and whose usage is reported together.
struct TeamRecord: Sendable, Equatable {
    /// `team_` and 12 base62 characters.
    var id: String
    /// Unique; what people and the CLI call the team.
    var name: String
    var createdAt: Date
    var limits = AccessLimits()
    var disabled = false
    var metadata: [String: String] = [:]

    static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        return "team_" + ClientKey.randomBase62(count: 12, using: &random)
    }
}
