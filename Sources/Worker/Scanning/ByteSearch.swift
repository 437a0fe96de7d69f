import Shared

#if canImport(Glibc)
import Glibc
#endif

/// Finding a short byte pattern in an answer, on the hot path: `memchr` for the first byte and a
/// direct compare for the rest. The generic `firstRange(of:)` costs several times more per call
/// (generic dispatch through Foundation's `DataProtocol`), once per stream event.
public enum ByteSearch {
    /// Index of the first occurrence of `needle` in `haystack`.
    public static func first(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.withUnsafeBytes { first(needle, in: $0) }
    }

    /// The same in bytes that are not an array (a `ByteBuffer`'s, say), without copying them.
    public static func first(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let head = needle.first, needle.count <= haystack.count, let base = haystack.baseAddress else { return nil }
        return needle.withUnsafeBufferPointer { pattern -> Int? in
            guard let patternBase = pattern.baseAddress else { return nil }
            var offset = 0
            let last = haystack.count - pattern.count
            while offset <= last {
                guard let found = memchr(base + offset, Int32(head), last - offset + 1) else { return nil }
                let index = base.distance(to: UnsafeRawPointer(found))
                if memcmp(base + index, patternBase, pattern.count) == 0 { return index }
                offset = index + 1
            }
            return nil
        }
    }

    public static func contains(_ needle: [UInt8], in haystack: [UInt8]) -> Bool {
        first(needle, in: haystack) != nil
    }

    /// Index of the last occurrence of `needle` in `haystack`.
    public static func last(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard !needle.isEmpty, needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay -> Int? in
            needle.withUnsafeBufferPointer { pattern -> Int? in
                guard let base = hay.baseAddress, let patternBase = pattern.baseAddress else { return nil }
                var index = hay.count - pattern.count
                while index >= 0 {
                    if base[index] == pattern[0], memcmp(base + index, patternBase, pattern.count) == 0 { return index }
                    index -= 1
                }
                return nil
            }
        }
    }
}
