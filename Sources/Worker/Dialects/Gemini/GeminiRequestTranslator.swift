import FoundationEssentials
import Shared

/// OpenAI chat request → Gemini `generateContent` request (reference §2.2).
struct GeminiRequestTranslator {
    let provider: String
    let model: String
    /// Signatures issued earlier, by tool-call id.
    let signatures: ToolCallMemory<String>

    func translate(_ request: ChatRequest) throws(GatewayError) -> GeminiRequest {
        var system: [GeminiPart] = []
        var contents: [GeminiContent] = []
        // Gemini's function responses carry a name, not the call id: remember which id named what.
        var callNames: [String: String] = [:]
        for (index, message) in request.messages.enumerated() {
            switch message.role {
            case "system", "developer":
                let text = message.content?.text ?? ""
                if !text.isEmpty { system.append(GeminiPart(text: text)) }
            case "user":
                Self.append(role: "user", parts: try userParts(message.content, messageIndex: index), to: &contents)
            case "assistant":
                var parts: [GeminiPart] = []
                if let text = message.content?.text, !text.isEmpty { parts.append(GeminiPart(text: text)) }
                var signed = false
                for (callIndex, call) in (message.tool_calls ?? []).enumerated() {
                    let (id, carried) = ThoughtSignatures.split(call.id)
                    // In the id, in `extra_content`, or remembered from the answer: clients keep one of them.
                    let signature =
                        carried ?? call.thoughtSignature ?? signatures.value(forToolCall: call.id) ?? signatures.value(forToolCall: id)
                    callNames[call.id] = call.function.name
                    callNames[id] = call.function.name
                    let args = try FunctionTools.arguments(
                        call.function.arguments, param: "messages[\(index)].tool_calls[\(callIndex)].function.arguments")
                    parts.append(
                        GeminiPart(thoughtSignature: signature, functionCall: GeminiFunctionCall(name: call.function.name, args: args)))
                    signed = signed || signature != nil
                }
                if !signed, ThoughtSignatures.required(model: model),
                    let first = parts.firstIndex(where: { $0.functionCall != nil })
                {
                    // History from a client or model that never saw a signature: Google's escape hatch.
                    parts[first].thoughtSignature = ThoughtSignatures.skipValidator
                }
                if !parts.isEmpty { Self.append(role: "model", parts: parts, to: &contents) }
            case "tool", "function":
                let callID = message.tool_call_id ?? ""
                guard let name = callNames[callID] ?? callNames[ThoughtSignatures.split(callID).id] ?? message.name else {
                    throw .invalidRequest(
                        "messages[\(index)]: tool_call_id '\(callID)' answers no earlier assistant tool call.",
                        code: .invalidToolCallID, param: "messages[\(index)].tool_call_id"
                    )
                }
                // Gemini wants an object: a JSON object result goes as it is, anything else is wrapped.
                let text = message.content?.text ?? ""
                var response = JSONValue.object(["content": .string(text)])
                if let parsed = try? JSONValue.decode(Array(text.utf8)), parsed.objectValue != nil { response = parsed }
                Self.append(
                    role: "user", parts: [GeminiPart(functionResponse: GeminiFunctionResponse(name: name, response: response))],
                    to: &contents)
            default:
                throw .invalidRequest(
                    "messages[\(index)]: unknown role '\(message.role)'.", code: .invalidRole, param: "messages[\(index)].role")
            }
        }
        guard !contents.isEmpty else {
            throw .invalidRequest("At least one user message is required.", code: .missingMessages, param: "messages")
        }
        return GeminiRequest(
            contents: contents,
            systemInstruction: system.isEmpty
                ? nil : GeminiContent(role: nil, parts: [GeminiPart(text: system.compactMap(\.text).joined(separator: "\n\n"))]),
            tools: try tools(request.tools),
            toolConfig: toolConfig(request.tool_choice, hasTools: !(request.tools ?? []).isEmpty),
            generationConfig: try generationConfig(request)
        )
    }

    /// Gemini needs user and model turns to alternate: consecutive turns of one role become one.
    private static func append(role: String, parts: [GeminiPart], to contents: inout [GeminiContent]) {
        if let last = contents.indices.last, contents[last].role == role {
            contents[last].parts += parts
        } else {
            contents.append(GeminiContent(role: role, parts: parts))
        }
    }

    private func userParts(_ content: MessageContent?, messageIndex: Int) throws(GatewayError) -> [GeminiPart] {
        var parts: [GeminiPart] = []
        for (index, part) in (content?.parts ?? []).enumerated() {
            let param = "messages[\(messageIndex)].content[\(index)]"
            switch part.type {
            case "text":
                // Gemini refuses empty text parts.
                if let text = part.text, !text.isEmpty { parts.append(GeminiPart(text: text)) }
            case "image_url":
                guard let url = part.image_url?.url else {
                    throw .invalidRequest("\(param): image_url.url is required.", code: .missingField, param: param)
                }
                guard let image = InlineImage(dataURL: url) else {
                    throw .invalidRequest(
                        "\(provider) does not fetch image URLs: send the image inline as a data:<type>;base64,... URL.",
                        code: .unsupportedImageURL, param: param
                    )
                }
                parts.append(GeminiPart(inlineData: GeminiBlob(mimeType: image.mediaType, data: image.base64)))
            default:
                throw .invalidRequest(
                    "\(param): content type '\(part.type)' is not supported by \(provider).", code: .unsupportedContent, param: param)
            }
        }
        if parts.isEmpty { parts.append(GeminiPart(text: " ")) }
        return parts
    }

    private func tools(_ tools: [ToolDefinition]?) throws(GatewayError) -> [GeminiTool]? {
        let functions = try FunctionTools.functions(tools, provider: provider)
        guard !functions.isEmpty else { return nil }
        let declarations = functions.map { function in
            var parameters = function.parameters.map(GeminiSchema.clean)
            // An object schema without properties is refused by Gemini; a function without parameters is not.
            if parameters?["type"]?.stringValue == "object", parameters?["properties"]?.objectValue?.isEmpty ?? true { parameters = nil }
            return GeminiFunctionDeclaration(name: function.name, description: function.description, parameters: parameters)
        }
        return [GeminiTool(functionDeclarations: declarations)]
    }

    private func toolConfig(_ choice: ToolChoice?, hasTools: Bool) -> GeminiToolConfig? {
        guard let choice, hasTools else { return nil }
        switch choice {
        case .auto: return GeminiToolConfig(functionCallingConfig: .init(mode: "AUTO"))
        case .none: return GeminiToolConfig(functionCallingConfig: .init(mode: "NONE"))
        case .required: return GeminiToolConfig(functionCallingConfig: .init(mode: "ANY"))
        case .function(let name): return GeminiToolConfig(functionCallingConfig: .init(mode: "ANY", allowedFunctionNames: [name]))
        }
    }

    private func generationConfig(_ request: ChatRequest) throws(GatewayError) -> GeminiGenerationConfig? {
        var config = GeminiGenerationConfig()
        config.temperature = request.temperature
        config.topP = request.top_p
        config.topK = request.top_k
        config.maxOutputTokens = request.outputLimit
        if let stop = request.stop?.values, !stop.isEmpty { config.stopSequences = Array(stop.prefix(5)) }
        config.candidateCount = request.n
        config.seed = request.seed
        config.presencePenalty = request.presence_penalty
        config.frequencyPenalty = request.frequency_penalty
        switch request.response_format?.type {
        case "json_object":
            config.responseMimeType = "application/json"
        case "json_schema":
            config.responseMimeType = "application/json"
            config.responseSchema = request.response_format?.json_schema?.schema.map(GeminiSchema.clean)
        default:
            break
        }
        if let effort = request.reasoning_effort {
            config.thinkingConfig = try thinking(effort)
        }
        return config.isEmpty ? nil : config
    }

    /// `reasoning_effort` → Gemini 3 `thinkingLevel` or Gemini 2.5 `thinkingBudget` (reference §2.4).
    private func thinking(_ effort: String) throws(GatewayError) -> GeminiThinkingConfig {
        let isPro = model.contains("-pro")
        let off = effort == "none"
        if model.hasPrefix("gemini-2") || model.hasPrefix("gemini-1") {
            let budgets: [String: Int] = [
                "none": isPro ? 128 : 0, "minimal": 512, "low": 1024, "medium": 8192, "high": isPro ? 32768 : 24576,
            ]
            guard let budget = budgets[effort] else { throw Self.badEffort(effort) }
            return GeminiThinkingConfig(thinkingBudget: budget, includeThoughts: off ? nil : true)
        }
        let levels: [String: String] = [
            "none": isPro ? "low" : "minimal", "minimal": isPro ? "low" : "minimal", "low": "low",
            "medium": isPro ? "high" : "medium", "high": "high",
        ]
        guard let level = levels[effort] else { throw Self.badEffort(effort) }
        return GeminiThinkingConfig(thinkingLevel: level, includeThoughts: off ? nil : true)
    }

    private static func badEffort(_ effort: String) -> GatewayError {
        .invalidRequest(
            "reasoning_effort must be none, minimal, low, medium or high, not '\(effort)'.", code: .invalidValue, param: "reasoning_effort")
    }
}
