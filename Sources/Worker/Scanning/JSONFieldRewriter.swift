import Shared

/// Rewrites one top-level string field of a JSON object in place, without decoding the whole body.
///
/// The hot path of every OpenAI-compatible request only needs `model` changed (`mistral/x` → `x`);
/// decoding and re-encoding a whole chat history for that cost more than the rest of the request.
/// The scanner understands JSON's structure (strings with escapes, nested values) and gives up,
/// returning `nil`, on anything it does not expect, so callers can fall back to a full decode.
public enum JSONFieldRewriter {
    /// Returns `bytes` with every top-level `key` whose value is a string set to `value`,
    /// or `nil` when `bytes` is not a JSON object or has no such string field.
    public static func replacingTopLevelString(_ key: String, in bytes: UnsafeRawBufferPointer, with value: String) -> [UInt8]? {
        let keyBytes = Array(key.utf8)
        var scanner = Scanner(bytes: bytes)
        var replacements: [Range<Int>] = []
        scanner.skipWhitespace()
        guard scanner.consume(UInt8(ascii: "{")) else { return nil }
        scanner.skipWhitespace()
        if !scanner.consume(UInt8(ascii: "}")) {
            while true {
                scanner.skipWhitespace()
                guard scanner.peek == UInt8(ascii: "\""), let keyRange = scanner.skipString() else { return nil }
                scanner.skipWhitespace()
                guard scanner.consume(UInt8(ascii: ":")) else { return nil }
                scanner.skipWhitespace()
                let valueStart = scanner.index
                let isString = scanner.peek == UInt8(ascii: "\"")
                guard scanner.skipValue() else { return nil }
                // keyRange includes the quotes.
                if isString, bytes[(keyRange.lowerBound + 1)..<(keyRange.upperBound - 1)].elementsEqual(keyBytes) {
                    replacements.append(valueStart..<scanner.index)
                }
                scanner.skipWhitespace()
                if scanner.consume(UInt8(ascii: ",")) { continue }
                guard scanner.consume(UInt8(ascii: "}")) else { return nil }
                break
            }
        }
        guard !replacements.isEmpty else { return nil }
        let quoted = Array(JSONText.quoted(value).utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + quoted.count)
        var cursor = 0
        for range in replacements {
            out.append(contentsOf: bytes[cursor..<range.lowerBound])
            out.append(contentsOf: quoted)
            cursor = range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard peek == byte else { return false }
            index += 1
            return true
        }

        mutating func skipWhitespace() {
            while let byte = peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { index += 1 }
        }

        /// Skips a string starting at its opening quote; returns its range, quotes included.
        mutating func skipString() -> Range<Int>? {
            let start = index
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\\"): index += 2
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<index
                default: index += 1
                }
            }
            return nil
        }

        mutating func skipValue() -> Bool {
            guard let first = peek else { return false }
            switch first {
            case UInt8(ascii: "\""):
                return skipString() != nil
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                var depth = 0
                while let byte = peek {
                    switch byte {
                    case UInt8(ascii: "\""):
                        guard skipString() != nil else { return false }
                        continue
                    case UInt8(ascii: "{"), UInt8(ascii: "["):
                        depth += 1
                    case UInt8(ascii: "}"), UInt8(ascii: "]"):
                        depth -= 1
                        if depth == 0 {
                            index += 1
                            return true
                        }
                    default: break
                    }
                    index += 1
                }
                return false
            default:
                let start = index
                while let byte = peek, byte != UInt8(ascii: ","), byte != UInt8(ascii: "}"), byte != UInt8(ascii: "]"),
                    byte != 0x20, byte != 0x0A, byte != 0x0D, byte != 0x09
                {
                    index += 1
                }
                return index > start
            }
        }
    }
}
