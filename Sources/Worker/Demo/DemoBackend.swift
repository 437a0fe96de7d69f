import FoundationEssentials
import NIOCore
import Shared

/// The offline `demo` provider: real OpenAI answers made locally, so a newcomer gets a reply (whole or
/// streamed) with no account and no network. `demo/echo` answers at once; `demo/slow` streams a word
/// every 150 ms, which is handy for watching streams and for testing cancellation and shutdown.
final class DemoBackend: RequestBackend {
    private let link: FrontLink
    private let eventLoop: any EventLoop
    private let config: ProviderConfig
    // Event-loop state: pending timers of streams in flight, by request id.
    private let streams: NIOLoopBoundBox<[UInt32: Scheduled<Void>]>

    init(link: FrontLink, eventLoop: any EventLoop, config: ProviderConfig) {
        self.link = link
        self.eventLoop = eventLoop
        self.config = config
        self.streams = NIOLoopBoundBox([:], eventLoop: eventLoop)
    }

    func start(id: UInt32, call: UpstreamCall) {
        guard config.model(call.model) != nil else {
            let known = config.models.map { "demo/\($0.id)" }.joined(separator: ", ")
            link.send([.failure(id: id, .modelNotFound("Model 'demo/\(call.model)' does not exist. Known: \(known)."))])
            return
        }
        do {
            try answer(id: id, call: call)
        } catch {
            link.send([.failure(id: id, error)])
        }
    }

    private func answer(id: UInt32, call: UpstreamCall) throws(GatewayError) {
        var chatCall = call
        switch call.endpoint {
        case .embeddings:
            let body = try DemoEmbeddings.answer(call)
            link.send([.head(id: id, ResponseHead(status: 200, streaming: false)), .chunk(id: id, ByteBuffer(bytes: body)), .end(id: id)])
            return
        case .completions, .fimCompletions:
            let request = try CompletionRequest.decode(Array(call.body.readableBytesView))
            chatCall = CompletionEmulation.chatCall(for: call, request: request)
        case .chatCompletions:
            break
        }
        // `/v1/completions` answers in text_completion shape; everything else in chat shape.
        let asText = call.endpoint == .completions
        let request = try DemoRequest(body: chatCall.body)
        let answer = DemoAnswer(request: request, model: "demo/\(call.model)")
        if !call.stream {
            let body = asText ? try TextCompletionTranslator.textCompletion(fromChat: answer.completionJSON(), provider: "demo") : answer.completionJSON()
            link.send([
                .head(id: id, ResponseHead(status: 200, streaming: false)),
                .chunk(id: id, ByteBuffer(bytes: body)),
                .usage(id: id, UsageReport(answer.usage)),
                .end(id: id),
            ])
            return
        }
        var chunks = answer.chunkJSONs(includeUsage: request.includeUsage)
        if asText {
            var converted: [[UInt8]] = []
            for chunk in chunks {
                if let text = try TextCompletionTranslator.textChunk(fromChat: chunk, provider: "demo") { converted.append(text) }
            }
            chunks = converted
        }
        link.send([.head(id: id, ResponseHead(status: 200, streaming: true))])
        let delay: TimeAmount = call.model == "slow" ? .milliseconds(150) : .zero
        if delay == .zero {
            var framed = ByteBuffer()
            for chunk in chunks { SSEFraming.append(chunk, to: &framed) }
            link.send([.chunk(id: id, framed), .usage(id: id, UsageReport(answer.usage)), .end(id: id)])
        } else {
            let usage = UsageReport(answer.usage)
            eventLoop.execute { self.sendPaced(id: id, chunks: chunks[...], delay: delay, usage: usage) }
        }
    }

    func cancel(id: UInt32) {
        eventLoop.execute {
            self.streams.value.removeValue(forKey: id)?.cancel()
        }
    }

    private func sendPaced(id: UInt32, chunks: ArraySlice<[UInt8]>, delay: TimeAmount, usage: UsageReport) {
        guard let first = chunks.first else {
            streams.value[id] = nil
            link.send([.usage(id: id, usage), .end(id: id)])
            return
        }
        var framed = ByteBuffer()
        SSEFraming.append(first, to: &framed)
        link.send([.chunk(id: id, framed)])
        streams.value[id] = eventLoop.scheduleTask(in: delay) {
            self.sendPaced(id: id, chunks: chunks.dropFirst(), delay: delay, usage: usage)
        }
    }
}

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
            choices: [.init(index: 0, message: ChatMessage(role: "assistant", content: words.joined(separator: " ")), finish_reason: "stop")],
            usage: usage
        )
        return Array(try! Self.makeEncoder().encode(completion))
    }

    func chunkJSONs(includeUsage: Bool) -> [[UInt8]] {
        let encoder = Self.makeEncoder()
        func chunk(_ delta: ChatCompletionChunk.Delta, finish: String? = nil) -> [UInt8] {
            let value = ChatCompletionChunk(id: id, created: created, model: model, choices: [.init(index: 0, delta: delta, finish_reason: finish)])
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
