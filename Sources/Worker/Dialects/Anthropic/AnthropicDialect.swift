import FoundationEssentials
import Shared

/// Anthropic's Messages API as an upstream (Kimi Code, Anthropic, any compatible endpoint):
/// `POST {base}/v1/messages` with `x-api-key` and `anthropic-version`.
struct AnthropicDialect: Dialect {
    static let version = "2023-06-01"

    let provider: String
    private let messagesURL: String
    private let staticHeaders: [String]
    private let models: [ModelInfo]
    private let thinking = ToolCallMemory<ThinkingBlock>(size: { $0.thinking.utf8.count + $0.signature.utf8.count })

    init(config: ProviderConfig) {
        provider = config.name
        models = config.models
        let base = config.trimmedBaseURL
        messagesURL = base + (base.hasSuffix("/v1") ? "/messages" : "/v1/messages")
        staticHeaders = config.upstreamHeaders(["Content-Type: application/json", "anthropic-version: \(Self.version)"])
    }

    func credentials(_ key: String) -> [String] {
        ["x-api-key: \(key)"]
    }

    func prepareChat(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        let request = try ChatRequest.decode(Array(call.body.readableBytesView))
        let defaultMaxTokens = min(models.first { $0.id == call.model }?.maxOutput ?? 4096, 32_768)
        let translated = try AnthropicRequestTranslator(
            provider: provider, model: call.model, defaultMaxTokens: defaultMaxTokens, thinking: thinking
        )
        .translate(request, stream: call.stream)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let body = try? encoder.encode(translated) else {
            throw .invalidRequest("The request could not be translated for \(provider).", code: .badRequest)
        }
        return PreparedRequest(
            url: messagesURL, headers: staticHeaders, body: Array(body),
            translator: AnthropicResponseTranslator(
                provider: provider, model: call.model, includeUsage: request.wantsStreamUsage, thinking: thinking
            )
        )
    }

    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        if status == 529 {
            let parsed = ParsedUpstreamError(body: body)
            return AnthropicErrorMapper.streamError(
                provider: provider, type: "overloaded_error", message: parsed.message, headers: ForwardedHeaders.select(headers))
        }
        return UpstreamErrorMapper.map(provider: provider, status: status, body: body, headers: headers)
    }
}

/// Anthropic's `overloaded_error` (HTTP 529, or an `error` event inside a stream) means "try again
/// soon": a 503, which SDKs retry, rather than the 502 of a broken upstream.
enum AnthropicErrorMapper {
    static func streamError(provider: String, type: String?, message: String?, headers: [HTTPHeader] = []) -> GatewayError {
        let text = "\(provider): \(message ?? "upstream error")"
        switch type {
        case "overloaded_error":
            return GatewayError(.upstreamOverloaded, message: text, headers: headers)
        case "rate_limit_error":
            return GatewayError(.upstreamRateLimited, message: text, headers: headers)
        default:
            return GatewayError(
                .upstream(status: 502, type: type ?? "upstream_error", code: "upstream_error"), message: text, headers: headers)
        }
    }
}
