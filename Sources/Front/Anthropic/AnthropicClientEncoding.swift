import FoundationEssentials
import NIOCore
import Shared

/// Anthropic clients (`/v1/messages`): a whole answer becomes a `message`, a stream Anthropic's events.
struct AnthropicClientEncoding: ClientEncoding {
    let model: String

    func stream() -> AnthropicStreamEncoding { AnthropicStreamEncoding(model: model) }

    func whole(_ body: ByteBuffer) throws(GatewayError) -> ByteBuffer {
        ByteBuffer(bytes: try AnthropicAnswers.message(fromChat: Array(body.readableBytesView), model: model))
    }
}

/// Anthropic clients (`/v1/messages`): chunks become Anthropic's named events.
struct AnthropicStreamEncoding: StreamEncoding {
    private var parser = SSEParser()
    private var writer: AnthropicStreamWriter

    init(model: String) {
        writer = AnthropicStreamWriter(model: model)
    }

    mutating func chunk(_ bytes: ByteBuffer) -> (ByteBuffer, failure: GatewayError?) {
        var out: [UInt8] = []
        for event in parser.feed(bytes.readableBytesView) {
            guard let chunk = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(event.data)) else { continue }
            if let body = chunk.error {
                let error = GatewayError(
                    .upstream(status: 502, type: body.type ?? "api_error", code: nil), message: body.message ?? "upstream error")
                return (ByteBuffer(bytes: out + AnthropicStreamWriter.error(error)), error)
            }
            out += writer.events(for: chunk)
        }
        return (ByteBuffer(bytes: out), nil)
    }

    mutating func end() -> ByteBuffer { ByteBuffer(bytes: writer.finish()) }
    func failure(_ error: GatewayError) -> ByteBuffer { ByteBuffer(bytes: AnthropicStreamWriter.error(error)) }
}
