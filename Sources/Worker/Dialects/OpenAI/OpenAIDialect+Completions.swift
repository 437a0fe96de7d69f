import NIOCore
import Shared

/// `/v1/completions`, `/v1/fim/completions` and `/v1/embeddings` on OpenAI-compatible upstreams.
extension OpenAIDialect {
    func prepareCompletion(_ call: UpstreamCall, request: CompletionRequest) throws(GatewayError) -> PreparedRequest? {
        switch config.completions {
        case .chat:
            return nil
        case .native:
            // OpenAI-style servers have `/completions` (with `suffix`), but no FIM endpoint of their own.
            guard call.endpoint == .completions else { return nil }
            return PreparedRequest(
                url: baseURL + "/completions", headers: staticHeaders, body: try Self.splicingModel(call),
                translator: OpenAIPassthrough(provider: provider, quirks: .none)
            )
        case .fim:
            guard config.servesFIM(model: call.model) else { return nil }
            let passthrough = OpenAIPassthrough(provider: provider, quirks: .none)
            return PreparedRequest(
                url: baseURL + "/fim/completions", headers: staticHeaders, body: Self.fimBody(call, request: request),
                translator: call.endpoint == .completions
                    ? TextCompletionTranslator(wrapping: passthrough, provider: provider) : passthrough
            )
        }
    }

    /// Mistral's FIM request, written field by field: Mistral refuses fields it does not know.
    static func fimBody(_ call: UpstreamCall, request: CompletionRequest) -> [UInt8] {
        let fim = FIMPrompt(prompt: request.prompt.text, suffix: request.suffix)
        var body: [String: JSONValue] = ["model": .string(call.model), "prompt": .string(fim.prefix)]
        if let suffix = fim.suffix { body["suffix"] = .string(suffix) }
        if call.stream { body["stream"] = .bool(true) }
        if let value = request.max_tokens { body["max_tokens"] = .int(Int64(value)) }
        if let value = request.min_tokens { body["min_tokens"] = .int(Int64(value)) }
        if let value = request.temperature { body["temperature"] = .double(value) }
        if let value = request.top_p { body["top_p"] = .double(value) }
        if let value = request.random_seed ?? request.seed { body["random_seed"] = .int(Int64(value)) }
        if let stops = request.stop?.values, !stops.isEmpty { body["stop"] = .array(stops.map(JSONValue.string)) }
        return JSONValue.object(body).encoded()
    }

    func prepareEmbeddings(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        guard case .object(var request) = try? JSONValue.decode(call.body.readableBytesView) else {
            throw .invalidRequest("The request body is not a valid JSON object.", code: .invalidJSON)
        }
        request["model"] = .string(call.model)
        // Floats are what every upstream sends; base64, when asked for, is made here, so providers
        // that refuse or ignore `encoding_format` still answer the `openai` SDK's default.
        let base64 = request.removeValue(forKey: "encoding_format") == .string("base64")
        for field in config.quirks.dropFields { request[field] = nil }
        if config.quirks.dropNulls { request = request.filter { $0.value != .null } }
        return PreparedRequest(
            url: baseURL + "/embeddings", headers: staticHeaders, body: JSONValue.object(request).encoded(),
            translator: EmbeddingsTranslator(provider: provider, base64: base64)
        )
    }

    private static func splicingModel(_ call: UpstreamCall) throws(GatewayError) -> [UInt8] {
        let rewritten = call.body.withUnsafeReadableBytes {
            JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: call.model)
        }
        guard let rewritten else {
            throw .invalidRequest("Request body must be a JSON object with a string 'model'.", code: .invalidJSON)
        }
        return rewritten
    }
}
