import Shared

/// What a Responses answer repeats of its request, fixed once the request is read: OpenAI's
/// `response` object echoes its settings next to its output, in every event and when read back.
struct ResponseSettings: Sendable {
    var id: String
    var createdAt: Int
    var model: String
    var echo: [String: JSONValue]

    init(id: String = "resp_" + OpenAIIdentifiers.random(40), createdAt: Int, model: String, request: ResponsesRequest) {
        self.id = id
        self.createdAt = createdAt
        self.model = model
        var tools: [JSONValue] = []
        for tool in request.tools ?? [] {
            var object: [String: JSONValue] = ["type": .string(tool.type), "name": .string(tool.name ?? "")]
            object["description"] = tool.description.map(JSONValue.string) ?? .null
            object["parameters"] = tool.parameters ?? .null
            object["strict"] = tool.strict.map(JSONValue.bool) ?? .bool(true)
            tools.append(.object(object))
        }
        var format: JSONValue = .object(["type": "text"])
        if let requested = request.text?.format, requested.type != "text" {
            var object: [String: JSONValue] = ["type": .string(requested.type)]
            if requested.type == "json_schema" {
                object["name"] = .string(requested.name ?? "output")
                object["schema"] = requested.schema ?? .null
                object["strict"] = requested.strict.map(JSONValue.bool) ?? .null
                if let description = requested.description { object["description"] = .string(description) }
            }
            format = .object(object)
        }
        echo = [
            "instructions": request.instructions.map(JSONValue.string) ?? .null,
            "max_output_tokens": request.max_output_tokens.map { .int(Int64($0)) } ?? .null,
            "metadata": .object((request.metadata ?? [:]).mapValues(JSONValue.string)),
            "parallel_tool_calls": .bool(request.parallel_tool_calls ?? true),
            "previous_response_id": request.previous_response_id.map(JSONValue.string) ?? .null,
            "reasoning": .object([
                "effort": request.reasoning?.effort.map(JSONValue.string) ?? .null,
                "summary": (request.reasoning?.summary ?? request.reasoning?.generate_summary).map(JSONValue.string) ?? .null,
            ]),
            "store": .bool(request.stores),
            "temperature": request.temperature.map(JSONValue.double) ?? .double(1),
            "text": .object(["format": format]),
            "tool_choice": request.tool_choice ?? "auto",
            "tools": .array(tools),
            "top_p": request.top_p.map(JSONValue.double) ?? .double(1),
            "truncation": "disabled",
            "user": (request.user ?? request.safety_identifier).map(JSONValue.string) ?? .null,
            "background": .bool(false),
        ]
    }

    /// The `response` object in a given state.
    func object(status: String, output: ResponseOutput?, error: GatewayError? = nil) -> JSONValue {
        var object = echo
        object["id"] = .string(id)
        object["object"] = "response"
        object["created_at"] = .int(Int64(createdAt))
        object["model"] = .string(model)
        object["status"] = .string(status)
        object["output"] = .array(output?.items.map(\.json) ?? [])
        object["usage"] = output?.usageJSON ?? .null
        object["error"] = error.map { .object(["code": .string($0.code.name ?? "server_error"), "message": .string($0.message)]) } ?? .null
        object["incomplete_details"] = output?.incompleteReason.map { .object(["reason": .string($0)]) } ?? .null
        return .object(object)
    }
}

/// A response's output as it is built (whole, or event by event): its items in order, why it ended, its usage.
struct ResponseOutput: Sendable {
    /// One output item; its id is fixed when it opens, so stream events and the final object agree.
    enum Item: Sendable {
        case reasoning(id: String, text: String)
        case message(id: String, text: String)
        case functionCall(id: String, callID: String, name: String, arguments: String)

        var json: JSONValue {
            switch self {
            case .reasoning(let id, let text):
                return .object([
                    "type": "reasoning", "id": .string(id),
                    "summary": .array([.object(["type": "summary_text", "text": .string(text)])]),
                ])
            case .message(let id, let text):
                return .object([
                    "type": "message", "id": .string(id), "status": "completed", "role": "assistant",
                    "content": .array([ResponseOutput.textPart(text)]),
                ])
            case .functionCall(let id, let callID, let name, let arguments):
                return .object([
                    "type": "function_call", "id": .string(id), "status": "completed", "call_id": .string(callID), "name": .string(name),
                    "arguments": .string(arguments),
                ])
            }
        }
    }

    var items: [Item] = []
    var finishReason: String?
    var usage: Usage?

    static func textPart(_ text: String) -> JSONValue {
        .object(["type": "output_text", "text": .string(text), "annotations": .array([]), "logprobs": .array([])])
    }

    /// `completed`, or `incomplete` when the answer was cut (length or a content filter).
    var status: String { incompleteReason == nil ? "completed" : "incomplete" }

    var incompleteReason: String? {
        switch finishReason {
        case "length": return "max_output_tokens"
        case "content_filter": return "content_filter"
        default: return nil
        }
    }

    var usageJSON: JSONValue? {
        guard let usage else { return nil }
        return .object([
            "input_tokens": .int(Int64(usage.prompt_tokens)),
            "input_tokens_details": .object(["cached_tokens": .int(Int64(usage.prompt_tokens_details?.cached_tokens ?? 0))]),
            "output_tokens": .int(Int64(usage.completion_tokens)),
            "output_tokens_details": .object(["reasoning_tokens": .int(Int64(usage.completion_tokens_details?.reasoning_tokens ?? 0))]),
            "total_tokens": .int(Int64(usage.prompt_tokens + usage.completion_tokens)),
        ])
    }

    /// The answer as one chat assistant message, for the stored conversation a chained response continues.
    var assistantMessage: JSONValue {
        var text = ""
        var reasoning = ""
        var calls: [JSONValue] = []
        for item in items {
            switch item {
            case .reasoning(_, let part): reasoning += part
            case .message(_, let part): text += part
            case .functionCall(_, let callID, let name, let arguments):
                calls.append(
                    .object([
                        "id": .string(callID), "type": "function",
                        "function": .object(["name": .string(name), "arguments": .string(arguments)]),
                    ]))
            }
        }
        var message: [String: JSONValue] = ["role": "assistant", "content": text.isEmpty && !calls.isEmpty ? .null : .string(text)]
        if !reasoning.isEmpty { message["reasoning_content"] = .string(reasoning) }
        if !calls.isEmpty { message["tool_calls"] = .array(calls) }
        return .object(message)
    }

    /// A whole chat answer's output.
    init(chat answer: OpenAIAnswerProbe) {
        let choice = answer.choices?.first
        if let reasoning = choice?.message?.reasoning_content, !reasoning.isEmpty {
            items.append(.reasoning(id: Self.itemID("rs"), text: reasoning))
        }
        if let text = choice?.message?.content, !text.isEmpty { items.append(.message(id: Self.itemID("msg"), text: text)) }
        for call in choice?.message?.tool_calls ?? [] {
            items.append(
                .functionCall(
                    id: Self.itemID("fc"), callID: call.id ?? OpenAIIdentifiers.toolCall(), name: call.function?.name ?? "",
                    arguments: call.function?.arguments ?? ""))
        }
        finishReason = choice?.finish_reason
        usage = answer.usage
    }

    init() {}

    static func itemID(_ prefix: String) -> String { prefix + "_" + OpenAIIdentifiers.random(40) }
}
