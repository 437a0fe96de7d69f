import Foundation
import NIOCore
import Shared

/// The front's decoders of client input and its Anthropic and Responses encoders as public calls for
/// the libFuzzer harness (`Sources/Fuzz`): arbitrary bytes in, nothing out but a crash if one of them has a bug.
public enum FrontFuzzEntryPoints {
    /// A request body read the fast way (`StrictJSONObject`, `ProxyRoute.Envelope.read`) and by
    /// `JSONDecoder`: the fast way must never accept what the decoder refuses, nor read other values.
    public static func envelope(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            let strict = StrictJSONObject(raw)
            let decoded = try? JSONDecoder().decode(ProxyRoute.Envelope.self, from: Data(bytes))
            let object = (try? JSONDecoder().decode(AnyJSONObject.self, from: Data(bytes))) != nil
            if strict != nil && !object { fatalError("StrictJSONObject accepted what JSONDecoder refuses") }
            if let fast = ProxyRoute.Envelope.read(raw), fast != decoded {
                fatalError("the envelope read \(fast), JSONDecoder \(String(describing: decoded))")
            }
        }
    }

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

    /// A `/v1/responses` body checked, decoded and translated to a chat request after a stored
    /// conversation, as the route does.
    public static func responsesRequest(_ bytes: [UInt8]) {
        guard (try? RequestFields.checked(bytes, allowed: ResponsesRequest.fields)) != nil,
            let request = try? GatewayError.decodeRequest(ResponsesRequest.self, from: bytes)
        else { return }
        _ = try? ResponsesIngress.translate(request, model: "p/m", earlier: [.object(["role": "user", "content": "earlier"])])
        _ = ResponseSettings(createdAt: 0, model: "p/m", request: request).object(status: "in_progress", output: nil)
    }

    /// A worker's chat answer, whole and as an event stream, encoded for a Responses client.
    public static func responsesAnswer(_ bytes: [UInt8]) {
        guard let request = try? GatewayError.decodeRequest(ResponsesRequest.self, from: Array(#"{"model":"p/m"}"#.utf8)) else { return }
        let encoding = ResponsesClientEncoding(settings: ResponseSettings(createdAt: 0, model: "p/m", request: request), keeper: nil)
        _ = try? encoding.whole(ByteBuffer(bytes: bytes))
        var stream = encoding.stream()
        let split = bytes.first.map { Int($0) % (bytes.count + 1) } ?? 0
        _ = stream.chunk(ByteBuffer(bytes: bytes[..<split]))
        _ = stream.chunk(ByteBuffer(bytes: bytes[split...]))
        _ = stream.end()
    }
}
