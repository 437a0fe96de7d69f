/// Bytes as lowercase hex by table: the front's key digests (every request) and the worker's key
/// fingerprints spell digests the same way, without Foundation's `String(format:)`.
public enum LowercaseHex {
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let digits: StaticString = "0123456789abcdef"
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            digits.withUTF8Buffer { hex in
                var index = 0
                for byte in bytes {
                    buffer[index] = hex[Int(byte >> 4)]
                    buffer[index + 1] = hex[Int(byte & 0x0f)]
                    index += 2
                }
            }
            return bytes.count * 2
        }
    }
}
