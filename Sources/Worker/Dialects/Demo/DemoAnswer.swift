import FoundationEssentials
import NIOCore
import Shared

/// The parts of a chat request the demo looks at.
struct DemoRequest {
    var lastUserText: String
    var promptWords: Int
    var includeUsage: Bool

    init(body: ByteBuffer) throws(GatewayError) {
        guard let json = try? JSONValue.decode(body.readableBytesView) else {
            throw .invalidRequest("Request body is not valid JSON.", code: .invalidJSON)
        }
        guard let messages = json["messages"]?.arrayValue, !messages.isEmpty else {
            throw .invalidRequest("'messages' must be a non-empty array.", code: .invalidMessages, param: "messages")
        }
        var last = ""
        var words = 0
        for message in messages {
            let text = DemoRequest.text(of: message["content"])
            words += text.split(separator: " ").count
            if message["role"]?.stringValue == "user" { last = text }
        }
        lastUserText = last
        promptWords = words
        includeUsage = json["stream_options"]?["include_usage"]?.boolValue ?? false
    }

    private static func text(of content: JSONValue?) -> String {
        switch content {
        case .string(let text): return text
        case .array(let parts): return parts.compactMap { $0["text"]?.stringValue }.joined(separator: " ")
        default: return ""
        }
    }
}

/// The demo's reply to one request, rendered whole or as stream chunks.
struct DemoAnswer {
    let id: String
    let created: Int
    let model: String
    let words: [String]
    let usage: Usage

    init(request: DemoRequest, model: String) {
        let said = request.lastUserText.isEmpty ? "nothing" : request.lastUserText
        let text = "Hello from Orchestra's demo provider. You said: \(said)"
        words = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        id = "chatcmpl-demo-\(UInt64.random(in: 0...UInt64.max))"
        created = Int(Date().timeIntervalSince1970)
        self.model = model
        usage = Usage(prompt_tokens: max(1, request.promptWords), completion_tokens: words.count)
    }

    /// Stable key order and unescaped slashes (`demo/echo`, not `demo\/echo`): answers read like OpenAI's.
    static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    func completionJSON() -> [UInt8] {
        let completion = ChatCompletion(
            id: id, created: created, model: model,
            choices: [
                .init(index: 0, message: ChatMessage(role: "assistant", content: words.joined(separator: " ")), finish_reason: "stop")
            ],
            usage: usage
        )
        return Array(try! Self.makeEncoder().encode(completion))
    }

    func chunkJSONs(includeUsage: Bool) -> [[UInt8]] {
        let encoder = Self.makeEncoder()
        func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil) -> [UInt8] {
            let value = ChatCompletionChunk(
                id: id, created: created, model: model, choices: [.init(index: 0, delta: delta, finish_reason: finish)])
            return Array(try! encoder.encode(value))
        }
        var chunks = [chunk(.init(role: "assistant", content: ""))]
        for (index, word) in words.enumerated() {
            chunks.append(chunk(.init(content: index == 0 ? word : " " + word)))
        }
        chunks.append(chunk(.init(), finish: "stop"))
        if includeUsage {
            let final = ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: usage)
            chunks.append(Array(try! encoder.encode(final)))
        }
        return chunks
    }
}
