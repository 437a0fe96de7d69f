import Shared

/// The offline `demo` provider as a dialect like the others: requests are checked and prepared the
/// same way, completions go through chat emulation, and the "upstream" is `DemoUpstream`, which
/// answers locally as an OpenAI-compatible server would. `demo/echo` answers at once; `demo/slow`
/// streams a word every 150 ms (handy for watching streams, cancellation and shutdown).
struct DemoDialect: Dialect {
    let provider: String
    private let models: [ModelInfo]

    init(config: ProviderConfig) {
        provider = config.name
        models = config.models
    }

    func credentials(_ key: String) -> [String] { [] }

    func prepareChat(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        try requireKnown(call.model)
        let request = try DemoRequest(body: call.body)
        // The demo's upstream always reports usage, as every stream is asked to; a client that did not
        // ask does not see it.
        return PreparedRequest(
            url: DemoUpstream.chatURL(model: call.model), headers: [], body: Array(call.body.readableBytesView),
            translator: OpenAIPassthrough(provider: provider, quirks: .none, hideUsage: call.stream && !request.includeUsage)
        )
    }

    func prepareEmbeddings(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        try requireKnown(call.model)
        guard models.first(where: { $0.id == call.model })?.embedding == true else {
            throw .invalidRequest(
                "'\(provider)/\(call.model)' is not an embedding model; use 'demo/embed'.", code: .unsupportedEndpoint, param: "model"
            )
        }
        _ = try EmbeddingsRequest.decode(Array(call.body.readableBytesView))
        return PreparedRequest(
            url: DemoUpstream.embeddingsURL, headers: [], body: Array(call.body.readableBytesView),
            translator: OpenAIPassthrough(provider: provider, quirks: .none)
        )
    }

    func mapError(status: Int, body: [UInt8], headers: [HTTPHeader]) -> GatewayError {
        UpstreamErrorMapper.map(provider: provider, status: status, body: body, headers: headers)
    }

    private func requireKnown(_ model: String) throws(GatewayError) {
        guard models.contains(where: { $0.id == model }) else {
            let known = models.map { "\(provider)/\($0.id)" }.joined(separator: ", ")
            throw .modelNotFound("Model '\(provider)/\(model)' does not exist. Known: \(known).")
        }
    }
}
