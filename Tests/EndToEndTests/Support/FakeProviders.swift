import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Every upstream dialect played on one 127.0.0.1 port, each under its own path prefix and in its own
/// real wire format: OpenAI, Mistral's stricter OpenAI, Groq's, Gemini's native API, Anthropic's Messages.
///
/// All flavours act out the same `FakeScript` for a given model name, so one table of scenarios runs
/// over every dialect, and each flavour rejects (with its own error shape) what the real service rejects.
final class FakeProviders: Sendable {
    enum Flavour: String, CaseIterable, Sendable {
        case openai, mistral, groq, gemini, anthropic
    }

    struct Recorded: @unchecked Sendable {
        var flavour: Flavour
        var path: String
        var query: String
        var headers: HTTPFields
        var body: [String: Any]

        func header(_ name: String) -> String? { headers[HTTPField.Name(name)!] }
    }

    static let key = "test-fake-key-1"
    /// A second key the fakes accept, to tell apart two providers pointed at one fake.
    static let otherKey = "test-other-key-2"
    static var keys: [String] { [key, otherKey] }

    private let recorded = Mutex<[Recorded]>([])
    /// Per model: requests answered in the current fixed window, and when that window started.
    private let windows = Mutex<[String: (start: Date, count: Int)]>([:])
    /// Requests seen per model, for models that change their answer over time.
    private let seenCounts = Mutex<[String: Int]>([:])

    /// Counts a request against a fixed window of `limit` requests per `seconds`; `false` past the limit.
    func admitWindow(model: String, limit: Int, seconds: Double) -> Bool {
        windows.withLock { windows in
            let now = Date()
            var window = windows[model] ?? (now, 0)
            if now.timeIntervalSince(window.start) >= seconds { window = (now, 0) }
            window.count += 1
            windows[model] = window
            return window.count <= limit
        }
    }

    /// How many requests for `model` came before this one.
    func countSeen(model: String) -> Int {
        seenCounts.withLock { counts in
            defer { counts[model, default: 0] += 1 }
            return counts[model, default: 0]
        }
    }

    func requests(_ flavour: Flavour) -> [Recorded] { recorded.withLock { $0.filter { $0.flavour == flavour } } }
    private let task: Task<Void, any Error>
    let port: Int

    func baseURL(_ flavour: Flavour) -> String {
        let root = "http://127.0.0.1:\(port)/\(flavour.rawValue)"
        switch flavour {
        case .openai, .mistral, .groq: return root + "/v1"
        case .gemini: return root + "/v1beta"
        case .anthropic: return root
        }
    }

    func last(_ flavour: Flavour) -> Recorded? { recorded.withLock { $0.last { $0.flavour == flavour } } }
    func count(_ flavour: Flavour) -> Int { recorded.withLock { $0.filter { $0.flavour == flavour }.count } }

    static func start() async throws -> FakeProviders {
        let holder = Holder()
        let router = Router()
        for flavour in Flavour.allCases {
            router.post("/\(flavour.rawValue)/**") { request, context in
                try await holder.providers!.handle(flavour, request)
            }
        }
        let (port, task) = await FakeServer.start(router, label: "fake-providers")
        let providers = FakeProviders(port: port, task: task)
        holder.providers = providers
        return providers
    }

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    func stop() { task.cancel() }

    private func handle(_ flavour: Flavour, _ request: Request) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let body = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any]
        let record = Recorded(
            flavour: flavour, path: request.uri.path, query: request.uri.query ?? "", headers: request.headers, body: body ?? [:]
        )
        recorded.withLock { $0.append(record) }
        guard let body else { return FakeReply.json(400, #"{"error":{"message":"fake: body is not JSON"}}"#) }
        switch flavour {
        case .openai, .mistral, .groq: return FakeOpenAIProvider(flavour: flavour, fakes: self).answer(record, body: body)
        case .gemini: return FakeGeminiProvider().answer(record, body: body)
        case .anthropic: return FakeAnthropicProvider().answer(record, body: body)
        }
    }

    private final class Holder: @unchecked Sendable {
        var providers: FakeProviders?
    }
}

/// What the fake model "says" for a scenario (picked by model name), whatever the dialect.
struct FakeScript: Sendable {
    struct Call: Sendable {
        var name: String
        /// The arguments JSON in the pieces a streaming upstream would send.
        var pieces: [String]
        var arguments: String { pieces.joined() }
    }

    var reasoning: String?
    var text: [String] = []
    var calls: [Call] = []

    static let weather = Call(name: "get_weather", pieces: [#"{"city":"#, #""Paris"}"#])
    static let time = Call(name: "get_time", pieces: [#"{"zone":"#, #""CET"}"#])
    /// The answer to any conversation whose last message is a tool result.
    static let afterTool = FakeScript(text: ["It is 21 degrees", " in Paris."])

    static func forModel(_ model: String, afterToolResult: Bool) -> FakeScript {
        if afterToolResult { return afterTool }
        switch model {
        case "reasoning": return FakeScript(reasoning: "Let me think.", text: ["The answer", " is 42."])
        case "tools": return FakeScript(calls: [weather])
        case "parallel-tools": return FakeScript(calls: [weather, time])
        case "think-tools": return FakeScript(reasoning: "I should call the tool.", calls: [weather])
        case "json": return FakeScript(text: [#"{"answer":"#, "42}"])
        default: return FakeScript(text: ["Hello from", " the fake upstream"])
        }
    }

    /// What a completion (FIM or legacy) answers, in stream pieces.
    static let completion = ["    return a", " + b\n"]

    /// A fixed, input-dependent vector: `[length, first byte, 0.5]`.
    static func embedding(for text: String) -> [Double] {
        [Double(text.count), Double(text.utf8.first ?? 0), 0.5]
    }

    static let promptTokens = 11
    static let completionTokens = 7
    /// Of `completionTokens`, how many were thinking (for dialects that report it).
    static let reasoningTokens = 3
}

/// Helpers to write fake answers.
enum FakeReply {
    static func json(_ status: Int, _ body: String, headers: [String: String] = [:]) -> Response {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ status: Int, object: Any, headers: [String: String] = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return json(status, String(decoding: data, as: UTF8.self), headers: headers)
    }

    /// An SSE answer. With `cutAfter`, the connection drops after that many events.
    static func events(_ events: [String], cutAfter: Int? = nil) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/event-stream"],
            body: ResponseBody { writer in
                for (index, event) in events.enumerated() {
                    if let cutAfter, index == cutAfter { throw CancellationError() }
                    try await writer.write(ByteBuffer(string: event))
                }
                try await writer.finish(nil)
            }
        )
    }

    static func data(_ object: Any, event: String? = nil) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return (event.map { "event: \($0)\n" } ?? "") + "data: " + String(decoding: data, as: UTF8.self) + "\n\n"
    }
}
