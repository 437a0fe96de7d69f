import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import OrchestraFront

/// A fresh gateway database in a temporary file (the real store, not a stand-in).
func temporaryAccessStore() throws -> SQLiteAccessStore {
    try SQLiteAccessStore(path: FileManager.default.temporaryDirectory.appendingPathComponent("access-\(UUID().uuidString).sqlite").path)
}

@Suite("Client keys")
struct ClientKeyTests {
    @Test("keys are orch_ and 43 base62 characters, never twice the same; stored as SHA-256 and a short prefix")
    func format() {
        let keys = (0..<100).map { _ in ClientKey.generate() }
        #expect(Set(keys.map(\.secret)).count == 100)
        for key in keys {
            #expect(key.secret.hasPrefix("orch_") && key.secret.count == 48)
            #expect(key.secret.dropFirst(5).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(key.displayPrefix.count == 11 && key.secret.hasPrefix(key.displayPrefix))
        }
        #expect(ClientKey.digest(of: "orch_test") == "fee32ebd42f2e02b5b13b00633606e82997fd4139765caf2af6a58f1cde1f988")
        #expect(
            ClientKey.constantTimeEqual("abc", "abc") && !ClientKey.constantTimeEqual("abc", "abd")
                && !ClientKey.constantTimeEqual("ab", "abc"))
    }

    static func record(_ key: ClientKey, id: String, expires: Date? = nil) -> ClientKeyRecord {
        ClientKeyRecord(
            id: id, name: "ci", prefix: key.displayPrefix, digest: key.digest, createdAt: Date(timeIntervalSince1970: 0),
            expiresAt: expires)
    }

    @Test("a cache admits a usable key and says why it refuses the others; it sees a revocation on reload")
    func cache() async throws {
        let store = try temporaryAccessStore()
        let good = ClientKey.generate()
        let expiring = ClientKey.generate()
        try store.insertKey(Self.record(good, id: "key_good"))
        try store.insertKey(Self.record(expiring, id: "key_expiring", expires: Date(timeIntervalSince1970: 100)))
        let cache = try await AccessCache(store: store, logger: Logger(label: "test"))
        let early = Date(timeIntervalSince1970: 50)
        #expect(try cache.authenticate(good.secret, now: early).get().key?.id == "key_good")
        #expect(try cache.authenticate(expiring.secret, now: early).get().key?.id == "key_expiring")
        #expect(
            cache.authenticate(expiring.secret, now: Date(timeIntervalSince1970: 100))
                == .failure(.unusable(keyID: "key_expiring", reason: "expired")))
        #expect(cache.authenticate(nil) == .failure(.missing))
        #expect(cache.authenticate("") == .failure(.missing))
        #expect(cache.authenticate(ClientKey.generate().secret) == .failure(.unknown))
        try store.revokeKey(id: "key_good", at: Date(timeIntervalSince1970: 60))
        #expect(try cache.authenticate(good.secret, now: Date(timeIntervalSince1970: 70)).get().key?.id == "key_good", "not reloaded yet")
        try await cache.reload()
        #expect(
            cache.authenticate(good.secret, now: Date(timeIntervalSince1970: 70))
                == .failure(.unusable(keyID: "key_good", reason: "revoked")))
        #expect(throws: AccessStoreError.keyNotFound("key_none")) { try store.revokeKey(id: "key_none", at: Date()) }
    }

    @Test("a key in a team carries both scopes; a disabled key or team is refused; a team with keys cannot be deleted")
    func teams() async throws {
        let store = try temporaryAccessStore()
        let team = TeamRecord(id: "team_a", name: "research", createdAt: Date(), limits: AccessLimits(models: ["demo/*"], rpm: 5))
        try store.insertTeam(team)
        #expect(throws: AccessStoreError.duplicateTeamName("research")) {
            try store.insertTeam(TeamRecord(id: "team_b", name: "research", createdAt: Date()))
        }
        let secret = ClientKey.generate()
        var record = Self.record(secret, id: "key_member")
        record.teamID = "team_a"
        record.limits = AccessLimits(budgetUSD: 2, period: .day)
        try store.insertKey(record)
        record.teamID = "team_missing"
        #expect(throws: AccessStoreError.teamNotFound("team_missing")) { try store.updateKey(record) }
        let cache = try await AccessCache(store: store, logger: Logger(label: "test"))
        let caller = try cache.authenticate(secret.secret).get()
        #expect(caller.scopes.map(\.subject) == ["key:key_member", "team:team_a"])
        #expect(caller.mayUse("demo/echo") && !caller.mayUse("groq/llama"))
        #expect(throws: AccessStoreError.teamHasKeys("team_a", count: 1)) { try store.deleteTeam(id: "team_a") }

        var disabledTeam = team
        disabledTeam.disabled = true
        try store.updateTeam(disabledTeam)
        try await cache.reload()
        #expect(cache.authenticate(secret.secret) == .failure(.unusable(keyID: "key_member", reason: "in disabled team research")))
        record.teamID = nil
        record.disabled = true
        try store.updateKey(record)
        try await cache.reload()
        #expect(cache.authenticate(secret.secret) == .failure(.unusable(keyID: "key_member", reason: "disabled")))
        try store.deleteTeam(id: "team_a")
        #expect(try store.teams().isEmpty)
    }

    @Test("the key is read the way SDKs send it: a bearer token or x-api-key")
    func presented() {
        var fields = HTTPFields()
        #expect(fields.clientKey == nil)
        fields[.authorization] = "Bearer orch_abc"
        #expect(fields.clientKey == "orch_abc")
        fields[.authorization] = "bearer  orch_def "
        #expect(fields.clientKey == "orch_def")
        fields[.authorization] = "BEARER\torch_tab"
        #expect(fields.clientKey == "orch_tab")
        fields[.authorization] = "Basic xyz"
        fields[HTTPField.Name("x-api-key")!] = "orch_ghi"
        #expect(fields.clientKey == "orch_ghi")
        fields[.authorization] = "Bearerorch_nospace"
        #expect(fields.clientKey == "orch_ghi", "no scheme without a gap after it")
    }

    @Test("without keys the gateway may listen on loopback; elsewhere only when allowed in so many words")
    func openAccess() throws {
        #expect(try OpenAccess.decide(AuthConfig(enabled: true), host: "0.0.0.0") == .closed)
        for host in ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"] {
            #expect(try OpenAccess.decide(AuthConfig(), host: host) == .openOnLoopback, "\(host)")
        }
        #expect(throws: OpenAccess.Refused.self) { try OpenAccess.decide(AuthConfig(), host: "0.0.0.0") }
        #expect(throws: OpenAccess.Refused.self) { try OpenAccess.decide(AuthConfig(), host: "192.0.2.10") }
        #expect(try OpenAccess.decide(AuthConfig(allowOpen: true), host: "0.0.0.0") == .openOnNetwork)
        do {
            _ = try OpenAccess.decide(AuthConfig(), host: "0.0.0.0")
        } catch {
            #expect(error.description.contains("[auth] enabled = true") && error.description.contains("allow_open"))
        }
    }

    @Test("[auth] in config")
    func config() throws {
        let config = try ConfigLoader.parse("[auth]\nenabled = true\nallow_open = true")
        #expect(config.auth == AuthConfig(enabled: true, allowOpen: true))
        #expect(try ConfigLoader.parse("").auth == AuthConfig())
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[auth]\nkeys = 1") }
    }
}
