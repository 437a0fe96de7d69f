import Shared

/// Anthropic Messages request → OpenAI chat request, so an Anthropic client (the `anthropic` SDK,
/// Claude Code) can use any provider behind the gateway: the worker then speaks that provider's
/// dialect as for any chat request.
enum AnthropicIngress {
    static func chatBody(_ request: AnthropicRequest) throws(GatewayError) -> [UInt8] {
        var messages: [JSONValue] = []
        if let system = request.system?.text, !system.isEmpty {
            messages.append(.object(["role": "system", "content": .string(system)]))
        }
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case "user": messages += try userMessages(message.content, index: index)
            case "assistant": messages.append(try assistantMessage(message.content, index: index))
            default:
                throw .invalidRequest(
                    "messages.\(index).role must be user or assistant, not '\(message.role)'.", code: .invalidRole,
                    param: "messages.\(index).role")
            }
        }
        var body: [String: JSONValue] = [
            "model": .string(request.model), "messages": .array(messages), "max_tokens": .int(Int64(request.max_tokens)),
        ]
        if request.stream == true {
            body["stream"] = .bool(true)
            // The usage chunk is what fills Anthropic's `message_delta.usage`.
            body["stream_options"] = .object(["include_usage": .bool(true)])
        }
        if let value = request.temperature { body["temperature"] = .double(value) }
        if let value = request.top_p { body["top_p"] = .double(value) }
        if let value = request.top_k { body["top_k"] = .int(Int64(value)) }
        if let stops = request.stop_sequences, !stops.isEmpty { body["stop"] = .array(stops.map(JSONValue.string)) }
        if let user = request.metadata?.user_id { body["user"] = .string(user) }
        if request.thinking?.type == "enabled" {
            let budget = request.thinking?.budget_tokens ?? 4096
            body["reasoning_effort"] = .string(budget <= 2048 ? "low" : budget <= 8192 ? "medium" : "high")
        }
        if let effort = request.output_config?.effort {
            guard let mapped = ["low": "low", "medium": "medium", "high": "high", "xhigh": "high", "max": "high"][effort] else {
                throw .invalidRequest(
                    "output_config.effort must be low, medium, high, xhigh or max.", code: .invalidValue, param: "output_config.effort")
            }
            body["reasoning_effort"] = .string(mapped)
        }
        if let format = try outputFormat(request) { body["response_format"] = format }
        if let tools = request.tools, !tools.isEmpty {
            body["tools"] = .array(try tools.enumerated().map { index, tool throws(GatewayError) in try Self.tool(tool, index: index) })
        }
        if let choice = request.tool_choice {
            switch choice.type {
            case "auto": body["tool_choice"] = "auto"
            case "any": body["tool_choice"] = "required"
            case "none": body["tool_choice"] = "none"
            case "tool":
                body["tool_choice"] = .object(["type": "function", "function": .object(["name": .string(choice.name ?? "")])])
            default:
                throw .invalidRequest("tool_choice.type '\(choice.type)' is not known.", code: .invalidValue, param: "tool_choice")
            }
            if choice.disable_parallel_tool_use == true { body["parallel_tool_calls"] = .bool(false) }
        }
        return JSONValue.object(body).encoded()
    }

    /// Structured output (`output_config.format`, or the beta `output_format`) as OpenAI's `json_schema`
    /// response format, the path every dialect already serves (Anthropic upstreams get it back as theirs).
    private static func outputFormat(_ request: AnthropicRequest) throws(GatewayError) -> JSONValue? {
        let (format, param): (AnthropicRequest.OutputFormat?, String) =
            request.output_config?.format != nil
            ? (request.output_config?.format, "output_config.format") : (request.output_format, "output_format")
        guard let format else { return nil }
        guard format.type == "json_schema" else {
            throw .invalidRequest("\(param).type must be json_schema, not '\(format.type)'.", code: .invalidValue, param: param + ".type")
        }
        guard let schema = format.schema, schema.objectValue != nil else {
            throw .invalidRequest("\(param).schema must be a JSON Schema object.", code: .missingField, param: param + ".schema")
        }
        return .object([
            "type": "json_schema", "json_schema": .object(["name": "output", "schema": schema, "strict": .bool(true)]),
        ])
    }

    /// A user turn: its tool results become `tool` messages (which OpenAI wants right after the
    /// assistant's calls), then the rest becomes one user message.
    private static func userMessages(_ blocks: [AnthropicBlock], index: Int) throws(GatewayError) -> [JSONValue] {
        var results: [JSONValue] = []
        var parts: [JSONValue] = []
        for block in blocks {
            switch block.type {
            case "text":
                parts.append(.object(["type": "text", "text": .string(block.text ?? "")]))
            case "image":
                parts.append(.object(["type": "image_url", "image_url": .object(["url": .string(try imageURL(block, index: index))])]))
            case "tool_result":
                var text = block.content?.text ?? ""
                if block.is_error == true { text = "Error: " + text }
                results.append(.object(["role": "tool", "tool_call_id": .string(block.tool_use_id ?? ""), "content": .string(text)]))
            default:
                throw .invalidRequest(
                    "messages.\(index): content block type '\(block.type)' is not supported.", code: .unsupportedContent,
                    param: "messages.\(index).content")
            }
        }
        guard !parts.isEmpty else { return results }
        if parts.count == 1, let text = parts[0]["text"] {
            return results + [.object(["role": "user", "content": text])]
        }
        return results + [.object(["role": "user", "content": .array(parts)])]
    }

    private static func assistantMessage(_ blocks: [AnthropicBlock], index: Int) throws(GatewayError) -> JSONValue {
        var text = ""
        var reasoning = ""
        var calls: [JSONValue] = []
        for block in blocks {
            switch block.type {
            case "text": text += block.text ?? ""
            case "thinking": reasoning += block.thinking ?? ""
            case "redacted_thinking": break
            case "tool_use":
                let arguments = String(decoding: (block.input ?? .object([:])).encoded(), as: UTF8.self)
                calls.append(
                    .object([
                        "id": .string(block.id ?? ""), "type": "function",
                        "function": .object(["name": .string(block.name ?? ""), "arguments": .string(arguments)]),
                    ]))
            default:
                throw .invalidRequest(
                    "messages.\(index): content block type '\(block.type)' is not supported.", code: .unsupportedContent,
                    param: "messages.\(index).content")
            }
        }
        var message: [String: JSONValue] = ["role": "assistant", "content": text.isEmpty ? .null : .string(text)]
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        return .object(message)
    }

    private static func imageURL(_ block: AnthropicBlock, index: Int) throws(GatewayError) -> String {
        switch block.source?.type {
        case "base64":
            return "data:\(block.source?.media_type ?? "image/png");base64,\(block.source?.data ?? "")"
        case "url":
            return block.source?.url ?? ""
        default:
            throw .invalidRequest(
                "messages.\(index): image source must be base64 or url.", code: .unsupportedContent, param: "messages.\(index).content")
        }
    }

    private static func tool(_ tool: AnthropicTool, index: Int) throws(GatewayError) -> JSONValue {
        guard tool.type == nil || tool.type == "custom", let schema = tool.input_schema else {
            throw .invalidRequest(
                "tools.\(index): Anthropic server tools ('\(tool.type ?? "")') run only on Anthropic; give a custom tool with input_schema.",
                code: .unsupportedTool, param: "tools.\(index)"
            )
        }
        var function: [String: JSONValue] = ["name": .string(tool.name), "parameters": schema]
        if let description = tool.description { function["description"] = .string(description) }
        return .object(["type": "function", "function": .object(function)])
    }
}
