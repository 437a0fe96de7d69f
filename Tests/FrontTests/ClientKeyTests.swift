import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import OrchestraFront

/// A key store in memory, standing in for the database.
final class MemoryKeyStore: ClientKeyStore {
    private let records = Mutex<(version: Int64, all: [ClientKeyRecord])>((0, []))

    func insert(_ record: ClientKeyRecord) throws { records.withLock { $0 = ($0.version + 1, $0.all + [record]) } }
    func all() throws -> [ClientKeyRecord] { records.withLock { $0.all } }
    func version() throws -> Int64 { records.withLock { $0.version } }
    func revoke(id: String, at time: Date) throws -> Bool {
        records.withLock { state in
            guard let index = state.all.firstIndex(where: { $0.id == id }) else { return false }
            state.all[index].revokedAt = time
            state.version += 1
            return true
        }
    }
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
    func cache() throws {
        let store = MemoryKeyStore()
        let good = ClientKey.generate()
        let expiring = ClientKey.generate()
        try store.insert(Self.record(good, id: "key_good"))
        try store.insert(Self.record(expiring, id: "key_expiring", expires: Date(timeIntervalSince1970: 100)))
        let cache = try ClientKeyCache(store: store, logger: Logger(label: "test"))
        let early = Date(timeIntervalSince1970: 50)
        #expect(try cache.authenticate(good.secret, now: early).get().id == "key_good")
        #expect(try cache.authenticate(expiring.secret, now: early).get().id == "key_expiring")
        #expect(
            cache.authenticate(expiring.secret, now: Date(timeIntervalSince1970: 100))
                == .failure(.unusable(keyID: "key_expiring", reason: "expired")))
        #expect(cache.authenticate(nil) == .failure(.missing))
        #expect(cache.authenticate("") == .failure(.missing))
        #expect(cache.authenticate(ClientKey.generate().secret) == .failure(.unknown))
        _ = try store.revoke(id: "key_good", at: Date(timeIntervalSince1970: 60))
        #expect(try cache.authenticate(good.secret, now: Date(timeIntervalSince1970: 70)).get().id == "key_good", "not reloaded yet")
        try cache.reload()
        #expect(
            cache.authenticate(good.secret, now: Date(timeIntervalSince1970: 70))
                == .failure(.unusable(keyID: "key_good", reason: "revoked")))
    }

    @Test("the key is read the way SDKs send it: a bearer token or x-api-key")
    func presented() {
        var fields = HTTPFields()
        #expect(fields.clientKey == nil)
        fields[.authorization] = "Bearer orch_abc"
        #expect(fields.clientKey == "orch_abc")
        fields[.authorization] = "bearer  orch_def "
        #expect(fields.clientKey == "orch_def")
        fields[.authorization] = "Basic xyz"
        fields[HTTPField.Name("x-api-key")!] = "orch_ghi"
        #expect(fields.clientKey == "orch_ghi")
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
