import Glibc
import Logging

/// One log line built in one byte buffer and written with one `write(2)` (lines from several threads
/// never interleave), for `GatewayLogHandler`. Every answered request logs a
/// line, so this is on the hot path: swift-log's `StreamLogHandler` took about 55k instructions a line
/// (`localtime` and `strftime`, the level printed by reflection, stdio under a lock) and a `JSONEncoder`
/// line more; this takes a few thousand.
struct LogLine {
    private(set) var bytes: [UInt8] = []

    init() {
        bytes.reserveCapacity(320)
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ byte: UInt8) {
        bytes.append(byte)
    }

    /// `text` as the inside of a JSON string: quotes, backslashes and control characters escaped.
    mutating func appendJSONEscaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
                case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0..<0x20:
                    bytes.append(contentsOf: Array("\\u00".utf8))
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0x0F)])
                default: bytes.append(byte)
                }
            }
        }
    }

    /// `seconds` (Unix time) as `2026-12-02T02:13:09+0000` (local time, as `strftime("%Y-%m-%dT%H:%M:%S%z")`),
    /// or in UTC as `2026-12-02T02:13:09Z`.
    mutating func appendTime(_ seconds: time_t, utc: Bool) {
        var now = seconds
        var parts = tm()
        if utc { gmtime_r(&now, &parts) } else { localtime_r(&now, &parts) }
        appendDigits(Int(parts.tm_year) + 1900, count: 4)
        append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mon) + 1, count: 2)
        append(UInt8(ascii: "-"))
        appendDigits(Int(parts.tm_mday), count: 2)
        append(UInt8(ascii: "T"))
        appendDigits(Int(parts.tm_hour), count: 2)
        append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_min), count: 2)
        append(UInt8(ascii: ":"))
        appendDigits(Int(parts.tm_sec), count: 2)
        guard !utc else {
            append(UInt8(ascii: "Z"))
            return
        }
        let offset = parts.tm_gmtoff / 60
        append(UInt8(ascii: offset < 0 ? "-" : "+"))
        appendDigits(abs(offset) / 60, count: 2)
        appendDigits(abs(offset) % 60, count: 2)
    }

    private mutating func appendDigits(_ value: Int, count: Int) {
        var divisor = 1
        for _ in 1..<count { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Writes the line and its newline to standard error at once.
    static func write(_ line: LogLine) {
        var bytes = line.bytes
        bytes.append(0x0A)
        _ = bytes.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// The handler's metadata with the event's over it, sorted by key.
    static func merged(_ base: Logger.Metadata, _ event: Logger.Metadata?) -> [(key: String, value: Logger.MetadataValue)] {
        guard let event, !event.isEmpty else { return base.sorted { $0.key < $1.key } }
        guard !base.isEmpty else { return event.sorted { $0.key < $1.key } }
        return base.merging(event) { $1 }.sorted { $0.key < $1.key }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}
