/// Recognises the extra last chunk of a stream that asked for usage (`"choices":[]` and a `usage`
/// object) without parsing it: every event of a stream is checked once.
enum UsageChunk {
    private static let choicesKey = Array(#""choices""#.utf8)

    static func isUsageOnly(_ payload: [UInt8]) -> Bool {
        guard var index = ByteSearch.first(choicesKey, in: payload).map({ $0 + choicesKey.count }) else { return false }
        func skipSpace() {
            while index < payload.count, [0x20, 0x09, 0x0A, 0x0D].contains(payload[index]) { index += 1 }
        }
        skipSpace()
        guard index < payload.count, payload[index] == UInt8(ascii: ":") else { return false }
        index += 1
        skipSpace()
        guard index < payload.count else { return false }
        if payload[index] == UInt8(ascii: "n") { return true }  // `null` (vLLM)
        guard payload[index] == UInt8(ascii: "[") else { return false }
        index += 1
        skipSpace()
        return index < payload.count && payload[index] == UInt8(ascii: "]")
    }
}
