import Foundation
import Hummingbird

/// OpenAI Chat Completions as OpenAI, Mistral and Groq speak it, each with the refusals of the real
/// service (reference §4.1 and §5.1): Mistral's 9-character tool ids, `random_seed`, no `developer`
/// role, `extra_forbidden` fields; Groq's refusal of `logprobs`, `name` and more than 4 stop words.
struct FakeOpenAIProvider {
    let flavour: FakeProviders.Flavour
    let fakes: FakeProviders

    func answer(_ record: FakeProviders.Recorded, body: [String: Any]) -> Response {
        guard FakeProviders.keys.contains(where: { record.header("authorization") == "Bearer \($0)" }) else {
            return error(401, "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key")
        }
        if record.path.hasSuffix("/fim/completions") { return fim(body) }
        if record.path.hasSuffix("/completions") && !record.path.hasSuffix("/chat/completions") { return legacyCompletion(body) }
        if record.path.hasSuffix("/embeddings") { return embeddings(body) }
        if let problem = refusal(body) { return error(flavour == .mistral ? 422 : 400, problem, type: "invalid_request_error") }
        let model = body["model"] as? String ?? ""
        let messages = body["messages"] as? [[String: Any]] ?? []
        switch model {
        case "error-400": return error(400, "Invalid value for 'messages'", type: "invalid_request_error")
        case "error-401": return error(401, "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key")
        case "error-429":
            return error(429, "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded", headers: ["retry-after": "7"])
        case "error-500": return error(500, "The server had an error", type: "server_error")
        case "malformed": return FakeReply.json(200, #"{"id": oops"#)
        case "rest-key" where fakes.countSeen(model: model) == 0:
            // Throttled once, then fine: the gateway must rest the key for retry-after.
            return error(429, "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded", headers: ["retry-after": "2"])
        case "key-a-limited" where record.header("authorization") == "Bearer \(FakeProviders.key)":
            return error(
                429, "Rate limit reached for this key", type: "rate_limit_error", code: "rate_limit_exceeded",
                headers: ["retry-after": "30"])
        case let name where name.hasPrefix("window-"):
            // `window-N-S`: this upstream takes N requests per S seconds and answers 429 past that.
            let parts = name.split(separator: "-")
            if parts.count == 3, let limit = Int(parts[1]), let seconds = Double(parts[2]),
                !fakes.admitWindow(model: name, limit: limit, seconds: seconds)
            {
                return error(
                    429, "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded", headers: ["retry-after": "1"])
            }
        default: break
        }
        if model == "think-tools", let index = messages.firstIndex(where: { $0["tool_calls"] != nil && $0["reasoning_content"] == nil }) {
            // What Kimi and DeepSeek answer when an agent drops the reasoning of a tool-call turn.
            return error(
                400, "thinking is enabled but reasoning_content is missing in assistant tool call message at index \(index)",
                type: "invalid_request_error")
        }
        let script = FakeScript.forModel(model, afterToolResult: messages.last?["role"] as? String == "tool")
        let stream = body["stream"] as? Bool ?? false
        let includeUsage = (body["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
        return stream ? streamed(script, model: model, includeUsage: includeUsage) : whole(script, model: model)
    }

    private var reasoningKey: String { flavour == .groq ? "reasoning" : "reasoning_content" }

    private func callID(_ index: Int) -> String {
        flavour == .mistral ? ["aB3dE5gH7", "Zx9Yw8Vu7"][index] : "call_\(flavour.rawValue)_\(index + 1)"
    }

    private var usage: [String: Any] {
        [
            "prompt_tokens": FakeScript.promptTokens, "completion_tokens": FakeScript.completionTokens,
            "total_tokens": FakeScript.promptTokens + FakeScript.completionTokens,
        ]
    }

    private func whole(_ script: FakeScript, model: String) -> Response {
        var message: [String: Any] = ["role": "assistant", "content": script.text.isEmpty ? NSNull() : script.text.joined() as Any]
        if let reasoning = script.reasoning {
            if flavour == .mistral {
                // Magistral answers its thinking as content blocks.
                message["content"] = [
                    ["type": "thinking", "thinking": [["type": "text", "text": reasoning]]],
                    ["type": "text", "text": script.text.joined()],
                ]
            } else {
                message[reasoningKey] = reasoning
            }
        }
        if !script.calls.isEmpty {
            message["tool_calls"] = script.calls.enumerated().map { index, call in
                ["id": callID(index), "type": "function", "function": ["name": call.name, "arguments": call.arguments]]
            }
        }
        let finish = script.calls.isEmpty ? "stop" : "tool_calls"
        return FakeReply.json(
            200,
            object: [
                "id": "chatcmpl-fake", "object": "chat.completion", "created": 1, "model": model,
                "choices": [["index": 0, "message": message, "finish_reason": finish]], "usage": usage,
            ])
    }

    private func streamed(_ script: FakeScript, model: String, includeUsage: Bool) -> Response {
        func chunk(_ delta: [String: Any], finish: String? = nil) -> String {
            FakeReply.data([
                "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": model,
                "choices": [["index": 0, "delta": delta, "finish_reason": finish ?? NSNull() as Any]],
            ])
        }
        var events = [chunk(["role": "assistant", "content": ""])]
        if let reasoning = script.reasoning {
            let delta: [String: Any] =
                flavour == .mistral
                ? ["content": [["type": "thinking", "thinking": [["type": "text", "text": reasoning]]]]]
                : [reasoningKey: reasoning]
            events.append(chunk(delta))
        }
        events += script.text.map { chunk(["content": $0]) }
        for (index, call) in script.calls.enumerated() {
            events.append(
                chunk([
                    "tool_calls": [
                        ["index": index, "id": callID(index), "type": "function", "function": ["name": call.name, "arguments": ""]]
                    ]
                ]))
            events += call.pieces.map { chunk(["tool_calls": [["index": index, "function": ["arguments": $0]]]]) }
        }
        events.append(chunk([:], finish: script.calls.isEmpty ? "stop" : "tool_calls"))
        if includeUsage {
            events.append(
                FakeReply.data([
                    "id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1, "model": model, "choices": [], "usage": usage,
                ]))
        }
        events.append("data: [DONE]\n\n")
        return FakeReply.events(events, cutAfter: model == "cut" ? 2 : nil)
    }

    /// Mistral's `/v1/fim/completions`: prompt and suffix in, chat-shaped answer out (reference §4.2).
    private func fim(_ body: [String: Any]) -> Response {
        guard flavour == .mistral else { return error(404, "no FIM here", type: "invalid_request_error") }
        let allowed: Set = [
            "model", "prompt", "suffix", "temperature", "top_p", "max_tokens", "min_tokens", "stream", "stop", "random_seed",
        ]
        if let field = body.keys.sorted().first(where: { !allowed.contains($0) }) {
            return error(422, "\(field): Extra inputs are not permitted", type: "invalid_request_error")
        }
        guard body["prompt"] is String else { return error(422, "prompt: Field required", type: "invalid_request_error") }
        let model = body["model"] as? String ?? ""
        let pieces = FakeScript.completion
        guard body["stream"] as? Bool == true else {
            return FakeReply.json(
                200,
                object: [
                    "id": "fim-fake", "object": "chat.completion", "created": 1, "model": model, "usage": usage,
                    "choices": [["index": 0, "message": ["role": "assistant", "content": pieces.joined()], "finish_reason": "stop"]],
                ])
        }
        func chunk(_ delta: [String: Any], finish: String? = nil, usage: [String: Any]? = nil) -> String {
            var object: [String: Any] = [
                "id": "fim-fake", "object": "chat.completion.chunk", "created": 1, "model": model,
                "choices": [["index": 0, "delta": delta, "finish_reason": finish ?? NSNull() as Any]],
            ]
            if let usage { object["usage"] = usage }
            return FakeReply.data(object)
        }
        var events = [chunk(["role": "assistant", "content": ""])]
        events += pieces.map { chunk(["content": $0]) }
        // Mistral puts usage on its last chunk.
        events.append(chunk(["content": ""], finish: "stop", usage: usage))
        events.append("data: [DONE]\n\n")
        return FakeReply.events(events)
    }

    /// OpenAI's legacy `/v1/completions`.
    private func legacyCompletion(_ body: [String: Any]) -> Response {
        guard flavour == .openai else { return error(404, "Unknown endpoint /v1/completions", type: "invalid_request_error") }
        let model = body["model"] as? String ?? ""
        let pieces = FakeScript.completion
        func object(_ text: String, finish: String?) -> [String: Any] {
            [
                "id": "cmpl-fake", "object": "text_completion", "created": 1, "model": model,
                "choices": [["text": text, "index": 0, "logprobs": NSNull(), "finish_reason": finish ?? NSNull() as Any]],
            ]
        }
        guard body["stream"] as? Bool == true else {
            return FakeReply.json(200, object: object(pieces.joined(), finish: "stop").merging(["usage": usage]) { $1 })
        }
        let events =
            pieces.map { FakeReply.data(object($0, finish: nil)) } + [FakeReply.data(object("", finish: "stop")), "data: [DONE]\n\n"]
        return FakeReply.events(events)
    }

    private func embeddings(_ body: [String: Any]) -> Response {
        if flavour == .mistral, body["encoding_format"] != nil {
            return error(422, "encoding_format: Extra inputs are not permitted", type: "invalid_request_error")
        }
        let inputs = (body["input"] as? [String]) ?? [(body["input"] as? String) ?? ""]
        return FakeReply.json(
            200,
            object: [
                "object": "list", "model": body["model"] as? String ?? "",
                "data": inputs.enumerated().map {
                    ["object": "embedding", "index": $0.offset, "embedding": FakeScript.embedding(for: $0.element)]
                },
                "usage": ["prompt_tokens": FakeScript.promptTokens, "total_tokens": FakeScript.promptTokens],
            ])
    }

    /// What the real service refuses, as its error message; `nil` when the request is acceptable.
    private func refusal(_ body: [String: Any]) -> String? {
        let messages = body["messages"] as? [[String: Any]] ?? []
        switch flavour {
        case .openai:
            return nil
        case .groq:
            for field in ["logprobs", "logit_bias", "top_logprobs"] where body[field] != nil {
                return "property '\(field)' is unsupported"
            }
            if let index = messages.firstIndex(where: { $0["name"] != nil }) {
                return "'messages.\(index)' : property 'name' is unsupported"
            }
            if let stop = body["stop"] as? [Any], stop.count > 4 { return "'stop' : maximum 4 items" }
            return nil
        case .mistral:
            let allowed: Set = [
                "model", "messages", "temperature", "top_p", "max_tokens", "stream", "stop", "random_seed", "response_format",
                "tools", "tool_choice", "presence_penalty", "frequency_penalty", "n", "safe_prompt", "parallel_tool_calls",
                "prediction", "stream_options",
            ]
            if let field = body.keys.sorted().first(where: { !allowed.contains($0) }) {
                return "\(field): Extra inputs are not permitted (extra_forbidden)"
            }
            if let field = body.keys.sorted().first(where: { body[$0] is NSNull }) { return "\(field): null is not permitted" }
            for (index, message) in messages.enumerated() {
                let role = message["role"] as? String ?? ""
                guard ["system", "user", "assistant", "tool"].contains(role) else { return "messages[\(index)]: unknown role \(role)" }
                if role != "tool" && message["name"] != nil { return "messages[\(index)].name: Extra inputs are not permitted" }
                var ids = ((message["tool_calls"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String }
                if let id = message["tool_call_id"] as? String { ids.append(id) }
                for id in ids where !(id.count == 9 && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }) {
                    return "Tool call id was \(id) but must be a-z, A-Z, 0-9, with a length of 9."
                }
            }
            for tool in body["tools"] as? [[String: Any]] ?? [] where (tool["function"] as? [String: Any])?["strict"] != nil {
                return "tools.function.strict: Extra inputs are not permitted"
            }
            return nil
        case .gemini, .anthropic:
            return nil
        }
    }

    private func error(_ status: Int, _ message: String, type: String, code: String? = nil, headers: [String: String] = [:]) -> Response {
        if flavour == .mistral {
            return FakeReply.json(
                status, object: ["object": "error", "message": message, "type": type, "param": NSNull(), "code": code ?? NSNull() as Any],
                headers: headers)
        }
        return FakeReply.json(
            status, object: ["error": ["message": message, "type": type, "param": NSNull(), "code": code ?? NSNull() as Any]],
            headers: headers)
    }
}
