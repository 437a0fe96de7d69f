import Shared

/// Every OpenAI-compatible provider: the client's body goes upstream with the model id unprefixed
/// and the provider's key as a bearer token; the answer comes back as it is.
struct OpenAIDialect: Dialect {
    private let provider: String
    private let chatURL: String
    private let staticHeaders: [String]

    init(config: ProviderConfig, key: String?) {
        provider = config.name
        var base = config.baseURL
        while base.hasSuffix("/") { base.removeLast() }
        chatURL = base + "/chat/completions"
        var headers = ["Content-Type: application/json", "Accept: application/json, text/event-stream"]
        if let key { headers.append("Authorization: Bearer \(key)") }
        headers += config.headers.map { "\($0.name): \($0.value)" }
        staticHeaders = headers
    }

    func prepare(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        var body: JSONValue
        do {
            body = try JSONValue.decode(call.body.readableBytesView)
        } catch {
            throw .invalidRequest("Request body is not valid JSON.", code: "invalid_json")
        }
        body["model"] = .string(call.model)
        return PreparedRequest(url: chatURL, headers: staticHeaders, body: body.encoded(), translator: OpenAIPassthrough())
    }

    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        UpstreamErrorMapper.map(provider: provider, status: status, body: body, headers: headers)
    }
}

/// OpenAI in, OpenAI out: only the `[DONE]` sentinel is dropped (the front writes its own).
struct OpenAIPassthrough: ResponseTranslator {
    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        if event.data.starts(with: "[DONE]".utf8) { return [] }
        return [event.data]
    }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        body
    }
}
