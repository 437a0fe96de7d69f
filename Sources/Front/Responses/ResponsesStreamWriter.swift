import Shared

/// Writes the Responses API's event stream from OpenAI chat chunks: `response.created` and
/// `response.in_progress`, then per output item `output_item.added`, its parts and deltas, their
/// `.done` events and `output_item.done` (reasoning summary, message text, each function call), and
/// last `response.completed` (or `response.incomplete`, or `response.failed`), every event numbered.
struct ResponsesStreamWriter: Sendable {
    private enum Open: Equatable {
        case reasoning
        case message
        case call(Int)
    }

    let settings: ResponseSettings
    private(set) var output = ResponseOutput()
    /// The finished response, once the stream ended cleanly.
    private(set) var completed: JSONValue?
    private var sequence = 0
    private var started = false
    private var open: Open?

    init(settings: ResponseSettings) {
        self.settings = settings
    }

    /// The events for one chat chunk.
    mutating func events(for chunk: OpenAIAnswerProbe) -> [UInt8] {
        var out = start()
        if let usage = chunk.usage { output.usage = usage }
        for choice in chunk.choices ?? [] where (choice.index ?? 0) == 0 {
            if let reasoning = choice.delta?.reasoning_content, !reasoning.isEmpty {
                out += switchTo(.reasoning)
                let (index, id) = current(appending: reasoning)
                out += event(
                    "response.reasoning_summary_text.delta",
                    ["item_id": .string(id), "output_index": .int(Int64(index)), "summary_index": .int(0), "delta": .string(reasoning)])
            }
            if let text = choice.delta?.content, !text.isEmpty {
                out += switchTo(.message)
                let (index, id) = current(appending: text)
                out += event(
                    "response.output_text.delta",
                    [
                        "item_id": .string(id), "output_index": .int(Int64(index)), "content_index": .int(0), "delta": .string(text),
                        "logprobs": .array([]),
                    ])
            }
            for fragment in choice.delta?.tool_calls ?? [] {
                let call = fragment.index ?? 0
                if fragment.id != nil || open != .call(call) {
                    out += close()
                    output.items.append(
                        .functionCall(
                            id: ResponseOutput.itemID("fc"), callID: fragment.id ?? OpenAIIdentifiers.toolCall(),
                            name: fragment.function?.name ?? "", arguments: ""))
                    open = .call(call)
                    out += added()
                }
                if let arguments = fragment.function?.arguments, !arguments.isEmpty {
                    let (index, id) = current(appending: arguments)
                    out += event(
                        "response.function_call_arguments.delta",
                        ["item_id": .string(id), "output_index": .int(Int64(index)), "delta": .string(arguments)])
                }
            }
            if let finish = choice.finish_reason { output.finishReason = finish }
        }
        return out
    }

    /// The stream's end: the open item closes, then `response.completed` (or `.incomplete`) with the
    /// whole response.
    mutating func finish() -> [UInt8] {
        var out = start()
        out += close()
        let status = output.status
        let response = settings.object(status: status, output: output)
        completed = response
        out += event("response." + status, ["response": response])
        return out
    }

    /// `response.failed`, for a failure after the stream started.
    mutating func failed(_ error: GatewayError) -> [UInt8] {
        var out = start()
        out += close()
        out += event("response.failed", ["response": settings.object(status: "failed", output: output, error: error)])
        return out
    }

    private mutating func start() -> [UInt8] {
        guard !started else { return [] }
        started = true
        let skeleton = settings.object(status: "in_progress", output: nil)
        return event("response.created", ["response": skeleton]) + event("response.in_progress", ["response": skeleton])
    }

    /// The open item's index and id, after adding `delta` to it.
    private mutating func current(appending delta: String) -> (Int, String) {
        let index = output.items.count - 1
        switch output.items[index] {
        case .reasoning(let id, let text):
            output.items[index] = .reasoning(id: id, text: text + delta)
            return (index, id)
        case .message(let id, let text):
            output.items[index] = .message(id: id, text: text + delta)
            return (index, id)
        case .functionCall(let id, let callID, let name, let arguments):
            output.items[index] = .functionCall(id: id, callID: callID, name: name, arguments: arguments + delta)
            return (index, id)
        }
    }

    private mutating func switchTo(_ kind: Open) -> [UInt8] {
        guard open != kind else { return [] }
        var out = close()
        switch kind {
        case .reasoning: output.items.append(.reasoning(id: ResponseOutput.itemID("rs"), text: ""))
        case .message: output.items.append(.message(id: ResponseOutput.itemID("msg"), text: ""))
        case .call: return out
        }
        open = kind
        out += added()
        return out
    }

    /// `output_item.added` for the newest item, and its first (empty) part.
    private mutating func added() -> [UInt8] {
        let index = output.items.count - 1
        let indexJSON = JSONValue.int(Int64(index))
        switch output.items[index] {
        case .reasoning(let id, _):
            return event(
                "response.output_item.added",
                ["output_index": indexJSON, "item": .object(["type": "reasoning", "id": .string(id), "summary": .array([])])])
                + event(
                    "response.reasoning_summary_part.added",
                    [
                        "item_id": .string(id), "output_index": indexJSON, "summary_index": .int(0),
                        "part": .object(["type": "summary_text", "text": ""]),
                    ])
        case .message(let id, _):
            return event(
                "response.output_item.added",
                [
                    "output_index": indexJSON,
                    "item": .object([
                        "type": "message", "id": .string(id), "status": "in_progress", "role": "assistant", "content": .array([]),
                    ]),
                ])
                + event(
                    "response.content_part.added",
                    ["item_id": .string(id), "output_index": indexJSON, "content_index": .int(0), "part": ResponseOutput.textPart("")])
        case .functionCall(let id, let callID, let name, _):
            return event(
                "response.output_item.added",
                [
                    "output_index": indexJSON,
                    "item": .object([
                        "type": "function_call", "id": .string(id), "status": "in_progress", "call_id": .string(callID),
                        "name": .string(name), "arguments": "",
                    ]),
                ])
        }
    }

    /// The open item's `.done` events and `output_item.done`.
    private mutating func close() -> [UInt8] {
        guard open != nil, let item = output.items.last else { return [] }
        open = nil
        let index = JSONValue.int(Int64(output.items.count - 1))
        var out: [UInt8] = []
        switch item {
        case .reasoning(let id, let text):
            out += event(
                "response.reasoning_summary_text.done",
                ["item_id": .string(id), "output_index": index, "summary_index": .int(0), "text": .string(text)])
            out += event(
                "response.reasoning_summary_part.done",
                [
                    "item_id": .string(id), "output_index": index, "summary_index": .int(0),
                    "part": .object(["type": "summary_text", "text": .string(text)]),
                ])
        case .message(let id, let text):
            out += event(
                "response.output_text.done",
                ["item_id": .string(id), "output_index": index, "content_index": .int(0), "text": .string(text), "logprobs": .array([])])
            out += event(
                "response.content_part.done",
                ["item_id": .string(id), "output_index": index, "content_index": .int(0), "part": ResponseOutput.textPart(text)])
        case .functionCall(let id, _, let name, let arguments):
            out += event(
                "response.function_call_arguments.done",
                ["item_id": .string(id), "output_index": index, "name": .string(name), "arguments": .string(arguments)])
        }
        out += event("response.output_item.done", ["output_index": index, "item": item.json])
        return out
    }

    private mutating func event(_ type: String, _ fields: [String: JSONValue]) -> [UInt8] {
        var object = fields
        object["type"] = .string(type)
        object["sequence_number"] = .int(Int64(sequence))
        sequence += 1
        return Array("event: \(type)\ndata: ".utf8) + JSONValue.object(object).encoded() + Array("\n\n".utf8)
    }
}
