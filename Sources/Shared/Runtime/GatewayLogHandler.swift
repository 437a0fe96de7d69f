import Glibc
import Logging

/// Every log line of the front and its workers, on stderr, one `write(2)` each (`LogLine`), in one of two
/// formats (`[server] log_format`; the front tells its workers through `ORCHESTRA_LOG_FORMAT`):
/// - `text`, the default, in swift-log's `StreamLogHandler` layout:
///   `2026-12-02T02:13:09+0000 info orchestra: key=value … [Module] message`;
/// - `json`, one object per line for log shippers: `{"label","level","message","time", ...metadata}`,
///   keys sorted.
/// Its own handler because every answered request logs a line, and the stock ones cost about 55k
/// instructions a line (`StreamLogHandler`) or more (a `JSONEncoder`).
public struct GatewayLogHandler: LogHandler {
    public enum Format: Sendable { case text, json }

    public static let formatVariable = "ORCHESTRA_LOG_FORMAT"

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
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
        switch format {
        case .text: textLine(for: event, at: seconds)
        case .json: jsonLine(for: event, at: seconds)
        }
    }

    private func textLine(for event: LogEvent, at seconds: time_t) -> LogLine {
        var line = LogLine()
        line.appendTime(seconds, utc: false)
        line.append(UInt8(ascii: " "))
        line.append(event.level.rawValue)
        if !label.isEmpty {
            line.append(UInt8(ascii: " "))
            line.append(label)
        }
        line.append(UInt8(ascii: ":"))
        for (key, value) in LogLine.merged(metadata, event.metadata) {
            line.append(UInt8(ascii: " "))
            line.append(key)
            line.append(UInt8(ascii: "="))
            line.append(value.description)
        }
        line.append(" [")
        line.append(event.source)
        line.append("] ")
        line.append(event.message.description)
        return line
    }

    private func jsonLine(for event: LogEvent, at seconds: time_t) -> LogLine {
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
