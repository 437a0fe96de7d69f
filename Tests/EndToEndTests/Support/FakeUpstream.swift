import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// An OpenAI-compatible provider played on 127.0.0.1 with an ephemeral port.
///
/// Behaviour is picked by the upstream model name (TensorZero's "dummy provider" idea), so one fake
/// serves every scenario: `ok`, `slow-stream`, `rate-limited`, `server-error`, `not-found`,
/// `slow-first-byte`, `drop-mid-stream`, `invalid-json`, `hang`. Every request is recorded.
final class FakeUpstream: Sendable {
    struct Recorded: Sendable {
        var path: String
        var headers: HTTPFields
        var body: [String: Any] { (try? JSONSerialization.jsonObject(with: rawBody) as? [String: Any]) ?? [:] }
        var rawBody: Data
        var authorization: String? { headers[.authorization] }
    }

    private let recorded = Mutex<[Recorded]>([])
    private let abortedStreams = Mutex(0)
    private let task: Task<Void, any Error>
    let port: Int

    var baseURL: String { "http://127.0.0.1:\(port)/v1" }
    var requests: [Recorded] { recorded.withLock { $0 } }
    /// Streams whose client (the gateway's worker) went away before the stream ended.
    var abortedStreamCount: Int { abortedStreams.withLock { $0 } }

    static func start() async throws -> FakeUpstream {
        let holder = Holder()
        let router = Router()
        router.post("/v1/chat/completions") { request, context in
            try await holder.upstream!.handle(request, context: context)
        }
        let (port, task) = await FakeServer.start(router, label: "fake-upstream")
        let upstream = FakeUpstream(port: port, task: task)
        holder.upstream = upstream
        return upstream
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    func stop() {
        task.cancel()
    }

    private func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let record = Recorded(path: request.uri.path, headers: request.headers, rawBody: Data(body.readableBytesView))
        recorded.withLock { $0.append(record) }
        let json = record.body
        let model = json["model"] as? String ?? ""
        let stream = json["stream"] as? Bool ?? false
        let includeUsage = (json["stream_options"] as? [String: Any])?["include_usage"] as? Bool ?? false
        switch model {
        case "rate-limited":
            return Self.error(
                429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "Rate limit reached for requests",
                headers: ["retry-after": "7", "x-ratelimit-remaining-requests": "0", "set-cookie": "secret=1"])
        case "server-error":
            return Self.error(500, type: "server_error", code: nil, message: "The server had an error while processing your request.")
        case "not-found":
            return Self.error(404, type: "invalid_request_error", code: "model_not_found", message: "The model `not-found` does not exist")
        case "invalid-json":
            return Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{\"id\": oops")))
        case "slow-first-byte":
            try await Task.sleep(for: .seconds(3))
        case "hang":
            try await Task.sleep(for: .seconds(60))
        default:
            break
        }
        guard stream else {
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: Self.completion(model: model))))
        }
        let words = ["Hello", " from", " the", " fake", " upstream"]
        let pace: Duration = model == "slow-stream" ? .milliseconds(300) : .zero
        let drop = model == "drop-mid-stream"
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", HTTPField.Name("x-ratelimit-remaining-requests")!: "41"],
            body: ResponseBody { [self] writer in
                do {
                    try await writer.write(ByteBuffer(string: "data: \(Self.chunk(model: model, content: "", role: true))\n\n"))
                    for (index, word) in words.enumerated() {
                        if pace > .zero { try await Task.sleep(for: pace) }
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\ndata: \(Self.chunk(model: model, content: word))\n\n"))
                        if drop && index == 1 { throw CancellationError() }
                    }
                    try await writer.write(ByteBuffer(string: "data: \(Self.chunk(model: model, content: nil, finish: "stop"))\n\n"))
                    if includeUsage {
                        try await writer.write(
                            ByteBuffer(
                                string:
                                    "data: {\"id\":\"chatcmpl-fake\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"\(model)\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":5,\"total_tokens\":10}}\n\n"
                            ))
                    }
                    try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                    try await writer.finish(nil)
                } catch {
                    if !drop { abortedStreams.withLock { $0 += 1 } }
                    throw error
                }
            }
        )
    }

    static func completion(model: String) -> String {
        #"{"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":"\#(model)","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":5,"total_tokens":10}}"#
    }

    static func chunk(model: String, content: String?, role: Bool = false, finish: String? = nil) -> String {
        var delta: [String] = []
        if role { delta.append(#""role":"assistant""#) }
        if let content { delta.append(#""content":"\#(content)""#) }
        let finishValue = finish.map { "\"\($0)\"" } ?? "null"
        return
            #"{"id":"chatcmpl-fake","object":"chat.completion.chunk","created":1,"model":"\#(model)","choices":[{"index":0,"delta":{\#(delta.joined(separator: ","))},"finish_reason":\#(finishValue)}]}"#
    }

    static func error(_ status: Int, type: String, code: String?, message: String, headers: [String: String] = [:]) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let codeValue = code.map { "\"\($0)\"" } ?? "null"
        let body = #"{"error":{"message":"\#(message)","type":"\#(type)","param":null,"code":\#(codeValue)}}"#
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// Lets the router closure reach the fake, which exists only once the port is known.
    private final class Holder: @unchecked Sendable {
        var upstream: FakeUpstream?
    }
}
