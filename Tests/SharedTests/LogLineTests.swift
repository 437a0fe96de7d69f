import Foundation
import Logging
import Testing

@testable import Shared

@Suite("Log lines: swift-log's text layout, JSON objects, one write each")
struct LogLineTests {
    static func event(_ message: Logger.Message, metadata: Logger.Metadata? = nil) -> LogEvent {
        LogEvent(level: .info, message: message, metadata: metadata, source: "OrchestraFront", file: #fileID, function: #function, line: 1)
    }

    static func text(_ line: LogLine) -> String { String(decoding: line.bytes, as: UTF8.self) }

    /// The time as swift-log's StreamLogHandler writes it: `strftime` of the local time.
    static func strftimed(_ seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        localtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(cString: buffer)
    }

    @Test func aTextLineHasStreamLogHandlersLayoutWithSortedMetadata() {
        var handler = GatewayLogHandler(label: "orchestra", format: .text)
        handler[metadataKey: "provider"] = "demo"
        let line = handler.line(
            for: Self.event("request", metadata: ["status": "200", "client": "key_1", "provider": "groq"]), at: 1_796_140_800)
        #expect(
            Self.text(line)
                == "\(Self.strftimed(1_796_140_800)) info orchestra: client=key_1 provider=groq status=200 [OrchestraFront] request")
        let bare = GatewayLogHandler(label: "orchestra", format: .text).line(for: Self.event("worker ready"), at: 1_796_140_801)
        #expect(Self.text(bare) == "\(Self.strftimed(1_796_140_801)) info orchestra: [OrchestraFront] worker ready")
    }

    @Test func aJSONLineIsOneObjectWithEscapedStringsAndItsOwnFieldsFirst() throws {
        let handler = GatewayLogHandler(label: "orchestra-worker.groq", format: .json)
        let line = handler.line(
            for: Self.event("said \"hi\"\n\tback\\slash \u{1}", metadata: ["level": "forged", "path": "/v1/chat", "model": "groq/llama"]),
            at: 1_796_140_800)
        let text = Self.text(line)
        #expect(!text.contains("\n"), "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.bytes)) as? [String: String])
        #expect(object["message"] == "said \"hi\"\n\tback\\slash \u{1}")
        #expect(object["level"] == "info", "metadata never replaces the line's own fields")
        #expect(object["time"] == "2026-12-01T16:00:00Z" && object["label"] == "orchestra-worker.groq")
        #expect(object["path"] == "/v1/chat" && object["model"] == "groq/llama")
        #expect(text.hasPrefix(#"{"label":"orchestra-worker.groq","level":"info","message":"#), "keys sorted")
        #expect(text.contains(#""path":"/v1/chat""#), "slashes stay")
    }
}
