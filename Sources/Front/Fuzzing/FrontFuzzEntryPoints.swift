import NIOCore
import Shared

/// The front's decoders of client input and its Anthropic encoder as public calls for the libFuzzer
/// harness (`Sources/Fuzz`): arbitrary bytes in, nothing out but a crash if one of them has a bug.
public enum FrontFuzzEntryPoints {
    /// A `/v1/messages` body decoded and translated to a chat request, as the route does.
    public static func anthropicRequest(_ bytes: [UInt8]) {
        guard let request = try? GatewayError.decodeRequest(AnthropicRequest.self, from: bytes) else { return }
        _ = try? AnthropicIngress.chatBody(request)
    }

    /// A worker's chat answer, whole and as an event stream, encoded for an Anthropic client.
    public static func anthropicAnswer(_ bytes: [UInt8]) {
        _ = try? AnthropicAnswers.message(fromChat: bytes, model: "p/m")
        var stream = AnthropicStreamEncoding(model: "p/m")
        let split = bytes.first.map { Int($0) % (bytes.count + 1) } ?? 0
        _ = stream.chunk(ByteBuffer(bytes: bytes[..<split]))
        _ = stream.chunk(ByteBuffer(bytes: bytes[split...]))
        _ = stream.end()
    }
}
