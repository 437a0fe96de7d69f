import NIOCore
import Shared

/// The worker's byte-level readers and dialect translators as public calls for the libFuzzer harness
/// (`Sources/Fuzz`): arbitrary bytes in, nothing out but a crash if one of them has a bug.
public enum FuzzEntryPoints {
    /// The JSON field rewriter and the usage reader over any bytes.
    public static func scan(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: "p/m") }
        _ = UsageExtractor.usage(in: bytes)
        _ = UsageChunk.isUsageOnly(bytes)
    }

    /// A client request body prepared for each dialect and endpoint, streamed or not.
    public static func prepare(_ bytes: [UInt8]) {
        for kind in [DialectKind.openai, .gemini, .anthropic] {
            let dialect = Self.dialect(kind)
            for endpoint in [Endpoint.chatCompletions, .completions, .fimCompletions, .embeddings] {
                for stream in [false, true] {
                    _ = try? dialect.prepare(UpstreamCall(endpoint: endpoint, model: "m", stream: stream, body: ByteBuffer(bytes: bytes)))
                }
            }
        }
    }

    /// An upstream answer, whole and as an event stream, through each dialect's translator.
    public static func translate(_ bytes: [UInt8]) {
        let request = ByteBuffer(
            string:
                #"{"model":"p/m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{}}}]}"#
        )
        for kind in [DialectKind.openai, .gemini, .anthropic] {
            let dialect = Self.dialect(kind)
            if var whole = try? dialect.prepare(UpstreamCall(endpoint: .chatCompletions, model: "m", stream: false, body: request))
                .translator
            {
                _ = try? whole.translate(body: bytes)
            }
            if var streamed = try? dialect.prepare(UpstreamCall(endpoint: .chatCompletions, model: "m", stream: true, body: request))
                .translator
            {
                var parser = SSEParser()
                for event in parser.feed(bytes) { _ = try? streamed.translate(event: event) }
                if let last = parser.finish() { _ = try? streamed.translate(event: last) }
                _ = try? streamed.finishStream()
            }
        }
    }

    private static func dialect(_ kind: DialectKind) -> any Dialect {
        let config = ProviderConfig(
            name: "p", displayName: "p", dialect: kind, baseURL: "https://up.example/v1", key: .environment("K"),
            models: [ModelInfo(id: "m")])
        switch kind {
        case .gemini: return GeminiDialect(config: config)
        case .anthropic: return AnthropicDialect(config: config)
        default: return OpenAIDialect(config: config)
        }
    }
}
