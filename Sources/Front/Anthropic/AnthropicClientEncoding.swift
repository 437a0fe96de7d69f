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
    private var reader = ChatChunkReader()
    private var writer: AnthropicStreamWriter

    init(model: String) {
        writer = AnthropicStreamWriter(model: model)
    }

    mutating func chunk(_ bytes: ByteBuffer) -> (ByteBuffer, failure: GatewayError?) {
        let (chunks, failure) = reader.read(bytes)
        var out: [UInt8] = []
        for chunk in chunks { out += writer.events(for: chunk) }
        if let failure { out += AnthropicStreamWriter.error(failure) }
        return (ByteBuffer(bytes: out), failure)
    }

    mutating func end() -> ByteBuffer { ByteBuffer(bytes: writer.finish()) }
    func failure(_ error: GatewayError) -> ByteBuffer { ByteBuffer(bytes: AnthropicStreamWriter.error(error)) }
}
