/// Anthropic Messages API wire types (reference §3), used both ways: the worker writes requests and
/// reads answers when Anthropic is the upstream; the front reads requests and writes answers when an
/// Anthropic client (the `anthropic` SDK, Claude Code) is the one calling. Optional fields left `nil`
/// are omitted when encoded.
public struct AnthropicRequest: Codable, Sendable {
    public struct Metadata: Codable, Sendable {
        public var user_id: String?
        public init(user_id: String?) { self.user_id = user_id }
    }

    public struct Thinking: Codable, Sendable {
        public var type: String
        public var budget_tokens: Int?
        public init(budget_tokens: Int) {
            self.type = "enabled"
            self.budget_tokens = budget_tokens
        }
    }

    /// Structured output: `{"type": "json_schema", "schema": {…}}`.
    public struct OutputFormat: Codable, Sendable {
        public var type: String
        public var schema: JSONValue?

        public init(type: String, schema: JSONValue?) {
            self.type = type
            self.schema = schema
        }
    }

    /// `output_config`: the answer's format and the effort spent on it.
    public struct OutputConfig: Codable, Sendable {
        public var format: OutputFormat?
        public var effort: String?

        public init(format: OutputFormat? = nil, effort: String? = nil) {
            self.format = format
            self.effort = effort
        }
    }

    /// Every top-level field the gateway honours; any other is refused by name.
    public static let fields: Set<String> = [
        "model", "max_tokens", "system", "messages", "tools", "tool_choice", "stop_sequences", "temperature", "top_p", "top_k",
        "stream", "metadata", "thinking", "output_config", "output_format",
    ]

    public var model: String
    public var max_tokens: Int
    public var system: AnthropicSystem?
    public var messages: [AnthropicMessage]
    public var tools: [AnthropicTool]?
    public var tool_choice: AnthropicToolChoice?
    public var stop_sequences: [String]?
    public var temperature: Double?
    public var top_p: Double?
    public var top_k: Int?
    public var stream: Bool?
    public var metadata: Metadata?
    public var thinking: Thinking?
    public var output_config: OutputConfig?
    /// The beta spelling of `output_config.format`.
    public var output_format: OutputFormat?

    public init(model: String, max_tokens: Int, messages: [AnthropicMessage]) {
        self.model = model
        self.max_tokens = max_tokens
        self.messages = messages
    }
}

/// The top-level system prompt: a string, or a list of text blocks (read as their joined text).
public struct AnthropicSystem: Codable, Sendable {
    public var text: String

    public init(_ text: String) { self.text = text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self.text = text
        } else {
            self.text = try container.decode([AnthropicBlock].self).compactMap(\.text).joined(separator: "\n\n")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

public struct AnthropicMessage: Codable, Sendable {
    public var role: String
    public var content: [AnthropicBlock]

    public init(role: String, content: [AnthropicBlock]) {
        self.role = role
        self.content = content
    }

    private enum CodingKeys: String, CodingKey { case role, content }

    // Clients may send `content` as a plain string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        if let text = try? container.decode(String.self, forKey: .content) {
            content = [.text(text)]
        } else {
            content = try container.decode([AnthropicBlock].self, forKey: .content)
        }
    }
}

/// One content block. Anthropic's blocks are a tagged union; one struct with optional fields covers
/// the kinds the gateway reads and writes (`text`, `image`, `tool_use`, `tool_result`, `thinking`).
public struct AnthropicBlock: Codable, Sendable {
    public struct ImageSource: Codable, Sendable {
        public var type: String
        public var media_type: String?
        public var data: String?
        public var url: String?

        public init(type: String, media_type: String? = nil, data: String? = nil, url: String? = nil) {
            self.type = type
            self.media_type = media_type
            self.data = data
            self.url = url
        }
    }

    public var type: String
    public var text: String?
    public var id: String?
    public var name: String?
    public var input: JSONValue?
    public var tool_use_id: String?
    public var content: AnthropicToolResult?
    public var is_error: Bool?
    public var source: ImageSource?
    public var thinking: String?
    public var signature: String?

    public static func text(_ text: String) -> AnthropicBlock { AnthropicBlock(type: "text", text: text) }

    public init(
        type: String, text: String? = nil, id: String? = nil, name: String? = nil, input: JSONValue? = nil,
        tool_use_id: String? = nil, content: AnthropicToolResult? = nil, source: ImageSource? = nil,
        thinking: String? = nil, signature: String? = nil
    ) {
        self.type = type
        self.text = text
        self.id = id
        self.name = name
        self.input = input
        self.tool_use_id = tool_use_id
        self.content = content
        self.source = source
        self.thinking = thinking
        self.signature = signature
    }
}

/// A tool result's content: a string, or blocks (text and images).
public enum AnthropicToolResult: Codable, Sendable {
    case text(String)
    case blocks([AnthropicBlock])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .blocks(try container.decode([AnthropicBlock].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .blocks(let blocks): try container.encode(blocks)
        }
    }

    /// The text of the result; images in it are left out.
    public var text: String {
        switch self {
        case .text(let text): return text
        case .blocks(let blocks): return blocks.compactMap(\.text).joined(separator: "\n")
        }
    }
}

public struct AnthropicTool: Codable, Sendable {
    /// `nil` for custom tools; Anthropic's server tools (web search, …) carry a versioned type.
    public var type: String?
    public var name: String
    public var description: String?
    public var input_schema: JSONValue?

    public init(name: String, description: String?, input_schema: JSONValue) {
        self.name = name
        self.description = description
        self.input_schema = input_schema
    }
}

public struct AnthropicToolChoice: Codable, Sendable {
    public var type: String
    public var name: String?
    public var disable_parallel_tool_use: Bool?

    public init(type: String, name: String? = nil, disable_parallel_tool_use: Bool? = nil) {
        self.type = type
        self.name = name
        self.disable_parallel_tool_use = disable_parallel_tool_use
    }
}

public struct AnthropicUsage: Codable, Sendable {
    public var input_tokens: Int?
    public var output_tokens: Int?
    public var cache_creation_input_tokens: Int?
    public var cache_read_input_tokens: Int?

    public init(input_tokens: Int?, output_tokens: Int?) {
        self.input_tokens = input_tokens
        self.output_tokens = output_tokens
    }
}

/// A whole answer, and the skeleton of `message_start`.
public struct AnthropicResponse: Codable, Sendable {
    public var id: String?
    public var type: String?
    public var role: String?
    public var model: String?
    public var content: [AnthropicBlock]?
    public var stop_reason: String?
    public var stop_sequence: String?
    public var usage: AnthropicUsage?

    public init(id: String, model: String, content: [AnthropicBlock], stop_reason: String?, usage: AnthropicUsage) {
        self.id = id
        self.type = "message"
        self.role = "assistant"
        self.model = model
        self.content = content
        self.stop_reason = stop_reason
        self.usage = usage
    }
}

/// One SSE event of a streamed answer; `type` says which of the optional fields are set.
public struct AnthropicStreamEvent: Codable, Sendable {
    public struct Delta: Codable, Sendable {
        public var type: String?
        public var text: String?
        public var partial_json: String?
        public var thinking: String?
        public var signature: String?
        public var stop_reason: String?

        public init(
            type: String? = nil, text: String? = nil, partial_json: String? = nil, thinking: String? = nil, stop_reason: String? = nil
        ) {
            self.type = type
            self.text = text
            self.partial_json = partial_json
            self.thinking = thinking
            self.stop_reason = stop_reason
        }
    }

    public struct ErrorBody: Codable, Sendable {
        public var type: String?
        public var message: String?

        public init(type: String?, message: String?) {
            self.type = type
            self.message = message
        }
    }

    public var type: String
    public var message: AnthropicResponse?
    public var index: Int?
    public var content_block: AnthropicBlock?
    public var delta: Delta?
    public var usage: AnthropicUsage?
    public var error: ErrorBody?

    public init(
        type: String, message: AnthropicResponse? = nil, index: Int? = nil, content_block: AnthropicBlock? = nil,
        delta: Delta? = nil, usage: AnthropicUsage? = nil, error: ErrorBody? = nil
    ) {
        self.type = type
        self.message = message
        self.index = index
        self.content_block = content_block
        self.delta = delta
        self.usage = usage
        self.error = error
    }
}
