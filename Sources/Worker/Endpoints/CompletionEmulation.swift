import NIOCore
import Shared

/// Serves `/v1/completions` and `/v1/fim/completions` on a chat-only provider: the prompt becomes a
/// chat request (a plain user message, or a fill-in-the-middle instruction when there is code after
/// the cursor), and for `/v1/completions` the chat answer is turned back into `text_completion`s.
enum CompletionEmulation {
    static let holeMarker = "<FILL_HERE>"
    static let fillInstruction = """
        You are a code completion engine. Reply with only the code that replaces \(holeMarker) in the \
        user's text: no explanations, no code fences, nothing that is already before or after it.
        """

    static func chatCall(for call: UpstreamCall, request: CompletionRequest) -> UpstreamCall {
        let fim = FIMPrompt(prompt: request.prompt.text, suffix: request.suffix)
        var messages: [JSONValue] = []
        if fim.isFillInTheMiddle {
            messages.append(.object(["role": .string("system"), "content": .string(fillInstruction)]))
            messages.append(.object(["role": .string("user"), "content": .string(fim.prefix + holeMarker + (fim.suffix ?? ""))]))
        } else {
            messages.append(.object(["role": .string("user"), "content": .string(fim.prefix)]))
        }
        var body: [String: JSONValue] = ["model": .string(call.model), "messages": .array(messages)]
        if call.stream {
            body["stream"] = .bool(true)
            if request.stream_options?.include_usage == true { body["stream_options"] = .object(["include_usage": .bool(true)]) }
        }
        if let value = request.max_tokens { body["max_tokens"] = .int(Int64(value)) }
        if let value = request.temperature { body["temperature"] = .double(value) }
        if let value = request.top_p { body["top_p"] = .double(value) }
        if let value = request.seed ?? request.random_seed { body["seed"] = .int(Int64(value)) }
        if let value = request.presence_penalty { body["presence_penalty"] = .double(value) }
        if let value = request.frequency_penalty { body["frequency_penalty"] = .double(value) }
        // Template tags are stop words for the template's own model, not for a chat model.
        let stops = (request.stop?.values ?? []).filter { $0 != FIMPrompt.prefixTag && $0 != FIMPrompt.suffixTag }
        if !stops.isEmpty { body["stop"] = .array(stops.map(JSONValue.string)) }
        return UpstreamCall(
            endpoint: .chatCompletions, model: call.model, stream: call.stream, body: ByteBuffer(bytes: JSONValue.object(body).encoded()))
    }
}
