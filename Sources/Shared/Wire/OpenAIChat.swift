/// OpenAI Chat Completions answer types, for answers the gateway writes itself (the demo provider,
/// translated dialects). Field names follow OpenAI's JSON exactly.
public struct ChatCompletion: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var message: ChatMessage
        public var finish_reason: String?
        public init(index: Int, message: ChatMessage, finish_reason: String?) {
            self.index = index
            self.message = message
            self.finish_reason = finish_reason
        }
    }

    public var id: String
    public var object = "chat.completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }
}

public struct ChatMessage: Codable, Sendable, Equatable {
    public var role: String
    public var content: String?
    public var reasoning_content: String?
    public var tool_calls: [ToolCall]?

    public init(role: String, content: String?, reasoning_content: String? = nil, tool_calls: [ToolCall]? = nil) {
        self.role = role
        self.content = content
        self.reasoning_content = reasoning_content
        self.tool_calls = tool_calls
    }

    // OpenAI writes `"content": null` next to tool calls rather than leaving the key out.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        try container.encode(content, forKey: .content)
        try container.encodeIfPresent(reasoning_content, forKey: .reasoning_content)
        try container.encodeIfPresent(tool_calls, forKey: .tool_calls)
    }
}

public struct ChatCompletionChunk: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var index: Int
        public var delta: Delta
        public var finish_reason: String?
        public init(index: Int, delta: Delta, finish_reason: String?) {
            self.index = index
            self.delta = delta
            self.finish_reason = finish_reason
        }

        // `finish_reason` is `null` on every chunk but the last: encode it explicitly.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(index, forKey: .index)
            try container.encode(delta, forKey: .delta)
            try container.encode(finish_reason, forKey: .finish_reason)
        }
    }

    public struct Delta: Codable, Sendable, Equatable {
        public var role: String?
        public var content: String?
        public var reasoning_content: String?
        public var tool_calls: [ToolCallDelta]?
        public init(
            role: String? = nil, content: String? = nil, reasoning_content: String? = nil,
            tool_calls: [ToolCallDelta]? = nil
        ) {
            self.role = role
            self.content = content
            self.reasoning_content = reasoning_content
            self.tool_calls = tool_calls
        }
    }

    /// One fragment of a streamed tool call. The first fragment of a call carries its `id`, `type`
    /// and name; later ones only `index` and a piece of the arguments.
    public struct ToolCallDelta: Codable, Sendable, Equatable {
        public var index: Int
        public var id: String?
        public var type: String?
        public var function: Function
        /// Gemini's thought signature, on the call's first fragment.
        public var extra_content: ToolCallExtraContent?

        public struct Function: Codable, Sendable, Equatable {
            public var name: String?
            public var arguments: String?
        }

        public init(index: Int, id: String? = nil, name: String? = nil, arguments: String?, thoughtSignature: String? = nil) {
            self.index = index
            self.id = id
            self.type = id == nil ? nil : "function"
            self.function = Function(name: name, arguments: arguments)
            self.extra_content = thoughtSignature.map(ToolCallExtraContent.init(thoughtSignature:))
        }
    }

    public var id: String
    public var object = "chat.completion.chunk"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage? = nil) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }
}

public struct Usage: Codable, Sendable, Equatable {
    public var prompt_tokens: Int
    public var completion_tokens: Int
    public var total_tokens: Int
    public var prompt_tokens_details: PromptDetails?
    public var completion_tokens_details: CompletionDetails?

    public struct PromptDetails: Codable, Sendable, Equatable {
        public var cached_tokens: Int
    }

    public struct CompletionDetails: Codable, Sendable, Equatable {
        public var reasoning_tokens: Int
    }

    /// `completion_tokens` includes `reasoningTokens`, as in OpenAI's usage.
    public init(prompt_tokens: Int, completion_tokens: Int, cachedTokens: Int? = nil, reasoningTokens: Int? = nil) {
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.total_tokens = prompt_tokens + completion_tokens
        self.prompt_tokens_details = cachedTokens.map { PromptDetails(cached_tokens: $0) }
        self.completion_tokens_details = reasoningTokens.map { CompletionDetails(reasoning_tokens: $0) }
    }
}

/// Identifiers for answers and tool calls the gateway writes itself.
public enum OpenAIIdentifiers {
    public static func completion() -> String { "chatcmpl-" + random(24) }
    public static func toolCall() -> String { "call_" + random(24) }

    /// `count` characters of `[A-Za-z0-9]` from two 64-bit random numbers: a request id must be unique,
    /// not secret, and one system random call per character cost a syscall each on the hot path.
    public static func random(_ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        var generator = SystemRandomNumberGenerator()
        var state = (generator.next() as UInt64, generator.next() as UInt64)
        var out: [UInt8] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            // xorshift128+: cheap and well spread, seeded from the system's generator.
            var s1 = state.0
            let s0 = state.1
            state.0 = s0
            s1 ^= s1 << 23
            state.1 = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26)
            out.append(alphabet[Int((state.1 &+ s0) % UInt64(alphabet.count))])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
