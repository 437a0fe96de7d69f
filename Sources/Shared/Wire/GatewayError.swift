/// An error as a client sees it: an HTTP status plus OpenAI's `{"error":{...}}` body.
///
/// Front and worker both produce these (the worker for upstream failures, the front for bad input),
/// so one type carries them across the socket and renders them the same way everywhere. Status,
/// `type`, OpenAI `code` and whether to retry all follow from the typed `code`.
public struct GatewayError: Error, Sendable, Equatable {
    public var code: Code
    public var message: String
    public var param: String?
    /// Response headers that belong with the error, e.g. `retry-after` or `x-ratelimit-*`.
    public var headers: [HTTPHeader]

    public init(_ code: Code, message: String, param: String? = nil, headers: [HTTPHeader] = []) {
        self.code = code
        self.message = message
        self.param = param
        self.headers = headers
    }

    public var status: Int { code.status }
    public var type: String { code.type }
    /// OpenAI's `error.code`.
    public var codeName: String? { code.name }

    /// The OpenAI-shaped JSON body: `{"error":{"message","type","param","code"}}`.
    public var jsonBody: String {
        var out = #"{"error":{"message":"#
        out += JSONText.quoted(message)
        out += #","type":"# + JSONText.quoted(type)
        out += #","param":"# + (param.map(JSONText.quoted) ?? "null")
        out += #","code":"# + (codeName.map(JSONText.quoted) ?? "null")
        out += "}}"
        return out
    }
}

extension GatewayError {
    public static func invalidRequest(_ message: String, code: Code, param: String? = nil) -> GatewayError {
        GatewayError(code, message: message, param: param)
    }

    public static func modelNotFound(_ message: String) -> GatewayError {
        GatewayError(.modelNotFound, message: message, param: "model")
    }

    public static func missingKey(provider: String, source: String) -> GatewayError {
        GatewayError(.missingKey, message: "Provider '\(provider)' has no API key: \(source).")
    }

    public static func unsupportedEndpoint(provider: String, endpoint: String) -> GatewayError {
        GatewayError(.unsupportedEndpoint, message: "Provider '\(provider)' does not offer \(endpoint).")
    }

    public static func bodyTooLarge(limit: Int) -> GatewayError {
        GatewayError(.requestTooLarge, message: "Request body is larger than the limit of \(limit) bytes.")
    }

    public static func providerUnavailable(_ provider: String, reason: String, retryAfter: Int = 1) -> GatewayError {
        GatewayError(
            .providerUnavailable, message: "Provider '\(provider)' is unavailable: \(reason).",
            headers: [HTTPHeader(name: "retry-after", value: String(retryAfter))]
        )
    }

    public static func upstreamUnreachable(_ provider: String, detail: String) -> GatewayError {
        GatewayError(.upstreamUnreachable, message: "\(provider): upstream request failed: \(detail)")
    }

    public static func upstreamInvalid(_ provider: String, detail: String) -> GatewayError {
        GatewayError(.upstreamInvalid, message: "\(provider): the upstream answer could not be used: \(detail)")
    }

    public static func upstreamTimeout(_ provider: String, detail: String) -> GatewayError {
        GatewayError(.upstreamTimeout, message: "\(provider): upstream timed out: \(detail)")
    }

    public static func workerLost(_ provider: String) -> GatewayError {
        GatewayError(.workerLost, message: "\(provider): the provider's worker process went away during the request")
    }

    /// Whether another try may succeed: the code allows it and the upstream did not say
    /// `x-should-retry: false`.
    public var isRetryable: Bool { code.isRetryable && !upstreamSaysNoRetry }

    /// Whether the next member of a route may be tried (see `Code.allowsFallback`).
    public var allowsFallback: Bool { code.allowsFallback && !upstreamSaysNoRetry }

    private var upstreamSaysNoRetry: Bool {
        headers.contains { $0.name.lowercased() == "x-should-retry" && $0.value == "false" }
    }

    /// Seconds the answer asks the client to wait (`retry-after`), when it says.
    public var retryAfter: Double? {
        headers.first { $0.name.lowercased() == "retry-after" }.flatMap { Double($0.value) }
    }
}

/// One HTTP header as carried between processes (order and duplicates preserved).
public struct HTTPHeader: Sendable, Equatable, Codable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
