import FoundationEssentials
import Shared

/// Google's native Gemini API: `generateContent` / `streamGenerateContent?alt=sse` with the key in
/// `x-goog-api-key` (never in the URL, where it would reach logs).
struct GeminiDialect: Dialect {
    let provider: String
    let baseURL: String
    let staticHeaders: [String]
    /// Thought signatures this worker issued, by tool-call id: for clients that drop both the id's
    /// suffix and `extra_content` when they replay a call.
    private let signatures = ToolCallMemory<String>()

    init(config: ProviderConfig) {
        provider = config.name
        baseURL = config.trimmedBaseURL
        staticHeaders = config.upstreamHeaders(["Content-Type: application/json"])
    }

    func credentials(_ key: String) -> [String] {
        ["x-goog-api-key: \(key)"]
    }

    func prepareChat(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        let request = try ChatRequest.decode(Array(call.body.readableBytesView))
        var model = call.model
        if model.hasPrefix("models/") { model.removeFirst(7) }
        let translated = try GeminiRequestTranslator(provider: provider, model: model, signatures: signatures).translate(request)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let body = try? encoder.encode(translated) else {
            throw .invalidRequest("The request could not be translated for \(provider).", code: .badRequest)
        }
        let url = baseURL + "/models/" + Self.pathSegment(model) + (call.stream ? ":streamGenerateContent?alt=sse" : ":generateContent")
        return PreparedRequest(
            url: url, headers: staticHeaders, body: Array(body),
            translator: GeminiResponseTranslator(
                provider: provider, model: model, includeUsage: request.wantsStreamUsage, signatures: signatures)
        )
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters.
    static func pathSegment(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return out
    }

    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        guard let envelope = GeminiErrorMapper.decode(body) else {
            return UpstreamErrorMapper.map(provider: provider, status: status, body: body, headers: headers)
        }
        return GeminiErrorMapper.map(provider: provider, status: status, error: envelope, headers: headers)
    }
}

/// Google's errors → OpenAI's: `RESOURCE_EXHAUSTED` is a 429 with `retry-after` from `RetryInfo`,
/// and a bad key (a 400 `INVALID_ARGUMENT` with reason `API_KEY_INVALID`) is the 401 it really is.
enum GeminiErrorMapper {
    static func decode(_ body: [UInt8]) -> GeminiError? {
        let decoder = JSONDecoder()
        if let envelope = try? decoder.decode(GeminiErrorEnvelope.self, from: Data(body)) { return envelope.error }
        // Without `alt=sse` Google wraps everything in an array, errors included.
        return (try? decoder.decode([GeminiErrorEnvelope].self, from: Data(body)))?.first?.error
    }

    static func map(provider: String, status: Int, error: GeminiError, headers: [HTTPHeader]) -> GatewayError {
        let message = "\(provider): \(error.message ?? "HTTP \(status)")"
        var forwarded = ForwardedHeaders.select(headers)
        let details = error.details ?? []
        if details.contains(where: { $0.reason == "API_KEY_INVALID" }) {
            return GatewayError(
                .upstream(status: 401, type: "authentication_error", code: "invalid_api_key"), message: message, headers: forwarded)
        }
        if status == 429 || error.status == "RESOURCE_EXHAUSTED" {
            if let delay = details.lazy.compactMap(\.retryDelay).first, let seconds = parseDuration(delay),
                !forwarded.contains(where: { $0.name == "retry-after" })
            {
                forwarded.append(HTTPHeader(name: "retry-after", value: String(Int(seconds.rounded(.up)))))
            }
            // A spent daily quota (QuotaFailure on a `...PerDay` quota) is not short throttling.
            let daily = details.contains { $0.violations?.contains { $0.quotaId?.contains("PerDay") ?? false } ?? false }
            if daily { forwarded.append(HTTPHeader(name: "x-should-retry", value: "false")) }
            return GatewayError(daily ? .quotaExhausted : .upstreamRateLimited, message: message, headers: forwarded)
        }
        if status >= 500 {
            return GatewayError(
                .upstreamServerError,
                message: "\(provider): upstream returned HTTP \(status): \(error.message ?? error.status ?? "")", headers: forwarded
            )
        }
        let clientStatus = (400...499).contains(status) ? status : 502
        let code = GatewayError.Code.upstream(
            status: clientStatus, type: UpstreamErrorMapper.defaultType(for: clientStatus),
            code: UpstreamErrorMapper.defaultCode(for: clientStatus) ?? error.status?.lowercased()
        )
        return GatewayError(code, message: message, headers: forwarded)
    }

    /// Google's protobuf durations: `"30s"`, `"1.5s"`.
    static func parseDuration(_ text: String) -> Double? {
        guard text.hasSuffix("s") else { return nil }
        return Double(text.dropLast())
    }
}
