import Shared

/// OpenAI chat request → Anthropic Messages request (reference §3).
struct AnthropicRequestTranslator {
    /// The forced tool that carries a `json_schema` answer: Anthropic has no JSON mode, so the schema
    /// becomes the input schema of a tool the model must call, and its input becomes the answer text.
    static let jsonTool = "json_response"

    let provider: String
    let model: String
    /// Used when the client sets no output limit (`max_tokens` is required by Anthropic).
    let defaultMaxTokens: Int
    /// Thinking blocks of earlier answers, by tool-use id.
    let thinking: ToolCallMemory<ThinkingBlock>

    func translate(_ request: ChatRequest, stream: Bool) throws(GatewayError) -> AnthropicRequest {
        let budget = try thinkingBudget(request.reasoning_effort)
        var system: [String] = []
        var messages: [AnthropicMessage] = []
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case "system", "developer":
                let text = message.content?.text ?? ""
                if !text.isEmpty { system.append(text) }
            case "user":
                Self.append(role: "user", blocks: try userBlocks(message.content, messageIndex: index), to: &messages)
            case "assistant":
                var blocks: [AnthropicBlock] = []
                if let text = message.content?.text, !text.isEmpty { blocks.append(.text(text)) }
                for (callIndex, call) in (message.tool_calls ?? []).enumerated() {
                    let input = try FunctionTools.arguments(
                        call.function.arguments, param: "messages[\(index)].tool_calls[\(callIndex)].function.arguments"
                    )
                    blocks.append(AnthropicBlock(type: "tool_use", id: Self.toolID(call.id), name: call.function.name, input: input))
                }
                if budget != nil, let first = message.tool_calls?.first, let remembered = thinking.value(forToolCall: Self.toolID(first.id))
                {
                    blocks.insert(remembered.block, at: 0)
                }
                if !blocks.isEmpty { Self.append(role: "assistant", blocks: blocks, to: &messages) }
            case "tool", "function":
                guard let callID = message.tool_call_id else {
                    throw .invalidRequest(
                        "messages[\(index)]: tool_call_id is required.", code: .missingField, param: "messages[\(index)].tool_call_id")
                }
                let result = AnthropicBlock(
                    type: "tool_result", tool_use_id: Self.toolID(callID), content: .text(message.content?.text ?? ""))
                Self.append(role: "user", blocks: [result], to: &messages)
            default:
                throw .invalidRequest(
                    "messages[\(index)]: unknown role '\(message.role)'.", code: .invalidRole, param: "messages[\(index)].role")
            }
        }
        if let n = request.n, n > 1 {
            throw .invalidRequest("\(provider) answers one choice per request; n must be 1.", code: .unsupportedValue, param: "n")
        }
        guard !messages.isEmpty else {
            throw .invalidRequest("At least one user message is required.", code: .missingMessages, param: "messages")
        }
        var out = AnthropicRequest(model: model, max_tokens: request.outputLimit ?? defaultMaxTokens, messages: messages)
        out.stream = stream ? true : nil
        out.temperature = request.temperature.map { min($0, 1) }
        out.top_p = request.top_p
        out.top_k = request.top_k
        if let stop = request.stop?.values, !stop.isEmpty { out.stop_sequences = stop }
        out.metadata = request.user.map { AnthropicRequest.Metadata(user_id: $0) }
        out.tools = try tools(request.tools)
        out.tool_choice = toolChoice(request.tool_choice, parallel: request.parallel_tool_calls, hasTools: out.tools != nil)
        switch request.response_format?.type {
        case "json_object":
            system.append("Answer with one valid JSON object and nothing else.")
        case "json_schema":
            let schema = request.response_format?.json_schema?.schema ?? .object(["type": .string("object")])
            if Self.takesOutputFormat(model) {
                out.output_config = AnthropicRequest.OutputConfig(format: .init(type: "json_schema", schema: schema))
            } else {
                out.tools =
                    (out.tools ?? [])
                    + [AnthropicTool(name: Self.jsonTool, description: "Give the answer as this JSON.", input_schema: schema)]
                out.tool_choice = AnthropicToolChoice(type: "tool", name: Self.jsonTool)
            }
        default:
            break
        }
        if let budget {
            out.thinking = AnthropicRequest.Thinking(budget_tokens: budget)
            // The budget counts against max_tokens, and thinking allows no sampling overrides.
            out.max_tokens = max(out.max_tokens, budget + 1024)
            out.temperature = nil
            out.top_k = nil
        }
        out.system = system.isEmpty ? nil : AnthropicSystem(system.joined(separator: "\n\n"))
        return out
    }

    /// Whether a model takes Anthropic's native structured output (`output_config.format`): Claude 4.5
    /// and later, named `claude-<family>-<major>[-<minor>][-<date>]`. Others (older Claude models,
    /// Anthropic-compatible services) get the schema as a forced tool.
    static func takesOutputFormat(_ model: String) -> Bool {
        let parts = model.split(separator: "/").last?.split(separator: "-") ?? []
        guard parts.count >= 3, parts[0] == "claude", ["opus", "sonnet", "haiku"].contains(parts[1]), let major = Int(parts[2])
        else { return false }
        let minor = parts.count > 3 && parts[3].count <= 2 ? Int(parts[3]) ?? 0 : 0
        return major > 4 || (major == 4 && minor >= 5)
    }

    /// `reasoning_effort` → a thinking budget in tokens; `nil` leaves thinking off.
    private func thinkingBudget(_ effort: String?) throws(GatewayError) -> Int? {
        guard let effort, effort != "none" else { return nil }
        let budgets = ["minimal": 1024, "low": 1024, "medium": 4096, "high": 16384]
        guard let budget = budgets[effort] else {
            throw .invalidRequest(
                "reasoning_effort must be none, minimal, low, medium or high, not '\(effort)'.", code: .invalidValue,
                param: "reasoning_effort")
        }
        return budget
    }

    /// Anthropic tool ids allow `[A-Za-z0-9_-]` only; ids minted elsewhere are mapped the same way
    /// in the call and in its result, so they still match.
    static func toolID(_ id: String) -> String {
        String(
            String.UnicodeScalarView(
                id.unicodeScalars.map { scalar in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
                        ? scalar : "_"
                }))
    }

    private static func append(role: String, blocks: [AnthropicBlock], to messages: inout [AnthropicMessage]) {
        if let last = messages.indices.last, messages[last].role == role {
            messages[last].content += blocks
        } else {
            messages.append(AnthropicMessage(role: role, content: blocks))
        }
    }

    private func userBlocks(_ content: MessageContent?, messageIndex: Int) throws(GatewayError) -> [AnthropicBlock] {
        var blocks: [AnthropicBlock] = []
        for (index, part) in (content?.parts ?? []).enumerated() {
            let param = "messages[\(messageIndex)].content[\(index)]"
            switch part.type {
            case "text":
                if let text = part.text, !text.isEmpty { blocks.append(.text(text)) }
            case "image_url":
                guard let url = part.image_url?.url else {
                    throw .invalidRequest("\(param): image_url.url is required.", code: .missingField, param: param)
                }
                if let image = InlineImage(dataURL: url) {
                    blocks.append(
                        AnthropicBlock(type: "image", source: .init(type: "base64", media_type: image.mediaType, data: image.base64)))
                } else if url.hasPrefix("https://") || url.hasPrefix("http://") {
                    blocks.append(AnthropicBlock(type: "image", source: .init(type: "url", url: url)))
                } else {
                    throw .invalidRequest("\(param): image URLs must be https:// or data: URLs.", code: .invalidImageURL, param: param)
                }
            default:
                throw .invalidRequest(
                    "\(param): content type '\(part.type)' is not supported by \(provider).", code: .unsupportedContent, param: param)
            }
        }
        // Anthropic refuses empty text blocks and empty messages.
        if blocks.isEmpty { blocks.append(.text(" ")) }
        return blocks
    }

    private func tools(_ tools: [ToolDefinition]?) throws(GatewayError) -> [AnthropicTool]? {
        let functions = try FunctionTools.functions(tools, provider: provider)
        guard !functions.isEmpty else { return nil }
        return functions.map { function in
            let schema = function.parameters ?? .object(["type": .string("object"), "properties": .object([:])])
            return AnthropicTool(name: function.name, description: function.description, input_schema: schema)
        }
    }

    private func toolChoice(_ choice: ToolChoice?, parallel: Bool?, hasTools: Bool) -> AnthropicToolChoice? {
        guard hasTools, choice != nil || parallel == false else { return nil }
        let serial: Bool? = parallel == false ? true : nil
        switch choice ?? .auto {
        case .auto: return AnthropicToolChoice(type: "auto", disable_parallel_tool_use: serial)
        case .none: return AnthropicToolChoice(type: "none")
        case .required: return AnthropicToolChoice(type: "any", disable_parallel_tool_use: serial)
        case .function(let name): return AnthropicToolChoice(type: "tool", name: name, disable_parallel_tool_use: serial)
        }
    }
}
