import FoundationEssentials
import Shared

/// Writes the OpenAI answer objects of one translated response: every chunk of a stream carries the
/// same `id`, `created` and `model`, as OpenAI's do.
struct AnswerWriter {
    let id: String
    let created: Int
    let model: String
    private let encoder: JSONEncoder

    init(model: String, id: String = OpenAIIdentifiers.completion()) {
        self.id = id
        self.model = model
        self.created = Int(Date().timeIntervalSince1970)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        self.encoder = encoder
    }

    func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil, index: Int = 0) -> [UInt8] {
        encode(
            ChatCompletionChunk(
                id: id, created: created, model: model,
                choices: [.init(index: index, delta: delta, finish_reason: finish)]
            ))
    }

    /// The extra last chunk of a stream whose client set `stream_options.include_usage`.
    func usageChunk(_ usage: Usage) -> [UInt8] {
        encode(ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: usage))
    }

    func completion(_ choices: [ChatCompletion.Choice], usage: Usage?) -> [UInt8] {
        encode(ChatCompletion(id: id, created: created, model: model, choices: choices, usage: usage))
    }

    private func encode(_ value: some Encodable) -> [UInt8] {
        // These types hold only strings, numbers and JSON values decoded from JSON: encoding cannot fail.
        Array((try? encoder.encode(value)) ?? Data("{}".utf8))
    }
}
