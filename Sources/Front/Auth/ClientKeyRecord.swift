import Foundation

/// A client key as stored: who it is for and whether it may be used now. Never the key itself.
struct ClientKeyRecord: Sendable, Equatable {
    /// `key_` and 16 base62 characters: what logs, usage records and the API name a key by.
    var id: String
    var name: String
    var prefix: String
    var digest: String
    var createdAt: Date
    var expiresAt: Date?
    var revokedAt: Date?

    /// Why the key cannot be used at `now`, or `nil` when it can.
    func refusal(at now: Date) -> String? {
        if let revokedAt, revokedAt <= now { return "revoked" }
        if let expiresAt, expiresAt <= now { return "expired" }
        return nil
    }

    static func newID() -> String {
        var random = SystemRandomNumberGenerator()
        return "key_" + ClientKey.randomBase62(count: 16, using: &random)
    }
}
