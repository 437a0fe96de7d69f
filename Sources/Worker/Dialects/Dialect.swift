import NIOCore
import Shared

/// Translates between the OpenAI requests the gateway accepts and one upstream's wire format.
///
/// One file per dialect implements it. A dialect holds its provider's key; nothing else in the
/// worker needs it. Chat is required; completions and embeddings have defaults (chat emulation,
/// "not offered") that a dialect replaces where its upstream does better.
protocol Dialect: Sendable {
    /// The provider's name, for messages.
    var provider: String { get }
    /// The headers that carry one of the provider's keys.
    func credentials(_ key: String) -> [String]
    /// Builds the upstream HTTP request for a chat call, or says why the call is invalid.
    func prepareChat(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest
    /// A completion the upstream serves itself (OpenAI's `/completions`, Mistral's FIM); `nil` to
    /// serve it through chat.
    func prepareCompletion(_ call: UpstreamCall, request: CompletionRequest) throws(GatewayError) -> PreparedRequest?
    func prepareEmbeddings(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest
    /// Turns an upstream error answer into the error the client gets.
    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError
}

extension Dialect {
    func prepareCompletion(_ call: UpstreamCall, request: CompletionRequest) throws(GatewayError) -> PreparedRequest? {
        nil
    }

    func prepareEmbeddings(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        throw .unsupportedEndpoint(provider: provider, endpoint: "/v1/embeddings")
    }

    /// The upstream request for a call on any endpoint.
    func prepare(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        switch call.endpoint {
        case .chatCompletions:
            return try prepareChat(call)
        case .embeddings:
            return try prepareEmbeddings(call)
        case .completions, .fimCompletions:
            let request = try CompletionRequest.decode(Array(call.body.readableBytesView))
            if let native = try prepareCompletion(call, request: request) { return native }
            var prepared = try prepareChat(CompletionEmulation.chatCall(for: call, request: request))
            // `/v1/fim/completions` answers in chat shape (as Mistral's does); `/v1/completions` in text.
            if call.endpoint == .completions {
                prepared.translator = TextCompletionTranslator(wrapping: prepared.translator, provider: provider)
            }
            return prepared
        }
    }
}

/// An upstream request ready for libcurl, plus the per-request state that converts its answer.
struct PreparedRequest {
    var url: String
    var headers: [String]
    var body: [UInt8]
    var translator: any ResponseTranslator
}

/// Converts one upstream answer into OpenAI chunks or body; may keep state across stream events.
protocol ResponseTranslator {
    /// OpenAI `chat.completion.chunk` payloads for one upstream SSE event (none, one or several).
    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]]
    /// Called when the upstream stream ended cleanly: the last payloads (a usage chunk, say), or an
    /// error if the stream ended before the answer was complete.
    mutating func finishStream() throws(GatewayError) -> [[UInt8]]
    /// The OpenAI response body for a whole upstream answer.
    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8]
    /// The usage the upstream reported in a stream so far, whether or not the client asked to see it
    /// (Anthropic's `message_start` and `message_delta`, Gemini's `usageMetadata`).
    var reportedUsage: Usage? { get }
}

extension ResponseTranslator {
    var reportedUsage: Usage? { nil }
}

/// Upstream headers the client may see: rate-limit state and request ids, never cookies or auth. The
/// upstream's `x-request-id` is passed on as `x-upstream-request-id`: `x-request-id` is the gateway's own.
enum ForwardedHeaders {
    static func select(_ headers: [HTTPHeader]) -> [HTTPHeader] {
        headers.compactMap { header in
            let name =
                header.name.utf8.contains { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") } ? header.name.lowercased() : header.name
            if name == "x-request-id" { return HTTPHeader(name: "x-upstream-request-id", value: header.value) }
            let kept =
                name.hasPrefix("x-ratelimit-") || name == "retry-after" || name == "retry-after-ms"
                || name.hasPrefix("anthropic-ratelimit-") || name == "x-should-retry"
            return kept ? header : nil
        }
    }
}
