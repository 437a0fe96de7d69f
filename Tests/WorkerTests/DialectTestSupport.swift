import NIOCore
import Shared
import Testing

@testable import OrchestraWorker

/// Runs a dialect as a pure function: request JSON in, the upstream's body out; upstream answers in,
/// the client's OpenAI JSON out.
struct DialectProbe {
    let dialect: any Dialect

    init(_ kind: DialectKind, provider: String = "p", quirks: ProviderQuirks = ProviderQuirks(), models: [ModelInfo] = []) {
        var config = ProviderConfig(
            name: provider, displayName: provider, dialect: kind, baseURL: "https://up.example/v1", key: .environment("K"), models: models
        )
        config.quirks = quirks
        switch kind {
        case .gemini: dialect = GeminiDialect(config: config)
        case .anthropic: dialect = AnthropicDialect(config: config)
        default: dialect = OpenAIDialect(config: config)
        }
    }

    func prepare(_ json: String, model: String = "m", stream: Bool = false, endpoint: Endpoint = .chatCompletions) throws -> PreparedRequest
    {
        // Clients always send a model; tests name it only when it matters.
        let body = json.contains(#""model""#) ? json : #"{"model":"p/\#(model)","# + json.dropFirst()
        return try dialect.prepare(UpstreamCall(endpoint: endpoint, model: model, stream: stream, body: ByteBuffer(string: body)))
    }

    /// The upstream body of `json`, parsed.
    func upstreamBody(_ json: String, model: String = "m", stream: Bool = false) throws -> JSONValue {
        try JSONValue.decode(try prepare(json, model: model, stream: stream).body)
    }

    /// A whole upstream answer as the client gets it.
    func answer(to json: String, body: String) throws -> JSONValue {
        var translator = try prepare(json).translator
        return try JSONValue.decode(try translator.translate(body: Array(body.utf8)))
    }

    /// A streamed upstream answer (SSE text) as the client's chunks.
    func chunks(to json: String, events: String) throws -> [JSONValue] {
        var translator = try prepare(json, stream: true).translator
        var parser = SSEParser()
        var out: [[UInt8]] = []
        for event in parser.feed(Array(events.utf8)) { out += try translator.translate(event: event) }
        out += try translator.finishStream()
        return try out.map { try JSONValue.decode($0) }
    }
}
