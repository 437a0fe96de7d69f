import Shared

/// Anthropic Messages API wire types (reference §3). Optional fields left `nil` are omitted.
struct AnthropicRequest: Encodable {
    struct Metadata: Encodable {
        var user_id: String
    }

    struct Thinking: Encodable {
        var type = "enabled"
        var budget_tokens: Int
    }

    var model: String
    var max_tokens: Int
    var system: String?
    var messages: [AnthropicMessage]
    var tools: [AnthropicTool]?
    var tool_choice: AnthropicToolChoice?
    var stop_sequences: [String]?
    var temperature: Double?
    var top_p: Double?
    var top_k: Int?
    var stream: Bool?
    var metadata: Metadata?
    var thinking: Thinking?
}

struct AnthropicMessage: Codable {
    var role: String
    var content: [AnthropicBlock]
}

/// One content block. Anthropic's blocks are a tagged union; one struct with optional fields covers
/// the kinds the gateway writes and reads (`text`, `image`, `tool_use`, `tool_result`, `thinking`).
struct AnthropicBlock: Codable {
    struct ImageSource: Codable {
        var type: String
        var media_type: String?
        var data: String?
        var url: String?
    }

    var type: String
    var text: String?
    var id: String?
    var name: String?
    var input: JSONValue?
    var tool_use_id: String?
    var content: String?
    var is_error: Bool?
    var source: ImageSource?
    var thinking: String?
    var signature: String?

    static func text(_ text: String) -> AnthropicBlock { AnthropicBlock(type: "text", text: text) }

    init(
        type: String, text: String? = nil, id: String? = nil, name: String? = nil, input: JSONValue? = nil,
        tool_use_id: String? = nil, content: String? = nil, source: ImageSource? = nil
    ) {
        self.type = type
        self.text = text
        self.id = id
        self.name = name
        self.input = input
        self.tool_use_id = tool_use_id
        self.content = content
        self.source = source
    }

    private enum CodingKeys: String, CodingKey {
        case type, text, id, name, input, tool_use_id, content, is_error, source, thinking, signature
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        text = try container.decodeIfPresent(String.self, forKey: .text)
        id = try container.decodeIfPresent(String.self, forKey: .id)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        input = try container.decodeIfPresent(JSONValue.self, forKey: .input)
        tool_use_id = try container.decodeIfPresent(String.self, forKey: .tool_use_id)
        // A tool result's content may be blocks; only the text of it matters to the gateway.
        content = try? container.decodeIfPresent(String.self, forKey: .content)
        is_error = try container.decodeIfPresent(Bool.self, forKey: .is_error)
        source = try container.decodeIfPresent(ImageSource.self, forKey: .source)
        thinking = try container.decodeIfPresent(String.self, forKey: .thinking)
        signature = try container.decodeIfPresent(String.self, forKey: .signature)
    }
}

struct AnthropicTool: Encodable {
    var name: String
    var description: String?
    var input_schema: JSONValue
}

struct AnthropicToolChoice: Encodable {
    var type: String
    var name: String?
    var disable_parallel_tool_use: Bool?
}

struct AnthropicUsage: Decodable {
    var input_tokens: Int?
    var output_tokens: Int?
    var cache_creation_input_tokens: Int?
    var cache_read_input_tokens: Int?
}

struct AnthropicResponse: Decodable {
    var id: String?
    var model: String?
    var content: [AnthropicBlock]?
    var stop_reason: String?
    var usage: AnthropicUsage?
}

/// One SSE event of a streamed answer; `type` says which of the optional fields are set.
struct AnthropicStreamEvent: Decodable {
    struct Delta: Decodable {
        var type: String?
        var text: String?
        var partial_json: String?
        var thinking: String?
        var signature: String?
        var stop_reason: String?
    }

    struct ErrorBody: Decodable {
        var type: String?
        var message: String?
    }

    var type: String
    var message: AnthropicResponse?
    var index: Int?
    var content_block: AnthropicBlock?
    var delta: Delta?
    var usage: AnthropicUsage?
    var error: ErrorBody?
}

/// A signed thinking block, kept so a replayed tool-use turn can carry it again: with thinking on,
/// Anthropic refuses an assistant tool-use turn that does not start with its thinking block.
struct ThinkingBlock: Sendable {
    var thinking: String
    var signature: String

    var block: AnthropicBlock {
        var block = AnthropicBlock(type: "thinking")
        block.thinking = thinking
        block.signature = signature
        return block
    }
}
