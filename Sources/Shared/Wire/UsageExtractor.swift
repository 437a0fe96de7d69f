#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Finds the `usage` object in an OpenAI answer or chunk without parsing the rest: the answer may be
/// large, the usage object is small, and every answer is read for it.
public enum UsageExtractor {
    private static let key = Array(#""usage""#.utf8)

    public static func usage(in bytes: [UInt8]) -> Usage? {
        guard let range = bytes.lastRange(of: key) else { return nil }
        var index = range.upperBound
        func skipSpace() { while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        let start = index
        var depth = 0
        var inString = false
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    return try? JSONDecoder().decode(Usage.self, from: Data(bytes[start...index]))
                }
            }
            index += 1
        }
        return nil
    }
}

extension Collection where Element: Equatable, Index == Int {
    /// The last occurrence of `pattern`.
    fileprivate func lastRange(of pattern: [Element]) -> Range<Int>? {
        guard pattern.count <= count else { return nil }
        var start = endIndex - pattern.count
        while start >= startIndex {
            if self[start..<start + pattern.count].elementsEqual(pattern) { return start..<start + pattern.count }
            start -= 1
        }
        return nil
    }
}
