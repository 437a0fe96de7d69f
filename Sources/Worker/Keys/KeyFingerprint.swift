import Crypto
import Shared

/// A name for a provider's keys that reveals nothing of them: the first 8 bytes of the SHA-256 of the
/// keys, one per line, in hex. The front keys the fleet's shared provider windows by it, so only the
/// worker ever holds the keys and instances with different keys never share a window.
enum KeyFingerprint {
    static func of(_ keys: [String]) -> String? {
        guard !keys.isEmpty else { return nil }
        return LowercaseHex.encode(Array(SHA256.hash(data: Array(keys.joined(separator: "\n").utf8))).prefix(8))
    }
}
