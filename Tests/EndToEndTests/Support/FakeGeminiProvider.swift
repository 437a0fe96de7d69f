import Foundation
import Hummingbird

/// Google's native Gemini API (reference §2): `models/{model}:generateContent` and
/// `:streamGenerateContent?alt=sse`, `x-goog-api-key`. Refuses what Gemini refuses: unknown fields,
/// turns that do not alternate, schema keywords outside its OpenAPI subset, a function response that
/// does not follow its call, and (Gemini 3) a replayed function call without its thought signature.
struct FakeGeminiProvider {
    static func signature(for name: String) -> String { "CiQB0e2Kb+sig/\(name)==" }

    func answer(_ record: FakeProviders.Recorded, body: [String: Any]) -> Response {
        guard record.header("x-goog-api-key") == FakeProviders.key, !record.query.contains("key=") else {
            return error(
                400, "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT",
                details: [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"]])
        }
        let action = record.path.components(separatedBy: "/models/").last ?? ""
        let parts = action.split(separator: ":").map(String.init)
        if parts.count == 2 && parts[1] == "batchEmbedContents" { return embeddings(model: parts[0], body: body) }
        guard parts.count == 2, ["generateContent", "streamGenerateContent"].contains(parts[1]) else {
            return error(404, "unknown method \(action)", status: "NOT_FOUND")
        }
        let (model, stream) = (parts[0], parts[1] == "streamGenerateContent")
        if stream && record.query != "alt=sse" { return error(400, "this fake streams only with alt=sse", status: "INVALID_ARGUMENT") }
        if let problem = refusal(body) { return error(400, problem, status: "INVALID_ARGUMENT") }
        switch model {
        case "error-400": return error(400, "Request contains an invalid argument.", status: "INVALID_ARGUMENT")
        case "error-401":
            return error(
                400, "API key not valid. Please pass a valid API key.", status: "INVALID_ARGUMENT",
                details: [["@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"]])
        case "error-429":
            return error(
                429, "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED",
                details: [["@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "6.2s"]])
        case "error-500": return error(500, "An internal error has occurred.", status: "INTERNAL")
        case "malformed": return FakeReply.json(200, "{oops")
        case "malformed-call":
            return FakeReply.json(
                200,
                object: [
                    "candidates": [
                        ["content": ["role": "model", "parts": [["text": ""]]], "finishReason": "MALFORMED_FUNCTION_CALL", "index": 0]
                    ]
                ])
        case "blocked":
            return FakeReply.json(
                200,
                object: [
                    "promptFeedback": ["blockReason": "SAFETY"],
                    "usageMetadata": ["promptTokenCount": FakeScript.promptTokens, "totalTokenCount": FakeScript.promptTokens],
                ])
        default: break
        }
        let contents = body["contents"] as? [[String: Any]] ?? []
        let lastParts = contents.last?["parts"] as? [[String: Any]] ?? []
        let script = FakeScript.forModel(model, afterToolResult: lastParts.contains { $0["functionResponse"] != nil })
        let generation = body["generationConfig"] as? [String: Any]
        let thoughts = (generation?["thinkingConfig"] as? [String: Any])?["includeThoughts"] as? Bool == true
        let reasoning = thoughts ? script.reasoning : nil
        let usage: [String: Any] = [
            "promptTokenCount": FakeScript.promptTokens,
            "candidatesTokenCount": FakeScript.completionTokens - (reasoning == nil ? 0 : FakeScript.reasoningTokens),
            "thoughtsTokenCount": reasoning == nil ? 0 : FakeScript.reasoningTokens,
            "totalTokenCount": FakeScript.promptTokens + FakeScript.completionTokens,
        ]
        let calls: [[String: Any]] = script.calls.enumerated().map { index, call in
            var part: [String: Any] = [
                "functionCall": ["name": call.name, "args": (try? JSONSerialization.jsonObject(with: Data(call.arguments.utf8))) ?? [:]]
            ]
            // Gemini 3 signs the first call of a turn only.
            if index == 0 { part["thoughtSignature"] = Self.signature(for: call.name) }
            return part
        }
        func response(_ parts: [[String: Any]], finish: Bool) -> [String: Any] {
            var candidate: [String: Any] = ["content": ["role": "model", "parts": parts], "index": 0]
            if finish { candidate["finishReason"] = "STOP" }
            var out: [String: Any] = ["candidates": [candidate], "modelVersion": model, "responseId": "fake-response"]
            if finish { out["usageMetadata"] = usage }
            return out
        }
        guard stream else {
            var all: [[String: Any]] = []
            if let reasoning { all.append(["text": reasoning, "thought": true]) }
            if !script.text.isEmpty { all.append(["text": script.text.joined()]) }
            return FakeReply.json(200, object: response(all + calls, finish: true))
        }
        var events: [String] = []
        if let reasoning { events.append(FakeReply.data(response([["text": reasoning, "thought": true]], finish: false))) }
        for (index, piece) in script.text.enumerated() {
            events.append(FakeReply.data(response([["text": piece]], finish: index == script.text.count - 1 && calls.isEmpty)))
        }
        if !calls.isEmpty { events.append(FakeReply.data(response(calls, finish: true))) }
        // Gemini's stream has no end marker: the connection just closes.
        return FakeReply.events(events, cutAfter: model == "cut" ? 1 : nil)
    }

    /// `batchEmbedContents`: one embedding per request, no token counts (as Gemini answers).
    private func embeddings(model: String, body: [String: Any]) -> Response {
        guard let requests = body["requests"] as? [[String: Any]], !requests.isEmpty else {
            return error(400, "requests: must not be empty", status: "INVALID_ARGUMENT")
        }
        var embeddings: [[String: Any]] = []
        for request in requests {
            guard request["model"] as? String == "models/\(model)" else {
                return error(400, "requests[].model must be models/\(model)", status: "INVALID_ARGUMENT")
            }
            let text = ((request["content"] as? [String: Any])?["parts"] as? [[String: Any]])?.first?["text"] as? String ?? ""
            embeddings.append(["values": FakeScript.embedding(for: text)])
        }
        return FakeReply.json(200, object: ["embeddings": embeddings])
    }

    private func refusal(_ body: [String: Any]) -> String? {
        let known: Set = ["contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "safetySettings", "cachedContent"]
        if let field = body.keys.sorted().first(where: { !known.contains($0) }) {
            return "Invalid JSON payload received. Unknown name \"\(field)\""
        }
        guard let contents = body["contents"] as? [[String: Any]], !contents.isEmpty else {
            return "* GenerateContentRequest.contents: contents is not specified"
        }
        var previousRole = ""
        var previousCalls: Set<String> = []
        for (index, content) in contents.enumerated() {
            let role = content["role"] as? String ?? ""
            guard role == "user" || role == "model" else { return "contents[\(index)].role: must be user or model, not '\(role)'" }
            if index == 0 && role != "user" { return "contents[0] must be a user turn" }
            if role == previousRole { return "Please ensure that multiturn requests alternate between user and model." }
            guard let parts = content["parts"] as? [[String: Any]], !parts.isEmpty else {
                return "contents[\(index)].parts must not be empty"
            }
            var calls: Set<String> = []
            for (partIndex, part) in parts.enumerated() {
                let kinds = ["text", "inlineData", "functionCall", "functionResponse"].filter { part[$0] != nil }
                guard kinds.count == 1 else {
                    return "contents[\(index)].parts[\(partIndex)] must have exactly one data field, found \(kinds)"
                }
                if let call = part["functionCall"] as? [String: Any] {
                    let name = call["name"] as? String ?? ""
                    calls.insert(name)
                    if calls.count == 1 {
                        let signature = part["thoughtSignature"] as? String
                        guard signature == Self.signature(for: name) || signature == "skip_thought_signature_validator" else {
                            return
                                "Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. (contents[\(index)].parts[\(partIndex)])"
                        }
                    }
                }
                if let response = part["functionResponse"] as? [String: Any] {
                    guard previousCalls.contains(response["name"] as? String ?? "") else {
                        return "Please ensure that function response turn comes immediately after a function call turn."
                    }
                    guard response["response"] is [String: Any] else { return "functionResponse.response must be an object" }
                }
            }
            previousRole = role
            previousCalls = calls
        }
        for tool in body["tools"] as? [[String: Any]] ?? [] {
            for declaration in tool["functionDeclarations"] as? [[String: Any]] ?? [] {
                if let parameters = declaration["parameters"], let bad = Self.unsupportedSchemaKey(parameters) {
                    return "Invalid JSON payload received. Unknown name \"\(bad)\" at 'tools[0].function_declarations[0].parameters'"
                }
            }
        }
        if let thinking = (body["generationConfig"] as? [String: Any])?["thinkingConfig"] as? [String: Any],
            thinking["thinkingBudget"] != nil && thinking["thinkingLevel"] != nil
        {
            return "thinking_budget and thinking_level are not supported together"
        }
        return nil
    }

    private static func unsupportedSchemaKey(_ schema: Any) -> String? {
        let allowed: Set = [
            "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties", "required",
            "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf", "propertyOrdering",
            "default", "items", "minimum", "maximum",
        ]
        guard let object = schema as? [String: Any] else { return nil }
        if let bad = object.keys.sorted().first(where: { !allowed.contains($0) }) { return bad }
        for (key, value) in object {
            if key == "properties", let properties = value as? [String: Any] {
                for property in properties.values { if let bad = unsupportedSchemaKey(property) { return bad } }
            } else if key == "items", let bad = unsupportedSchemaKey(value) {
                return bad
            }
        }
        return nil
    }

    private func error(_ code: Int, _ message: String, status: String, details: [[String: Any]] = []) -> Response {
        var body: [String: Any] = ["code": code, "message": message, "status": status]
        if !details.isEmpty { body["details"] = details }
        return FakeReply.json(code, object: ["error": body])
    }
}
