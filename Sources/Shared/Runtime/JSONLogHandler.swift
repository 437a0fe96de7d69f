import Glibc
import Logging

/// One JSON object per log line on stderr (`[server] log_format = "json"`), for log shippers:
/// `{"time","level","label","message", ...metadata}`. The front and its workers both use it; the
/// front tells its workers through `ORCHESTRA_LOG_FORMAT`. Keys sorted; built by `LogLine`, not
/// `JSONEncoder`, since every answered request logs a line.
public struct JSONLogHandler: LogHandler {
    public static let environmentVariable = "ORCHESTRA_LOG_FORMAT"

    public let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String) {
        self.label = label
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        LogLine.write(line(for: event, at: time(nil)))
    }

    /// The line for `event` logged at `seconds` (Unix time), without its newline.
    func line(for event: LogEvent, at seconds: time_t) -> LogLine {
        // Metadata never replaces the line's own fields; "time" is written as it is reached.
        var fields: [String: String] = ["time": "", "level": event.level.rawValue, "label": label, "message": event.message.description]
        for (key, value) in LogLine.merged(metadata, event.metadata) where fields[key] == nil {
            fields[key] = value.description
        }
        var line = LogLine()
        line.append(UInt8(ascii: "{"))
        for (index, (key, value)) in fields.sorted(by: { $0.key < $1.key }).enumerated() {
            line.append(index == 0 ? "\"" : ",\"")
            line.appendJSONEscaped(key)
            line.append("\":\"")
            if key == "time" { line.appendTime(seconds, utc: true) } else { line.appendJSONEscaped(value) }
            line.append(UInt8(ascii: "\""))
        }
        line.append(UInt8(ascii: "}"))
        return line
    }
}
