import FoundationEssentials
import Shared

/// Turns OpenAI chat answers (whatever dialect produced them) into legacy `text_completion`s, for
/// `/v1/completions` served by a chat or FIM upstream.
struct TextCompletionTranslator: ResponseTranslator {
    private var inner: any ResponseTranslator
    private let provider: String

    init(wrapping inner: any ResponseTranslator, provider: String) {
        self.inner = inner
        self.provider = provider
    }

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        try chunks(inner.translate(event: event))
    }

    var reportedUsage: Usage? { inner.reportedUsage }

    mutating func finishStream() throws(GatewayError) -> [[UInt8]] {
        try chunks(inner.finishStream())
    }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        try Self.textCompletion(fromChat: inner.translate(body: body), provider: provider)
    }

    private func chunks(_ payloads: [[UInt8]]) throws(GatewayError) -> [[UInt8]] {
        var out: [[UInt8]] = []
        for payload in payloads {
            if let converted = try Self.textChunk(fromChat: payload, provider: provider) { out.append(converted) }
        }
        return out
    }

    /// A whole chat answer as a whole text completion.
    static func textCompletion(fromChat chat: [UInt8], provider: String) throws(GatewayError) -> [UInt8] {
        guard let answer = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(chat)) else {
            throw .upstreamInvalid(provider, detail: "it is not a chat completion")
        }
        let choices = (answer.choices ?? []).map {
            TextCompletion.Choice(text: $0.message?.content ?? "", index: $0.index ?? 0, finish_reason: $0.finish_reason)
        }
        return Self.encode(
            TextCompletion(
                id: answer.id ?? OpenAIIdentifiers.completion(), created: answer.created ?? 0, model: answer.model ?? "", choices: choices,
                usage: answer.usage))
    }

    /// One chat chunk as a text chunk; `nil` for chunks that carry nothing a text client reads
    /// (the role-only first chunk, reasoning).
    static func textChunk(fromChat payload: [UInt8], provider: String) throws(GatewayError) -> [UInt8]? {
        guard let chunk = try? JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(payload)) else {
            throw .upstreamInvalid(provider, detail: "a stream event is not a chat completion chunk")
        }
        let choices = (chunk.choices ?? []).compactMap { choice -> TextCompletion.Choice? in
            let text = choice.delta?.content ?? ""
            guard !text.isEmpty || choice.finish_reason != nil else { return nil }
            return TextCompletion.Choice(text: text, index: choice.index ?? 0, finish_reason: choice.finish_reason)
        }
        guard !choices.isEmpty || chunk.usage != nil else { return nil }
        return Self.encode(
            TextCompletion(id: chunk.id ?? "", created: chunk.created ?? 0, model: chunk.model ?? "", choices: choices, usage: chunk.usage))
    }

    private static func encode(_ value: TextCompletion) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
