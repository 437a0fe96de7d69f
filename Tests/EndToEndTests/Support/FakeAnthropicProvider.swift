import Foundation
import Hummingbird

/// Anthropic's Messages API (reference §3): `POST /v1/messages` with `x-api-key` and
/// `anthropic-version`, named SSE events. Refuses what Anthropic refuses: a missing `max_tokens`,
/// a `system` role inside `messages`, empty text blocks, tool ids outside `[A-Za-z0-9_-]`, and a
/// `tool_result` that answers no `tool_use` of the turn before.
struct FakeAnthropicProvider {
    func answer(_ record: FakeProviders.Recorded, body: [String: Any]) -> Response {
        guard record.header("x-api-key") == FakeProviders.key else { return error(401, "invalid x-api-key", type: "authentication_error") }
        guard record.header("anthropic-version") != nil else {
            return error(400, "anthropic-version: header is required", type: "invalid_request_error")
        }
        guard record.path == "/anthropic/v1/messages" else { return error(404, "Not found", type: "not_found_error") }
        if let problem = refusal(body) { return error(400, problem, type: "invalid_request_error") }
        let model = body["model"] as? String ?? ""
        switch model {
        case "error-400": return error(400, "messages: roles must alternate", type: "invalid_request_error")
        case "error-401": return error(401, "invalid x-api-key", type: "authentication_error")
        case "error-429":
            return error(429, "Number of requests has exceeded your rate limit", type: "rate_limit_error", headers: ["retry-after": "7"])
        case "error-500": return error(500, "Internal server error", type: "api_error")
        case "error-529": return error(529, "Overloaded", type: "overloaded_error")
        case "malformed": return FakeReply.json(200, "{oops")
        default: break
        }
        let messages = body["messages"] as? [[String: Any]] ?? []
        let lastBlocks = messages.last?["content"] as? [[String: Any]] ?? []
        var script = FakeScript.forModel(model, afterToolResult: lastBlocks.contains { $0["type"] as? String == "tool_result" })
        if (body["thinking"] as? [String: Any])?["type"] as? String != "enabled" { script.reasoning = nil }
        // A forced tool (how a gateway asks for JSON) is answered by calling it with the answer as input.
        if let choice = body["tool_choice"] as? [String: Any], choice["type"] as? String == "tool", let name = choice["name"] as? String,
            script.calls.isEmpty, !script.text.isEmpty
        {
            script = FakeScript(calls: [FakeScript.Call(name: name, pieces: script.text)])
        }
        let stream = body["stream"] as? Bool ?? false
        return stream ? streamed(script, model: model) : whole(script, model: model)
    }

    private func whole(_ script: FakeScript, model: String) -> Response {
        var content: [[String: Any]] = []
        if let reasoning = script.reasoning { content.append(["type": "thinking", "thinking": reasoning, "signature": "fake-signature"]) }
        if !script.text.isEmpty { content.append(["type": "text", "text": script.text.joined()]) }
        for (index, call) in script.calls.enumerated() {
            let input = (try? JSONSerialization.jsonObject(with: Data(call.arguments.utf8))) ?? [:]
            content.append(["type": "tool_use", "id": "toolu_0\(index + 1)", "name": call.name, "input": input])
        }
        return FakeReply.json(
            200,
            object: [
                "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": content,
                "stop_reason": script.calls.isEmpty ? "end_turn" : "tool_use", "stop_sequence": NSNull(),
                "usage": ["input_tokens": FakeScript.promptTokens, "output_tokens": FakeScript.completionTokens],
            ])
    }

    private func streamed(_ script: FakeScript, model: String) -> Response {
        func event(_ name: String, _ object: [String: Any]) -> String {
            var object = object
            object["type"] = name
            return FakeReply.data(object, event: name)
        }
        var events = [
            event(
                "message_start",
                [
                    "message": [
                        "id": "msg_fake", "type": "message", "role": "assistant", "model": model, "content": [],
                        "stop_reason": NSNull(), "usage": ["input_tokens": FakeScript.promptTokens, "output_tokens": 1],
                    ]
                ]), event("ping", [:]),
        ]
        var block = 0
        if let reasoning = script.reasoning {
            events.append(event("content_block_start", ["index": block, "content_block": ["type": "thinking", "thinking": ""]]))
            events.append(event("content_block_delta", ["index": block, "delta": ["type": "thinking_delta", "thinking": reasoning]]))
            events.append(
                event("content_block_delta", ["index": block, "delta": ["type": "signature_delta", "signature": "fake-signature"]]))
            events.append(event("content_block_stop", ["index": block]))
            block += 1
        }
        if !script.text.isEmpty {
            events.append(event("content_block_start", ["index": block, "content_block": ["type": "text", "text": ""]]))
            events += script.text.map { event("content_block_delta", ["index": block, "delta": ["type": "text_delta", "text": $0]]) }
            events.append(event("content_block_stop", ["index": block]))
            block += 1
        }
        for (index, call) in script.calls.enumerated() {
            events.append(
                event(
                    "content_block_start",
                    ["index": block, "content_block": ["type": "tool_use", "id": "toolu_0\(index + 1)", "name": call.name, "input": [:]]]))
            events += call.pieces.map {
                event("content_block_delta", ["index": block, "delta": ["type": "input_json_delta", "partial_json": $0]])
            }
            events.append(event("content_block_stop", ["index": block]))
            block += 1
        }
        events.append(
            event(
                "message_delta",
                [
                    "delta": ["stop_reason": script.calls.isEmpty ? "end_turn" : "tool_use", "stop_sequence": NSNull()],
                    "usage": ["output_tokens": FakeScript.completionTokens],
                ]))
        events.append(event("message_stop", [:]))
        return FakeReply.events(events, cutAfter: model == "cut" ? 3 : nil)
    }

    private func refusal(_ body: [String: Any]) -> String? {
        let known: Set = [
            "model", "max_tokens", "system", "messages", "tools", "tool_choice", "stop_sequences", "temperature",
            "top_p", "top_k", "stream", "metadata", "thinking",
        ]
        if let field = body.keys.sorted().first(where: { !known.contains($0) }) { return "\(field): Extra inputs are not permitted" }
        guard let maxTokens = body["max_tokens"] as? Int, maxTokens > 0 else { return "max_tokens: Field required" }
        if let temperature = body["temperature"] as? Double, temperature > 1 {
            return "temperature: Input should be less than or equal to 1"
        }
        if let thinking = body["thinking"] as? [String: Any] {
            guard let budget = thinking["budget_tokens"] as? Int, budget >= 1024, budget < maxTokens else {
                return "thinking.budget_tokens: must be at least 1024 and less than max_tokens"
            }
        }
        guard let messages = body["messages"] as? [[String: Any]], !messages.isEmpty else { return "messages: Field required" }
        if (body["thinking"] as? [String: Any])?["type"] as? String == "enabled" {
            for (index, message) in messages.enumerated() {
                let blocks = message["content"] as? [[String: Any]] ?? []
                guard blocks.contains(where: { $0["type"] as? String == "tool_use" }) else { continue }
                guard blocks.first?["type"] as? String == "thinking", blocks.first?["signature"] as? String == "fake-signature" else {
                    return
                        "messages.\(index).content.0.type: Expected `thinking` or `redacted_thinking`, but found `\(blocks.first?["type"] ?? "")`. When `thinking` is enabled, a final `assistant` message must start with a thinking block."
                }
            }
        }
        var previousToolUses: Set<String> = []
        for (index, message) in messages.enumerated() {
            let role = message["role"] as? String ?? ""
            guard role == "user" || role == "assistant" else {
                return
                    "messages: Unexpected role \"\(role)\". The Messages API accepts a top-level `system` parameter, not \"system\" as an input message role."
            }
            if index == 0 && role != "user" { return "messages: first message must use the \"user\" role" }
            guard let blocks = message["content"] as? [[String: Any]], !blocks.isEmpty else {
                return "messages.\(index): content must be non-empty blocks"
            }
            var toolUses: Set<String> = []
            for block in blocks {
                switch block["type"] as? String {
                case "text":
                    if (block["text"] as? String ?? "").isEmpty { return "messages: text content blocks must be non-empty" }
                case "tool_use":
                    let id = block["id"] as? String ?? ""
                    guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) else {
                        return "messages.\(index).content.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"
                    }
                    guard block["input"] is [String: Any] else { return "tool_use.input must be an object" }
                    toolUses.insert(id)
                case "tool_result":
                    guard previousToolUses.contains(block["tool_use_id"] as? String ?? "") else {
                        return
                            "messages.\(index): unexpected `tool_use_id` found in `tool_result` blocks. Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
                    }
                case "thinking":
                    guard role == "assistant", block["signature"] is String else {
                        return "messages.\(index): thinking blocks need a signature"
                    }
                case "image":
                    guard let source = block["source"] as? [String: Any], ["base64", "url"].contains(source["type"] as? String ?? "") else {
                        return "messages.\(index): image source must be base64 or url"
                    }
                default:
                    return "messages.\(index): unknown content block type \(block["type"] ?? "nil")"
                }
            }
            previousToolUses = toolUses
        }
        for tool in body["tools"] as? [[String: Any]] ?? [] {
            guard (tool["input_schema"] as? [String: Any])?["type"] as? String == "object" else {
                return "tools.input_schema: type must be object"
            }
        }
        return nil
    }

    private func error(_ status: Int, _ message: String, type: String, headers: [String: String] = [:]) -> Response {
        FakeReply.json(
            status, object: ["type": "error", "error": ["type": type, "message": message], "request_id": "req_fake"], headers: headers)
    }
}
