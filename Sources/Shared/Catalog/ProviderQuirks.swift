/// How an OpenAI-compatible provider departs from OpenAI, written as data.
///
/// Every "OpenAI-compatible" API rejects or renames something (reference §5): Groq refuses `logprobs`,
/// Mistral wants `random_seed` and 9-character tool ids, Cerebras refuses penalties. The OpenAI dialect
/// applies these rules in the worker, so a provider's quirks are a table entry here or in config,
/// not a code path. The empty value means "speaks OpenAI exactly" and keeps the zero-copy fast path.
public struct ProviderQuirks: Sendable, Equatable, Codable {
    public enum ToolCallIDs: String, Sendable, Codable, CaseIterable {
        /// Any id is accepted.
        case any
        /// Exactly 9 characters of `[A-Za-z0-9]` (Mistral): other ids are rewritten by a stable hash.
        case nineAlphanumerics = "9-alphanumeric"
    }

    public enum MessageNames: String, Sendable, Codable, CaseIterable {
        case keep
        /// `messages[].name` is refused (Groq).
        case drop
        /// `name` is allowed on `tool` messages only (Mistral).
        case toolOnly = "tool-only"
    }

    /// Top-level request fields the provider refuses; they are removed.
    public var dropFields: [String]
    /// Top-level request fields the provider knows under another name (`seed` → `random_seed`).
    public var renameFields: [String: String]
    /// The provider has no `developer` role: such messages are sent as `system`.
    public var developerAsSystem: Bool
    /// The provider reads only this name for the output limit (`max_tokens`); the other is renamed to it.
    public var maxTokensField: String?
    public var toolCallIDs: ToolCallIDs
    public var messageNames: MessageNames
    /// Keys removed from tool definitions and their JSON Schemas (`strict`, `$schema`, `$id`).
    public var stripSchemaKeys: [String]
    /// At most this many `stop` sequences are sent.
    public var maxStopSequences: Int?
    /// What `tool_choice: "required"` is called by this provider (Mistral: `any`).
    public var requiredToolChoice: String?
    /// `null` values are removed (Mistral answers 422 `extra_forbidden` to some).
    public var dropNulls: Bool
    /// The provider's reasoning models reject a replayed tool-call turn without its
    /// `reasoning_content` (Kimi, DeepSeek, GLM): the worker remembers it and re-attaches it.
    public var echoReasoning: Bool
    /// The answer field the provider uses for reasoning text, renamed to `reasoning_content` on the way out.
    public var reasoningField: String?
    /// Answers may carry `content` as a list of `text` and `thinking` blocks (Mistral's Magistral):
    /// flattened to a `content` string and `reasoning_content` on the way out.
    public var contentBlocks: Bool
    /// Streams ask the upstream for usage (`stream_options.include_usage`) even when the client did not,
    /// so tokens are counted exactly; the extra chunk is not passed on. Off for a provider that refuses
    /// the field.
    public var askStreamUsage: Bool

    public init(
        dropFields: [String] = [], renameFields: [String: String] = [:], developerAsSystem: Bool = false,
        maxTokensField: String? = nil, toolCallIDs: ToolCallIDs = .any, messageNames: MessageNames = .keep,
        stripSchemaKeys: [String] = [], maxStopSequences: Int? = nil, requiredToolChoice: String? = nil,
        dropNulls: Bool = false, echoReasoning: Bool = false, reasoningField: String? = nil, contentBlocks: Bool = false,
        askStreamUsage: Bool = true
    ) {
        self.dropFields = dropFields
        self.renameFields = renameFields
        self.developerAsSystem = developerAsSystem
        self.maxTokensField = maxTokensField
        self.toolCallIDs = toolCallIDs
        self.messageNames = messageNames
        self.stripSchemaKeys = stripSchemaKeys
        self.maxStopSequences = maxStopSequences
        self.requiredToolChoice = requiredToolChoice
        self.dropNulls = dropNulls
        self.echoReasoning = echoReasoning
        self.reasoningField = reasoningField
        self.contentBlocks = contentBlocks
        self.askStreamUsage = askStreamUsage
    }

    /// Requests need rewriting (not just the model id swapped).
    public var rewritesRequests: Bool {
        var plain = self
        plain.reasoningField = nil
        plain.contentBlocks = false
        plain.askStreamUsage = true
        return plain != ProviderQuirks()
    }
}

extension ProviderQuirks {
    /// Reference §4.1.
    public static let mistral = ProviderQuirks(
        dropFields: ["store", "service_tier", "metadata", "logit_bias", "logprobs", "top_logprobs", "user", "reasoning_effort"],
        renameFields: ["seed": "random_seed"], developerAsSystem: true, maxTokensField: "max_tokens",
        toolCallIDs: .nineAlphanumerics, messageNames: .toolOnly, stripSchemaKeys: ["strict", "$schema", "$id"],
        requiredToolChoice: "any", dropNulls: true, contentBlocks: true
    )
    /// Reference §5.1: 400 on logprobs, logit_bias, top_logprobs, `messages[].name`; at most 4 stop words.
    public static let groq = ProviderQuirks(
        dropFields: ["logprobs", "logit_bias", "top_logprobs", "store", "service_tier"], messageNames: .drop,
        maxStopSequences: 4, reasoningField: "reasoning"
    )
    /// Reference §5.1: 400 on penalties, logit_bias, parallel_tool_calls, service_tier; no developer role.
    public static let cerebras = ProviderQuirks(
        dropFields: ["frequency_penalty", "presence_penalty", "logit_bias", "parallel_tool_calls", "service_tier", "store"],
        developerAsSystem: true, echoReasoning: true, reasoningField: "reasoning"
    )
    /// NIM: `max_tokens`, no `strict`, no store or developer role; Kimi on NIM needs reasoning echoed.
    public static let nvidia = ProviderQuirks(
        dropFields: ["store", "service_tier"], developerAsSystem: true, maxTokensField: "max_tokens",
        stripSchemaKeys: ["strict"], echoReasoning: true
    )
    /// Kimi's OpenAI endpoint: no `strict`, reasoning echoed on tool-call turns.
    public static let kimi = ProviderQuirks(stripSchemaKeys: ["strict"], echoReasoning: true)
    /// DeepSeek and Qwen thinking models behind SiliconFlow need reasoning echoed.
    public static let siliconflow = ProviderQuirks(dropFields: ["store", "service_tier"], echoReasoning: true)
    /// OpenRouter speaks `reasoning`; everything else passes.
    public static let openrouter = ProviderQuirks(reasoningField: "reasoning")
}

extension ProviderQuirks {
    /// One line in config syntax, for `orchestra check-config`.
    public var summary: String {
        var parts: [String] = []
        if !dropFields.isEmpty { parts.append("drop_fields=\(dropFields.joined(separator: ","))") }
        for (from, to) in renameFields.sorted(by: { $0.key < $1.key }) { parts.append("rename \(from)->\(to)") }
        if developerAsSystem { parts.append("developer_as_system") }
        if let maxTokensField { parts.append("max_tokens_field=\(maxTokensField)") }
        if toolCallIDs != .any { parts.append("tool_call_ids=\(toolCallIDs.rawValue)") }
        if messageNames != .keep { parts.append("message_names=\(messageNames.rawValue)") }
        if !stripSchemaKeys.isEmpty { parts.append("strip_schema_keys=\(stripSchemaKeys.joined(separator: ","))") }
        if let maxStopSequences { parts.append("max_stop_sequences=\(maxStopSequences)") }
        if let requiredToolChoice { parts.append("required_tool_choice=\(requiredToolChoice)") }
        if dropNulls { parts.append("drop_nulls") }
        if echoReasoning { parts.append("echo_reasoning") }
        if let reasoningField { parts.append("reasoning_field=\(reasoningField)") }
        if contentBlocks { parts.append("content_blocks") }
        if !askStreamUsage { parts.append("ask_stream_usage=false") }
        return parts.joined(separator: " ")
    }
}
