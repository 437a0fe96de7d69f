import FoundationEssentials
import NIOCore
import Shared

/// Reads a worker's stream (OpenAI chunks, SSE-framed) for the client encodings that rewrite it
/// (Anthropic, Responses): each chunk as a probe, and the upstream's error if one arrives inside.
struct ChatChunkReader: Sendable {
    private var parser = SSEParser()

    /// The chunks in `bytes` up to an error event, and that error.
    mutating func read(_ bytes: ByteBuffer) -> (chunks: [OpenAIAnswerProbe], failure: GatewayError?) {
        var chunks: [OpenAIAnswerProbe] = []
        for event in parser.feed(bytes.readableBytesView) {
            guard let chunk = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(event.data)) else { continue }
            if let body = chunk.error {
                let error = GatewayError(
                    .upstream(status: 502, type: body.type ?? "api_error", code: nil), message: body.message ?? "upstream error")
                return (chunks, error)
            }
            chunks.append(chunk)
        }
        return (chunks, nil)
    }
}
