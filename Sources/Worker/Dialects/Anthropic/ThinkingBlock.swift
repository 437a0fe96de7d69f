import Shared

/// A signed thinking block, kept so a replayed tool-use turn can carry it again: with thinking on,
/// Anthropic refuses an assistant tool-use turn that does not start with its thinking block.
struct ThinkingBlock: Sendable {
    var thinking: String
    var signature: String

    var block: AnthropicBlock { AnthropicBlock(type: "thinking", thinking: thinking, signature: signature) }
}
