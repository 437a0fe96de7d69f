/// Checks that bytes are one JSON object as RFC 8259 defines it (UTF-8, no trailing data, escapes and
/// surrogate pairs checked, at most 256 levels deep) and lists its top-level members, without
/// building a value tree.
///
/// Every request's body and every whole answer is checked this way on the hot path, where
/// `JSONDecoder` cost about 33,000 instructions a request for a few fields. It is stricter than
/// Foundation's decoder, never more lenient (the `envelope` fuzz target checks that whatever it
/// accepts, `JSONDecoder` accepts too), so callers fall back to `JSONDecoder` when it says no: the
/// client still gets the decoder's exact error, and nothing valid is refused.
public struct StrictJSONObject {
    /// What a top-level member's value is.
    public enum Kind: Sendable, Equatable {
        case string, number, bool, null, object, array
    }

    /// One top-level member; ranges index the checked bytes (a string's value range excludes its quotes).
    public struct Member: Sendable, Equatable {
        public var key: Range<Int>
        public var value: Range<Int>
        public var kind: Kind
        /// Whether the key holds a backslash escape (its bytes are then not its text).
        public var keyEscaped: Bool
        /// Whether a string value holds a backslash escape.
        public var valueEscaped: Bool
    }

    public let members: [Member]

    private static let maxDepth = 256

    /// `nil` unless `bytes` is exactly one well-formed JSON object.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        var scanner = Scanner(bytes: bytes)
        guard let members = scanner.topLevelObject() else { return nil }
        self.members = members
    }

    /// What a lookup by name found.
    public enum Lookup: Sendable, Equatable {
        case absent
        case found(Member)
        /// The name appears twice, or some key is escaped and might spell it: ask a full decoder.
        case unsure
    }

    /// The member named `key`, compared byte for byte.
    public func member(_ key: StaticString, in bytes: UnsafeRawBufferPointer) -> Lookup {
        let name = UnsafeRawBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount)
        var found: Member?
        for member in members {
            if member.keyEscaped { return .unsure }
            guard member.key.count == name.count, bytes[member.key].elementsEqual(name) else { continue }
            if found != nil { return .unsure }
            found = member
        }
        return found.map { .found($0) } ?? .absent
    }

    private struct Scanner {
        let bytes: UnsafeRawBufferPointer
        var index = 0
        var depth = 0
        var sawEscape = false

        var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x0A, 0x0D, 0x09: index += 1
                default: return
                }
            }
        }

        mutating func consume(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func topLevelObject() -> [Member]? {
            skipWhitespace()
            guard peek == UInt8(ascii: "{") else { return nil }
            var members: [Member]? = []
            guard object(collecting: &members) else { return nil }
            skipWhitespace()
            return index == bytes.count ? members : nil
        }

        mutating func value() -> Kind? {
            guard let first = peek else { return nil }
            switch first {
            case UInt8(ascii: "\""): return string() == nil ? nil : .string
            case UInt8(ascii: "{"):
                var nested: [Member]? = nil
                return object(collecting: &nested) ? .object : nil
            case UInt8(ascii: "["): return array() ? .array : nil
            case UInt8(ascii: "t"): return literal("true") ? .bool : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return number() ? .number : nil
            }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard bytes.count - index >= count else { return false }
            for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { return false }
            index += count
            return true
        }

        /// An object at its opening brace; its members are listed in `members` unless that is `nil`
        /// (only the top level's are).
        mutating func object(collecting members: inout [Member]?) -> Bool {
            depth += 1
            guard depth <= StrictJSONObject.maxDepth else { return false }
            index += 1
            skipWhitespace()
            if !consume(UInt8(ascii: "}")) {
                while true {
                    skipWhitespace()
                    sawEscape = false
                    guard let key = string() else { return false }
                    let keyEscaped = sawEscape
                    skipWhitespace()
                    guard consume(UInt8(ascii: ":")) else { return false }
                    skipWhitespace()
                    sawEscape = false
                    let start = index
                    guard let kind = value() else { return false }
                    if members != nil {
                        let range = kind == .string ? (start + 1)..<(index - 1) : start..<index
                        members?.append(
                            Member(key: key, value: range, kind: kind, keyEscaped: keyEscaped, valueEscaped: kind == .string && sawEscape))
                    }
                    skipWhitespace()
                    if consume(UInt8(ascii: ",")) { continue }
                    guard consume(UInt8(ascii: "}")) else { return false }
                    break
                }
            }
            depth -= 1
            return true
        }

        mutating func array() -> Bool {
            depth += 1
            guard depth <= StrictJSONObject.maxDepth else { return false }
            index += 1
            skipWhitespace()
            if !consume(UInt8(ascii: "]")) {
                while true {
                    skipWhitespace()
                    guard value() != nil else { return false }
                    skipWhitespace()
                    if consume(UInt8(ascii: ",")) { continue }
                    guard consume(UInt8(ascii: "]")) else { return false }
                    break
                }
            }
            depth -= 1
            return true
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() -> Bool {
            _ = consume(UInt8(ascii: "-"))
            guard let first = peek, isDigit(first) else { return false }
            index += 1
            if first != UInt8(ascii: "0") { skipDigits() }
            if consume(UInt8(ascii: ".")) {
                guard let digit = peek, isDigit(digit) else { return false }
                skipDigits()
            }
            if consume(UInt8(ascii: "e")) || consume(UInt8(ascii: "E")) {
                if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
                guard let digit = peek, isDigit(digit) else { return false }
                skipDigits()
            }
            return true
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        mutating func skipDigits() {
            while let byte = peek, isDigit(byte) { index += 1 }
        }

        /// A string at its opening quote; returns the range between the quotes.
        mutating func string() -> Range<Int>? {
            guard consume(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    return start..<(index - 1)
                case UInt8(ascii: "\\"):
                    sawEscape = true
                    guard escape() else { return nil }
                case 0..<0x20:
                    return nil
                case 0x20..<0x80:
                    index += 1
                default:
                    guard utf8Sequence() else { return nil }
                }
            }
            return nil
        }

        /// A backslash escape; a `\u` high surrogate must be followed by a `\u` low one.
        mutating func escape() -> Bool {
            index += 1
            guard let byte = peek else { return false }
            index += 1
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                return true
            case UInt8(ascii: "u"):
                guard let unit = hex4() else { return false }
                switch unit {
                case 0xD800...0xDBFF:
                    guard consume(UInt8(ascii: "\\")), consume(UInt8(ascii: "u")), let low = hex4() else { return false }
                    return (0xDC00...0xDFFF).contains(low)
                case 0xDC00...0xDFFF: return false
                default: return true
                }
            default: return false
            }
        }

        mutating func hex4() -> UInt16? {
            guard bytes.count - index >= 4 else { return nil }
            var unit: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                unit = unit << 4 | UInt16(digit)
                index += 1
            }
            return unit
        }

        /// One multi-byte UTF-8 sequence (no overlongs, no surrogates, nothing past U+10FFFF).
        mutating func utf8Sequence() -> Bool {
            let lead = bytes[index]
            let count: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: count = 1
            case 0xE0:
                count = 2
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: count = 2
            case 0xED:
                count = 2
                high = 0x9F
            case 0xF0:
                count = 3
                low = 0x90
            case 0xF1...0xF3: count = 3
            case 0xF4:
                count = 3
                high = 0x8F
            default: return false
            }
            guard bytes.count - index > count else { return false }
            let second = bytes[index + 1]
            guard second >= low && second <= high else { return false }
            for offset in stride(from: 2, through: count, by: 1) where bytes[index + offset] & 0xC0 != 0x80 { return false }
            index += count + 1
            return true
        }
    }
}

/// Decodes when the bytes are a JSON object, whatever its members: `JSONDecoder`'s word on what
/// `StrictJSONObject` refuses, and what the fuzz target and tests hold it to.
public struct AnyJSONObject: Decodable {
    public init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
