import Shared

/// Parses `[providers.NAME.quirks]`: how a custom OpenAI-compatible endpoint departs from OpenAI.
/// Keys set here replace the built-in value of the same quirk; the others keep it.
enum ProviderQuirksParser {
    static func parse(_ reader: TOMLReader, base: ProviderQuirks) throws(ConfigError) -> ProviderQuirks {
        try reader.rejectUnknownKeys(allowed: [
            "drop_fields", "rename_fields", "developer_as_system", "max_tokens_field", "tool_call_ids", "message_names",
            "strip_schema_keys", "max_stop_sequences", "required_tool_choice", "drop_nulls", "echo_reasoning",
            "reasoning_field", "content_blocks", "ask_stream_usage",
        ])
        var quirks = base
        if let value = try reader.stringArray("drop_fields") { quirks.dropFields = value }
        if let value = try reader.stringTable("rename_fields") { quirks.renameFields = Dictionary(value, uniquingKeysWith: { $1 }) }
        if let value = try reader.bool("developer_as_system") { quirks.developerAsSystem = value }
        if let value = try reader.string("max_tokens_field") {
            guard value == "max_tokens" || value == "max_completion_tokens" else {
                throw ConfigError(path: reader.child("max_tokens_field"), message: "expected \"max_tokens\" or \"max_completion_tokens\"")
            }
            quirks.maxTokensField = value
        }
        if let value = try reader.string("tool_call_ids") {
            guard let parsed = ProviderQuirks.ToolCallIDs(rawValue: value) else {
                throw ConfigError(
                    path: reader.child("tool_call_ids"), message: Self.expected(ProviderQuirks.ToolCallIDs.allCases.map(\.rawValue)))
            }
            quirks.toolCallIDs = parsed
        }
        if let value = try reader.string("message_names") {
            guard let parsed = ProviderQuirks.MessageNames(rawValue: value) else {
                throw ConfigError(
                    path: reader.child("message_names"), message: Self.expected(ProviderQuirks.MessageNames.allCases.map(\.rawValue)))
            }
            quirks.messageNames = parsed
        }
        if let value = try reader.stringArray("strip_schema_keys") { quirks.stripSchemaKeys = value }
        quirks.maxStopSequences = try reader.int("max_stop_sequences", .atLeastOne) ?? quirks.maxStopSequences
        if let value = try reader.string("required_tool_choice") { quirks.requiredToolChoice = value }
        if let value = try reader.bool("drop_nulls") { quirks.dropNulls = value }
        if let value = try reader.bool("echo_reasoning") { quirks.echoReasoning = value }
        if let value = try reader.string("reasoning_field") { quirks.reasoningField = value.isEmpty ? nil : value }
        if let value = try reader.bool("content_blocks") { quirks.contentBlocks = value }
        if let value = try reader.bool("ask_stream_usage") { quirks.askStreamUsage = value }
        return quirks
    }

    private static func expected(_ values: [String]) -> String {
        "expected one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
