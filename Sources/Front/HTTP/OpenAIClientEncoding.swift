import NIOCore
import Shared

/// OpenAI clients: the worker already speaks their language.
struct OpenAIClientEncoding: ClientEncoding {
    func stream() -> OpenAIStreamEncoding { OpenAIStreamEncoding() }
    func whole(_ body: ByteBuffer) throws(GatewayError) -> ByteBuffer { body }
}

/// OpenAI clients: chunks go out as they are (no copy), then `data: [DONE]`, or a
/// `data: {"error":…}` event when the upstream fails after the stream began.
struct OpenAIStreamEncoding: StreamEncoding {
    func chunk(_ bytes: ByteBuffer) -> (ByteBuffer, failure: GatewayError?) { (bytes, nil) }
    func end() -> ByteBuffer { SSEFraming.done }
    func failure(_ error: GatewayError) -> ByteBuffer { SSEFraming.error(error) }
}
