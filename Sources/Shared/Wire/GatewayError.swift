/// An error as a client sees it: an HTTP status plus OpenAI's `{"error":{...}}` body.
///
/// Front and worker both produce these (the worker for upstream failures, the front for bad input),
/// so one type carries them across the socket and renders them the same way everywhere.
public struct GatewayError: Error, Sendable, Equatable {
    public var status: Int
    public var type: String
    public var code: String?
    public var message: String
    public var param: String?
    /// Response headers that belong with the error, e.g. `retry-after` or `x-ratelimit-*`.
    public var headers: [HTTPHeader]

    public init(status: Int, type: String, code: String?, message: String, param: String? = nil, headers: [HTTPHeader] = []) {
        self.status = status
        self.type = type
        self.code = code
        self.message = message
        self.param = param
        self.headers = headers
    }

    /// The OpenAI-shaped JSON body: `{"error":{"message","type","param","code"}}`.
    public var jsonBody: String {
        var out = #"{"error":{"message":"#
        out += JSONText.quoted(message)
        out += #","type":"# + JSONText.quoted(type)
        out += #","param":"# + (param.map(JSONText.quoted) ?? "null")
        out += #","code":"# + (code.map(JSONText.quoted) ?? "null")
        out += "}}"
        return out
    }
}

extension GatewayError {
    public static func invalidRequest(_ message: String, code: String, param: String? = nil) -> GatewayError {
        GatewayError(status: 400, type: "invalid_request_error", code: code, message: message, param: param)
    }

    public static func modelNotFound(_ message: String) -> GatewayError {
        GatewayError(status: 404, type: "invalid_request_error", code: "model_not_found", message: message, param: "model")
    }

    public static func missingKey(provider: String, source: String) -> GatewayError {
        GatewayError(
            status: 401, type: "authentication_error", code: "missing_api_key",
            message: "Provider '\(provider)' has no API key: \(source)."
        )
    }

    public static func unsupportedEndpoint(provider: String, endpoint: String) -> GatewayError {
        GatewayError(
            status: 400, type: "invalid_request_error", code: "unsupported_endpoint",
            message: "Provider '\(provider)' does not offer \(endpoint)."
        )
    }

    public static func bodyTooLarge(limit: Int) -> GatewayError {
        GatewayError(
            status: 413, type: "invalid_request_error", code: "request_too_large",
            message: "Request body is larger than the limit of \(limit) bytes."
        )
    }

    public static func providerUnavailable(_ provider: String, reason: String, retryAfter: Int = 1) -> GatewayError {
        GatewayError(
            status: 503, type: "server_error", code: "provider_unavailable",
            message: "Provider '\(provider)' is unavailable: \(reason).",
            headers: [HTTPHeader(name: "retry-after", value: String(retryAfter))]
        )
    }

    public static func upstreamUnreachable(_ provider: String, detail: String) -> GatewayError {
        GatewayError(
            status: 502, type: "upstream_error", code: "upstream_unreachable",
            message: "\(provider): upstream request failed: \(detail)"
        )
    }

    public static func upstreamInvalid(_ provider: String, detail: String) -> GatewayError {
        GatewayError(
            status: 502, type: "upstream_error", code: "upstream_invalid_response",
            message: "\(provider): the upstream answer could not be used: \(detail)"
        )
    }

    public static func upstreamTimeout(_ provider: String, detail: String) -> GatewayError {
        GatewayError(
            status: 504, type: "upstream_error", code: "upstream_timeout",
            message: "\(provider): upstream timed out: \(detail)"
        )
    }

    public static func workerLost(_ provider: String) -> GatewayError {
        GatewayError(
            status: 502, type: "upstream_error", code: "worker_lost",
            message: "\(provider): the provider's worker process went away during the request"
        )
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
