import NIOCore

/// An incremental parser for `text/event-stream` bodies, fed bytes as they arrive from the network.
///
/// Events may be split across reads at any byte; lines may end in `\n`, `\r\n` or `\r`. Comment lines
/// (`: keep-alive`) are skipped. Only `event` and `data` fields matter to the gateway.
public struct SSEParser: Sendable {
    public struct Event: Sendable, Equatable {
        public var name: String?
        public var data: [UInt8]
    }

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventName: String?
    private var lastWasCR = false

    public init() {}

    /// Consumes `bytes` and returns every event they complete.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        // Across the module boundary this generic is not specialized: a byte at a time through the
        // Sequence protocol cost a third of a streaming worker's instructions. Contiguous bytes go
        // through the loop below in one piece.
        if let events = bytes.withContiguousStorageIfAvailable({ feed(contiguous: $0) }) { return events }
        return Array(bytes).withUnsafeBufferPointer { feed(contiguous: $0) }
    }

    /// Consumes `bytes`, copying each line's bytes into the line buffer in one piece.
    public mutating func feed(contiguous bytes: UnsafeBufferPointer<UInt8>) -> [Event] {
        var events: [Event] = []
        var runStart = 0
        for index in 0..<bytes.count {
            let byte = bytes[index]
            guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else { continue }
            // A line feed right after a carriage return (here or at the end of the last piece) ends nothing.
            let afterCR = index == runStart && lastWasCR
            line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            runStart = index + 1
            lastWasCR = byte == UInt8(ascii: "\r")
            if lastWasCR || !afterCR { endLine(into: &events) }
        }
        if runStart < bytes.count {
            line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
            lastWasCR = false
        }
        return events
    }

    /// Returns the event left unterminated when the body ended (some servers omit the final blank line).
    public mutating func finish() -> Event? {
        var events: [Event] = []
        if !line.isEmpty { endLine(into: &events) }
        endLine(into: &events)
        return events.first
    }

    private mutating func endLine(into events: inout [Event]) {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty {
            if hasData {
                events.append(Event(name: eventName, data: data))
            }
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventName = nil
            return
        }
        if line[0] == UInt8(ascii: ":") { return }
        let colon = line.firstIndex(of: UInt8(ascii: ":")) ?? line.endIndex
        let field = line[line.startIndex..<colon]
        var valueStart = colon == line.endIndex ? colon : line.index(after: colon)
        if valueStart < line.endIndex, line[valueStart] == UInt8(ascii: " ") { valueStart = line.index(after: valueStart) }
        let value = line[valueStart...]
        if field.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        } else if field.elementsEqual("event".utf8) {
            eventName = String(decoding: value, as: UTF8.self)
        }
    }
}

/// Writes OpenAI-style server-sent events: `data: <payload>` and a blank line.
public enum SSEFraming {
    public static func append(_ payload: some Collection<UInt8>, to buffer: inout ByteBuffer) {
        buffer.writeStaticString("data: ")
        buffer.writeBytes(payload)
        buffer.writeStaticString("\n\n")
    }

    public static let done = ByteBuffer(string: "data: [DONE]\n\n")

    public static func error(_ error: GatewayError) -> ByteBuffer {
        ByteBuffer(string: "data: \(error.jsonBody)\n\n")
    }
}
