import Crypto
import Foundation
import Shared

/// A gateway client key: `orch_` and 43 base62 characters drawn uniformly (256 bits). It is shown once,
/// when created; the gateway keeps only its SHA-256 digest and a short prefix for people to recognise.
struct ClientKey: Sendable, Equatable {
    static let scheme = "orch_"
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    let secret: String

    static func generate() -> ClientKey {
        var random = SystemRandomNumberGenerator()
        return ClientKey(secret: scheme + randomBase62(count: 43, using: &random))
    }

    /// `count` characters, each uniform over the 62 symbols.
    static func randomBase62(count: Int, using random: inout some RandomNumberGenerator) -> String {
        String(decoding: (0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }, as: UTF8.self)
    }

    /// The digest stored and looked up: lowercase hex SHA-256 of the whole key. Runs on every request,
    /// so it hexes by table (Foundation's `String(format:)` cost more than the hash).
    static func digest(of presented: some StringProtocol) -> String {
        var hasher = SHA256()
        var text = String(presented)
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        return hasher.finalize().withUnsafeBytes { LowercaseHex.encode($0) }
    }

    var digest: String { Self.digest(of: secret) }

    /// What logs, lists and the dashboard may show: the scheme and the first six characters.
    var displayPrefix: String { String(secret.prefix(Self.scheme.count + 6)) }

    /// Equal bytes in time that does not depend on where they differ.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        return a.withUTF8 { x in
            b.withUTF8 { y in
                guard x.count == y.count else { return false }
                var difference: UInt8 = 0
                for index in 0..<x.count { difference |= x[index] ^ y[index] }
                return difference == 0
            }
        }
    }
}
