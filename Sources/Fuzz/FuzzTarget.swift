import NIOCore
import OrchestraFront
import OrchestraWorker
import Shared

/// One thing the fuzzer feeds bytes to: each of the gateway's parsers of outside input.
enum FuzzTarget: String, CaseIterable {
    /// The front–worker frame codec: length-prefixed frames, each decoded.
    case frames
    /// The SSE parser, fed in two pieces split where the first byte says.
    case sse
    /// The JSON field rewriter and usage reader on the hot path.
    case scan
    /// The strict JSON object check and the request envelope read from it, against `JSONDecoder`.
    case envelope
    /// A client's request body prepared for every dialect and endpoint.
    case requests
    /// An upstream's answer, whole and streamed, through every dialect's translator.
    case answers
    /// A client's `/v1/messages` body decoded and translated to chat (the front's Anthropic ingress).
    case messages
    /// A chat answer, whole and streamed, encoded for an Anthropic client.
    case messageAnswers = "message-answers"
    /// A client's `/v1/responses` body decoded and translated to chat (the front's Responses ingress).
    case responses
    /// A chat answer, whole and streamed, encoded for a Responses client.
    case responseAnswers = "response-answers"

    func run(_ bytes: [UInt8]) {
        switch self {
        case .frames:
            var buffer = ByteBuffer(bytes: bytes)
            while let length: UInt32 = buffer.readInteger(), var payload = buffer.readSlice(length: Int(min(length, 1 << 20))) {
                _ = try? WorkerFrame.decode(&payload)
            }
        case .sse:
            var parser = SSEParser()
            let split = bytes.first.map { Int($0) % (bytes.count + 1) } ?? 0
            _ = parser.feed(bytes[..<split])
            _ = parser.feed(bytes[split...])
            _ = parser.finish()
        case .scan:
            FuzzEntryPoints.scan(bytes)
        case .envelope:
            FrontFuzzEntryPoints.envelope(bytes)
        case .requests:
            FuzzEntryPoints.prepare(bytes)
        case .answers:
            FuzzEntryPoints.translate(bytes)
        case .messages:
            FrontFuzzEntryPoints.anthropicRequest(bytes)
        case .messageAnswers:
            FrontFuzzEntryPoints.anthropicAnswer(bytes)
        case .responses:
            FrontFuzzEntryPoints.responsesRequest(bytes)
        case .responseAnswers:
            FrontFuzzEntryPoints.responsesAnswer(bytes)
        }
    }
}
