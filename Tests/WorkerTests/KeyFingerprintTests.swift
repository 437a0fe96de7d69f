import Testing

@testable import OrchestraWorker

@Suite("Key fingerprints")
struct KeyFingerprintTests {
    @Test("16 hex digits that name the keys without holding them; other keys, another name")
    func fingerprint() throws {
        let key = "sk-live-0123456789abcdefghijklmnopqrstuvwxyz"
        let one = try #require(KeyFingerprint.of([key]))
        #expect(one.count == 16 && one.allSatisfy { $0.isHexDigit } && !key.contains(one))
        #expect(KeyFingerprint.of([key]) == one, "stable across processes and instances")
        #expect(KeyFingerprint.of([key + "x"]) != one && KeyFingerprint.of([key, "sk-second"]) != one)
        #expect(KeyFingerprint.of([]) == nil)
    }
}
