import Shared

/// Re-wraps an upstream's error answer in OpenAI's shape with a status the client's SDK handles well.
///
/// Upstream 4xx keep their status (a 429 stays a 429 so SDKs back off); upstream 5xx become 502, the
/// gateway's "the provider failed" status. The message names the provider.
enum UpstreamErrorMapper {
    static func map(provider: String, status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        let parsed = ParsedUpstreamError(body: body)
        let detail = parsed.message ?? fallbackMessage(status: status, body: body)
        let forwarded = ForwardedHeaders.select(headers)
        if status >= 500 {
            return GatewayError(
                .upstreamServerError,
                message: "\(provider): upstream returned HTTP \(status): \(detail)", headers: forwarded
            )
        }
        let status = (400...499).contains(status) ? status : 502
        var headers = forwarded
        let code = GatewayError.Code.upstream(
            status: status, type: parsed.type ?? defaultType(for: status), code: parsed.code ?? defaultCode(for: status)
        )
        if code.isQuotaExhausted {
            // Out of credits or quota: waiting a few seconds will not help, so tell SDKs not to retry.
            headers.removeAll { $0.name == "x-should-retry" }
            headers.append(HTTPHeader(name: "x-should-retry", value: "false"))
        }
        return GatewayError(code, message: "\(provider): \(detail)", param: parsed.param, headers: headers)
    }

    static func defaultType(for status: Int) -> String {
        switch status {
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "invalid_request_error"
        case 429: return "rate_limit_error"
        case 500...: return "upstream_error"
        default: return "invalid_request_error"
        }
    }

    static func defaultCode(for status: Int) -> String? {
        switch status {
        case 401: return "invalid_api_key"
        case 404: return "model_not_found"
        case 429: return "rate_limit_exceeded"
        default: return nil
        }
    }

    private static func fallbackMessage(status: Int, body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        return text.isEmpty ? "HTTP \(status) with an empty body" : text
    }
}

/// The useful fields of the error bodies OpenAI-style upstreams send: OpenAI's nested object,
/// OpenRouter's numeric `code`, Mistral's flat `{"object":"error",...}`, FastAPI's `detail`.
struct ParsedUpstreamError {
    var message: String?
    var type: String?
    var code: String?
    var param: String?

    init(body: [UInt8]) {
        guard let json = try? JSONValue.decode(body) else { return }
        let error = json["error"]?.objectValue.map(JSONValue.object) ?? json
        if let text = json["error"]?.stringValue {
            message = text
        } else {
            message = error["message"]?.stringValue ?? error["detail"]?.stringValue
        }
        type = error["type"]?.stringValue
        switch error["code"] {
        case .string(let value): code = value
        case .int: code = nil  // OpenRouter repeats the HTTP status here; the status says it already.
        default: code = nil
        }
        param = error["param"]?.stringValue
    }
}
