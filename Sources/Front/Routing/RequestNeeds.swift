import Foundation
import NIOCore
import Shared

/// What a request needs from a model, read from its body: tools, image input, and about how many
/// tokens of context (prompt plus the output it asks for). Task routes skip members that lack one.
struct RequestNeeds: Sendable {
    var tools = false
    var vision = false
    /// Estimated prompt tokens (about four bytes a token).
    var promptTokens = 0
    var maxOutput: Int?

    var contextTokens: Int { promptTokens + (maxOutput ?? 0) }

    private struct Probe: Decodable {
        struct Message: Decodable {
            var content: MessageContent?
        }
        var tools: [JSONValue]?
        var messages: [Message]?
        var max_tokens: Int?
        var max_completion_tokens: Int?
    }

    init() {}

    init(body: ByteBuffer) {
        promptTokens = body.readableBytes / 4
        guard let probe = try? JSONDecoder().decode(Probe.self, from: Data(body.readableBytesView)) else { return }
        tools = !(probe.tools ?? []).isEmpty
        vision = (probe.messages ?? []).contains { message in
            if case .parts(let parts) = message.content { return parts.contains { $0.type == "image_url" } }
            return false
        }
        maxOutput = probe.max_completion_tokens ?? probe.max_tokens
    }

    /// Why `model` cannot serve this request, or `nil` when it can (unknown capabilities count as able).
    func unmet(by model: ModelInfo?) -> String? {
        guard let model else { return nil }
        if tools && !model.tools { return "no tool use" }
        if vision && !model.vision { return "no image input" }
        if let context = model.contextLength, contextTokens > context { return "context of \(context) tokens is too small" }
        return nil
    }
}
