import Shared

/// Finds the `usage` object in an OpenAI answer or chunk without parsing the rest: the answer may be
/// large, the usage object is small, and every answer is read for it.
public enum UsageExtractor {
    private static let key = Array(#""usage""#.utf8)

    public static func usage(in bytes: [UInt8]) -> Usage? {
        guard let keyStart = ByteSearch.last(key, in: bytes) else { return nil }
        var index = keyStart + key.count
        func skipSpace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D {
                index += 1
            }
        }
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
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "{") {
                depth += 1
            } else if byte == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 {
                    return usage(object: Array(bytes[start...index]))
                }
            }
            index += 1
        }
        return nil
    }

    /// The counts in a usage object, read by key: no generic decoding, which showed up in profiles of
    /// the worker since every answer is read for it.
    private static func usage(object: [UInt8]) -> Usage? {
        func count(_ pattern: [UInt8]) -> Int? {
            guard var index = ByteSearch.first(pattern, in: object).map({ $0 + pattern.count }) else { return nil }
            while index < object.count, object[index] == UInt8(ascii: " ") || object[index] == UInt8(ascii: ":") { index += 1 }
            var value = 0
            var digits = 0
            while index < object.count, object[index] >= UInt8(ascii: "0"), object[index] <= UInt8(ascii: "9") {
                // A count too large for an Int is not a count (found by fuzzing: it trapped the worker).
                let (tens, overflowed) = value.multipliedReportingOverflow(by: 10)
                let (sum, overflowedAgain) = tens.addingReportingOverflow(Int(object[index] - UInt8(ascii: "0")))
                if overflowed || overflowedAgain { return nil }
                value = sum
                index += 1
                digits += 1
            }
            return digits > 0 ? value : nil
        }
        guard let prompt = count(Keys.prompt), let completion = count(Keys.completion) else { return nil }
        return Usage(
            prompt_tokens: prompt, completion_tokens: completion, cachedTokens: count(Keys.cached),
            reasoningTokens: count(Keys.reasoning))
    }

    /// The counts' keys, quoted, made once: building each one per answer (an interpolated string, then
    /// an array) cost more than the search.
    private enum Keys {
        static let prompt = Array(#""prompt_tokens""#.utf8)
        static let completion = Array(#""completion_tokens""#.utf8)
        static let cached = Array(#""cached_tokens""#.utf8)
        static let reasoning = Array(#""reasoning_tokens""#.utf8)
    }
}
