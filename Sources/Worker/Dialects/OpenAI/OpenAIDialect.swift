import FoundationEssentials
import Shared

/// Every OpenAI-compatible provider: the client's body goes upstream with the model id unprefixed
/// and the provider's key as a bearer token; the answer comes back as it is. A provider's
/// `ProviderQuirks` are applied on the way; a provider without quirks keeps the fast path, where
/// only the `model` string is spliced and nothing is parsed.
struct OpenAIDialect: Dialect {
    let provider: String
    let config: ProviderConfig
    /// The base URL without a trailing slash; endpoints are appended to it.
    let baseURL: String
    let staticHeaders: [String]
    private let quirks: ProviderQuirks
    private let reasoning: ReasoningCache?

    init(config: ProviderConfig) {
        provider = config.name
        self.config = config
        baseURL = config.trimmedBaseURL
        staticHeaders = config.upstreamHeaders(["Content-Type: application/json", "Accept: application/json, text/event-stream"])
        quirks = config.quirks
        reasoning = config.quirks.echoReasoning ? ReasoningCache() : nil
    }

    func credentials(_ key: String) -> [String] {
        ["Authorization: Bearer \(key)"]
    }

    func prepareChat(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        var body: [UInt8]
        // A stream asks for usage even when the client did not: tokens are then counted exactly, and
        // the extra usage chunk is kept from the client.
        var hideUsage = false
        let askUsage = call.stream && quirks.askStreamUsage
        let hasStreamOptions = askUsage && call.body.withUnsafeReadableBytes { ByteSearch.first(Self.streamOptionsKey, in: $0) != nil }
        if quirks.rewritesRequests || hasStreamOptions {
            guard case .object(var request) = try? JSONValue.decode(call.body.readableBytesView) else {
                throw .invalidRequest("The request body is not a valid JSON object.", code: .invalidJSON)
            }
            request["model"] = .string(call.model)
            OpenAIRequestQuirks(quirks: quirks, reasoning: reasoning).apply(to: &request)
            if askUsage, request["stream_options"]?["include_usage"] != .bool(true) {
                var options = request["stream_options"]?.objectValue ?? [:]
                options["include_usage"] = .bool(true)
                request["stream_options"] = .object(options)
                hideUsage = true
            }
            body = JSONValue.object(request).encoded()
        } else {
            let rewritten = call.body.withUnsafeReadableBytes {
                JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: call.model)
            }
            guard let rewritten else {
                throw .invalidRequest("Request body must be a JSON object with a string 'model'.", code: .invalidJSON)
            }
            body = rewritten
            if askUsage, let brace = body.firstIndex(of: UInt8(ascii: "{")) {
                // No `stream_options` at all (checked above), and the object has a `model`: a new first field.
                body.insert(contentsOf: Self.askUsageField, at: brace + 1)
                hideUsage = true
            }
        }
        let answer = OpenAIAnswerQuirks(
            reasoningField: quirks.reasoningField, contentBlocks: quirks.contentBlocks, reasoning: reasoning
        )
        return PreparedRequest(
            url: baseURL + "/chat/completions", headers: staticHeaders, body: body,
            translator: OpenAIPassthrough(provider: provider, quirks: answer, hideUsage: hideUsage)
        )
    }

    private static let streamOptionsKey = Array(#""stream_options""#.utf8)
    private static let askUsageField = Array(#""stream_options":{"include_usage":true},"#.utf8)

    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        UpstreamErrorMapper.map(provider: provider, status: status, body: body, headers: headers)
    }
}

/// OpenAI in, OpenAI out. The `[DONE]` sentinel is dropped (the front writes its own), and anything
/// that is not a JSON object is refused: a client must never receive a `data:` line it cannot parse.
struct OpenAIPassthrough: ResponseTranslator {
    let provider: String
    private var quirks: OpenAIAnswerQuirks
    private var sawDone = false
    /// The gateway asked for the usage chunk, not the client: it is read, not passed on.
    private let hideUsage: Bool
    private(set) var reportedUsage: Usage?

    init(provider: String, quirks: OpenAIAnswerQuirks, hideUsage: Bool = false) {
        self.provider = provider
        self.quirks = quirks
        self.hideUsage = hideUsage
    }

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        if event.data.starts(with: "[DONE]".utf8) {
            sawDone = true
            return []
        }
        // Events are already framed by SSE, so a cut-off object cannot reach here; what must be caught
        // is a line that is not JSON at all (an HTML error page, a proxy banner). A brace check does
        // that at a fraction of a full parse, which matters once per token.
        guard JSONObjectProbe.looksLikeObject(event.data) else {
            throw .upstreamInvalid(provider, detail: "a stream event is not a JSON object")
        }
        if hideUsage, UsageChunk.isUsageOnly(event.data), let usage = UsageExtractor.usage(in: event.data) {
            reportedUsage = usage
            return []
        }
        return [quirks.isEmpty ? event.data : quirks.event(event.data)]
    }

    /// OpenAI-compatible servers end every complete stream with `[DONE]`; a connection closed before
    /// it is a cut stream, even when the HTTP body itself ended cleanly (close-delimited bodies).
    mutating func finishStream() throws(GatewayError) -> [[UInt8]] {
        guard sawDone else {
            throw .upstreamUnreachable(provider, detail: "the stream ended before [DONE]")
        }
        quirks.finishStream()
        return []
    }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        try JSONObjectProbe.check(body, provider: provider)
        return quirks.isEmpty ? body : quirks.body(body)
    }
}

/// Checks that bytes are one well-formed JSON object without building a value tree from them.
enum JSONObjectProbe {
    static func looksLikeObject(_ bytes: [UInt8]) -> Bool {
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }
        guard let first = bytes.first(where: { !isSpace($0) }), let last = bytes.last(where: { !isSpace($0) }) else { return false }
        return first == UInt8(ascii: "{") && last == UInt8(ascii: "}")
    }

    static func check(_ bytes: [UInt8], provider: String) throws(GatewayError) {
        // The strict check is far cheaper; where it says no, the decoder has the last word.
        if bytes.withUnsafeBytes({ StrictJSONObject($0) != nil }) { return }
        do {
            _ = try JSONDecoder().decode(AnyJSONObject.self, from: Data(bytes))
        } catch {
            throw .upstreamInvalid(provider, detail: "it is not valid JSON")
        }
    }
}
