import Glibc
import Logging

/// Text log lines on stderr, the default (`[server] log_format = "text"`), in swift-log's
/// `StreamLogHandler` layout: `2026-12-02T02:13:09+0000 info orchestra: key=value … [Module] message`.
/// Its own handler because the stock one cost about 55k instructions a line, and every answered
/// request logs one (`LogLine`).
public struct TextLogHandler: LogHandler {
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
}
