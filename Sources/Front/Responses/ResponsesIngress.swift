import Shared

/// Responses API request → OpenAI chat request, so a Responses client (the OpenAI Agents SDK, coding
/// agents) reaches every provider through the chat path and each worker's dialect. Pure: the earlier
/// turns of a `previous_response_id` chain come in as chat messages.
enum ResponsesIngress {
    /// The chat request to send, and the conversation so far in chat messages (without the
    /// instructions, which OpenAI does not carry over to a chained response).
    struct Translation: Sendable {
        var chatBody: [UInt8]
        var conversation: [JSONValue]
    }

    static func translate(_ request: ResponsesRequest, model: String, earlier: [JSONValue] = []) throws(GatewayError) -> Translation {
        try refuseUnsupported(request)
        var conversation = earlier
        switch request.input {
        case .text(let text): conversation.append(.object(["role": "user", "content": .string(text)]))
        case .items(let items): conversation += try messages(items)
        case nil:
            guard !earlier.isEmpty else {
                throw .invalidRequest("'input' is required.", code: .missingField, param: "input")
            }
        }
        var messages = conversation
        if let instructions = request.instructions, !instructions.isEmpty {
            messages.insert(.object(["role": "system", "content": .string(instructions)]), at: 0)
        }
        var body: [String: JSONValue] = ["model": .string(model), "messages": .array(messages)]
        if request.stream == true {
            body["stream"] = .bool(true)
            // The usage chunk is what fills `response.completed`'s usage.
            body["stream_options"] = .object(["include_usage": .bool(true)])
        }
        if let value = request.max_output_tokens { body["max_tokens"] = .int(Int64(value)) }
        if let value = request.temperature { body["temperature"] = .double(value) }
        if let value = request.top_p { body["top_p"] = .double(value) }
        if let user = request.user ?? request.safety_identifier { body["user"] = .string(user) }
        if let effort = request.reasoning?.effort {
            guard
                let mapped = ["none": "none", "minimal": "minimal", "low": "low", "medium": "medium", "high": "high", "xhigh": "high"][
                    effort]
            else {
                throw .invalidRequest(
                    "reasoning.effort must be none, minimal, low, medium, high or xhigh.", code: .invalidValue, param: "reasoning.effort")
            }
            body["reasoning_effort"] = .string(mapped)
        }
        if let format = try responseFormat(request.text?.format) { body["response_format"] = format }
        let tools = try request.tools.map { tools throws(GatewayError) in
            try tools.enumerated().map { index, tool throws(GatewayError) in try Self.tool(tool, index: index) }
        }
        if let tools, !tools.isEmpty {
            body["tools"] = .array(tools)
            if let parallel = request.parallel_tool_calls { body["parallel_tool_calls"] = .bool(parallel) }
        }
        if let choice = request.tool_choice { body["tool_choice"] = try toolChoice(choice) }
        return Translation(chatBody: JSONValue.object(body).encoded(), conversation: conversation)
    }

    /// Fields the gateway reads but can honour only in some of their values.
    private static func refuseUnsupported(_ request: ResponsesRequest) throws(GatewayError) {
        if request.background == true {
            throw .invalidRequest(
                "'background' responses are not supported by this gateway; leave it out or set it to false.", code: .unsupportedField,
                param: "background")
        }
        if let truncation = request.truncation, truncation != "disabled" {
            throw .invalidRequest(
                "truncation '\(truncation)' is not supported by this gateway; only 'disabled'.", code: .unsupportedValue,
                param: "truncation")
        }
        if let tier = request.service_tier, tier != "auto", tier != "default" {
            throw .invalidRequest(
                "service_tier '\(tier)' is not supported by this gateway; only 'auto' or 'default'.", code: .unsupportedValue,
                param: "service_tier")
        }
        for (index, value) in (request.include ?? []).enumerated() {
            throw .invalidRequest(
                "include '\(value)' is not supported by this gateway; no extra output can be included.", code: .unsupportedValue,
                param: "include[\(index)]")
        }
        if request.text?.verbosity != nil {
            throw .invalidRequest(
                "'text.verbosity' is not supported by this gateway; remove it.", code: .unsupportedField, param: "text.verbosity")
        }
        if let metadata = request.metadata, metadata.count > 16 {
            throw .invalidRequest("metadata may have at most 16 keys.", code: .invalidValue, param: "metadata")
        }
    }

    /// Items → chat messages: a function call joins the assistant message before it (chat puts the
    /// text and the calls of one turn in one message), a reasoning item becomes the next assistant
    /// message's `reasoning_content`, a call's output a `tool` message.
    static func messages(_ items: [ResponsesItem]) throws(GatewayError) -> [JSONValue] {
        var messages: [JSONValue] = []
        /// The assistant message calls may still join (none once anything else follows it).
        var openAssistant: Int?
        var reasoning = ""
        func assistant(text: String?) -> Int {
            var message: [String: JSONValue] = ["role": "assistant", "content": text.map(JSONValue.string) ?? .null]
            if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
            reasoning = ""
            messages.append(.object(message))
            return messages.count - 1
        }
        for (index, item) in items.enumerated() {
            let type = item.type ?? (item.role != nil ? "message" : "")
            switch type {
            case "message":
                let role = item.role ?? ""
                switch role {
                case "user", "system", "developer":
                    messages.append(
                        .object([
                            "role": .string(role == "developer" ? "system" : role),
                            "content": try inputContent(item.content, index: index, textOnly: role != "user"),
                        ]))
                    openAssistant = nil
                case "assistant":
                    openAssistant = assistant(text: try text(item.content, index: index))
                default:
                    throw .invalidRequest(
                        "input[\(index)].role must be user, assistant, system or developer, not '\(role)'.", code: .invalidRole,
                        param: "input[\(index)].role")
                }
            case "function_call":
                guard let callID = item.call_id, let name = item.name else {
                    throw .invalidRequest(
                        "input[\(index)]: a function_call needs call_id and name.", code: .missingField, param: "input[\(index)]")
                }
                let call: JSONValue = .object([
                    "id": .string(callID), "type": "function",
                    "function": .object(["name": .string(name), "arguments": .string(item.arguments ?? "{}")]),
                ])
                let target = openAssistant ?? assistant(text: nil)
                var message = messages[target].objectValue ?? [:]
                message["tool_calls"] = .array((message["tool_calls"]?.arrayValue ?? []) + [call])
                messages[target] = .object(message)
                openAssistant = target
            case "function_call_output":
                guard let callID = item.call_id else {
                    throw .invalidRequest(
                        "input[\(index)]: a function_call_output needs call_id.", code: .missingField, param: "input[\(index)].call_id")
                }
                messages.append(
                    .object([
                        "role": "tool", "tool_call_id": .string(callID), "content": .string(try text(item.output, index: index) ?? ""),
                    ]))
                openAssistant = nil
            case "reasoning":
                reasoning += (item.summary ?? []).compactMap(\.text).joined(separator: "\n")
            default:
                throw .invalidRequest(
                    "input[\(index)]: item type '\(type)' is not supported by this gateway (message, function_call, function_call_output and reasoning are).",
                    code: .unsupportedContent, param: "input[\(index)].type")
            }
        }
        return messages
    }

    /// A user (or system) message's content in chat's shape: text parts and images.
    private static func inputContent(_ content: ResponsesItem.Content?, index: Int, textOnly: Bool) throws(GatewayError) -> JSONValue {
        guard case .parts(let parts) = content else { return .string(try text(content, index: index) ?? "") }
        if textOnly { return .string(try text(content, index: index) ?? "") }
        var out: [JSONValue] = []
        for part in parts {
            switch part.type {
            case "input_text", "output_text", "text":
                out.append(.object(["type": "text", "text": .string(part.text ?? "")]))
            case "input_image":
                guard let url = part.image_url else {
                    throw .invalidRequest(
                        "input[\(index)]: an input_image needs image_url (uploaded files are not stored by this gateway).",
                        code: .unsupportedContent, param: "input[\(index)].content")
                }
                var image: [String: JSONValue] = ["url": .string(url)]
                if let detail = part.detail { image["detail"] = .string(detail) }
                out.append(.object(["type": "image_url", "image_url": .object(image)]))
            default:
                throw unsupportedPart(part, index: index)
            }
        }
        if out.count == 1, let text = out[0]["text"] { return text }
        return .array(out)
    }

    /// The text of a content that may only hold text.
    private static func text(_ content: ResponsesItem.Content?, index: Int) throws(GatewayError) -> String? {
        switch content {
        case nil: return nil
        case .text(let text): return text
        case .parts(let parts):
            var text = ""
            for part in parts {
                switch part.type {
                case "input_text", "output_text", "text", "summary_text", "reasoning_text": text += part.text ?? ""
                case "refusal": text += part.refusal ?? ""
                default: throw unsupportedPart(part, index: index)
                }
            }
            return text
        }
    }

    private static func unsupportedPart(_ part: ResponsesItem.Part, index: Int) -> GatewayError {
        .invalidRequest(
            "input[\(index)]: content type '\(part.type)' is not supported here by this gateway.", code: .unsupportedContent,
            param: "input[\(index)].content")
    }

    /// `text.format` → chat's `response_format`.
    private static func responseFormat(_ format: ResponsesRequest.TextOptions.Format?) throws(GatewayError) -> JSONValue? {
        guard let format else { return nil }
        switch format.type {
        case "text": return nil
        case "json_object": return .object(["type": "json_object"])
        case "json_schema":
            guard let schema = format.schema, schema.objectValue != nil else {
                throw .invalidRequest("text.format.schema must be a JSON Schema object.", code: .missingField, param: "text.format.schema")
            }
            var spec: [String: JSONValue] = ["name": .string(format.name ?? "output"), "schema": schema]
            if let strict = format.strict { spec["strict"] = .bool(strict) }
            if let description = format.description { spec["description"] = .string(description) }
            return .object(["type": "json_schema", "json_schema": .object(spec)])
        default:
            throw .invalidRequest(
                "text.format.type must be text, json_object or json_schema, not '\(format.type)'.", code: .invalidValue,
                param: "text.format.type")
        }
    }

    private static func tool(_ tool: ResponsesRequest.Tool, index: Int) throws(GatewayError) -> JSONValue {
        guard tool.type == "function" else {
            throw .invalidRequest(
                "tools[\(index)]: built-in tool '\(tool.type)' runs only on OpenAI's own servers; give a function tool instead.",
                code: .unsupportedTool, param: "tools[\(index)].type")
        }
        guard let name = tool.name, !name.isEmpty else {
            throw .invalidRequest("tools[\(index)].name is required.", code: .missingField, param: "tools[\(index)].name")
        }
        var function: [String: JSONValue] = ["name": .string(name)]
        if let description = tool.description { function["description"] = .string(description) }
        if let parameters = tool.parameters { function["parameters"] = parameters }
        if let strict = tool.strict { function["strict"] = .bool(strict) }
        return .object(["type": "function", "function": .object(function)])
    }

    private static func toolChoice(_ choice: JSONValue) throws(GatewayError) -> JSONValue {
        if let mode = choice.stringValue, ["auto", "none", "required"].contains(mode) { return choice }
        if choice["type"]?.stringValue == "function", let name = choice["name"]?.stringValue {
            return .object(["type": "function", "function": .object(["name": .string(name)])])
        }
        throw .invalidRequest(
            "tool_choice must be auto, none, required or {\"type\": \"function\", \"name\": …}; built-in tools run only on OpenAI.",
            code: .unsupportedTool, param: "tool_choice")
    }
}
