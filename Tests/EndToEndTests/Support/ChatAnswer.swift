import Foundation

/// A gateway answer read the way an OpenAI client reads it, whole or streamed, so one expectation
/// holds for every dialect behind the gateway.
struct ChatAnswer: @unchecked Sendable {
    struct Call: Equatable {
        var id: String
        var name: String
        var arguments: String
        /// The arguments as JSON, for comparisons that must not depend on key order or spacing.
        var argumentsJSON: NSDictionary? { (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) as? NSDictionary }
    }

    var status: Int
    var headers: [String: String]
    /// The answer's `model` field (the last chunk's, for streams).
    var model: String?
    var content = ""
    var reasoning = ""
    var calls: [Call] = []
    var finishReason: String?
    var usage: [String: Any]?
    var error: [String: Any]?
    /// Stream only: every `data:` payload but `[DONE]` was a JSON object, and chunk ids never changed.
    var wellFormed = true
    var endedWithDone = false

    init(_ response: TestHTTPClient.Response, stream: Bool) {
        status = response.status
        headers = response.headers
        guard stream, status == 200 else {
            let json = response.json
            model = json["model"] as? String
            error = json["error"] as? [String: Any]
            let choice = (json["choices"] as? [[String: Any]])?.first
            let message = choice?["message"] as? [String: Any] ?? [:]
            content = message["content"] as? String ?? ""
            reasoning = message["reasoning_content"] as? String ?? ""
            calls = (message["tool_calls"] as? [[String: Any]] ?? []).map { call in
                let function = call["function"] as? [String: Any] ?? [:]
                return Call(
                    id: call["id"] as? String ?? "", name: function["name"] as? String ?? "",
                    arguments: function["arguments"] as? String ?? "")
            }
            finishReason = choice?["finish_reason"] as? String
            usage = json["usage"] as? [String: Any]
            return
        }
        var ids: Set<String> = []
        var byIndex: [Int: Call] = [:]
        for event in response.events {
            if event == "[DONE]" {
                endedWithDone = true
                continue
            }
            guard let chunk = (try? JSONSerialization.jsonObject(with: Data(event.utf8))) as? [String: Any] else {
                wellFormed = false
                continue
            }
            if let error = chunk["error"] as? [String: Any] {
                self.error = error
                continue
            }
            if let id = chunk["id"] as? String { ids.insert(id) }
            if let model = chunk["model"] as? String { self.model = model }
            if let usage = chunk["usage"] as? [String: Any] { self.usage = usage }
            for choice in chunk["choices"] as? [[String: Any]] ?? [] {
                let delta = choice["delta"] as? [String: Any] ?? [:]
                content += delta["content"] as? String ?? ""
                reasoning += delta["reasoning_content"] as? String ?? ""
                for fragment in delta["tool_calls"] as? [[String: Any]] ?? [] {
                    let index = fragment["index"] as? Int ?? -1
                    let function = fragment["function"] as? [String: Any] ?? [:]
                    var call = byIndex[index] ?? Call(id: "", name: "", arguments: "")
                    if let id = fragment["id"] as? String { call.id = id }
                    if let name = function["name"] as? String { call.name += name }
                    call.arguments += function["arguments"] as? String ?? ""
                    byIndex[index] = call
                }
                if let finish = choice["finish_reason"] as? String { finishReason = finish }
            }
        }
        if ids.count > 1 { wellFormed = false }
        calls = byIndex.keys.sorted().map { byIndex[$0]! }
    }

    /// The assistant turn to send back in a follow-up request, as an OpenAI client would (without
    /// the reasoning, which most clients drop).
    var assistantMessage: [String: Any] {
        var message: [String: Any] = ["role": "assistant", "content": content.isEmpty ? NSNull() : content as Any]
        if !calls.isEmpty {
            message["tool_calls"] = calls.map {
                ["id": $0.id, "type": "function", "function": ["name": $0.name, "arguments": $0.arguments]]
            }
        }
        return message
    }
}

/// One gateway in front of `FakeProviders`, with a provider per flavour under its gateway prefix.
struct DialectGateway: Sendable {
    let gateway: GatewayProcess
    let fakes: FakeProviders

    /// The gateway prefix serving each fake flavour. `mistral`, `groq`, `gemini` and `kimi` are the
    /// built-in providers (their built-in dialect and quirks) pointed at the fakes.
    static func prefix(_ flavour: FakeProviders.Flavour) -> String {
        switch flavour {
        case .openai: return "oai"
        case .mistral: return "mistral"
        case .groq: return "groq"
        case .gemini: return "gemini"
        case .anthropic: return "kimi"
        }
    }

    static func config(_ fakes: FakeProviders) -> String {
        var text = ""
        let used = Set(FakeProviders.Flavour.allCases.map(prefix))
        for builtin in ["nvidia", "openrouter", "siliconflow", "cerebras"] where !used.contains(builtin) {
            text += "[providers.\(builtin)]\nenabled = false\n\n"
        }
        for flavour in FakeProviders.Flavour.allCases {
            text += """
                [providers.\(prefix(flavour))]
                base_url = "\(fakes.baseURL(flavour))"
                api_key_env = "FAKE_API_KEY"
                first_byte_timeout = 5
                idle_timeout = 5

                """
            if flavour == .openai { text += "quirks = { echo_reasoning = true }\n" }
            text += "\n"
        }
        return text
    }

    static func run(
        extra: (FakeProviders) -> String = { _ in "" }, environment: [String: String] = [:],
        _ body: (DialectGateway) async throws -> Void
    ) async throws {
        let fakes = try await FakeProviders.start()
        defer { fakes.stop() }
        let gateway = try await GatewayProcess.start(
            config: config(fakes) + extra(fakes), environment: environment.merging(["FAKE_API_KEY": FakeProviders.key]) { $1 }
        )
        do {
            try await body(DialectGateway(gateway: gateway, fakes: fakes))
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }

    /// POSTs a JSON object to a gateway path.
    func post(_ path: String, _ body: [String: Any]) async -> TestHTTPClient.Response {
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        return await TestHTTPClient.post(gateway.url(path), body: data, headers: ["Content-Type: application/json"])
    }

    /// Sends an OpenAI request (given as a JSON object without `model`/`stream`) to `flavour`, or to
    /// another gateway prefix (`provider`; `nil` sends the bare model name, for routes).
    func chat(
        _ flavour: FakeProviders.Flavour, model: String, stream: Bool = false, _ request: [String: Any], provider: String?? = .none
    ) async -> ChatAnswer {
        var body = request
        switch provider {
        case .none: body["model"] = "\(Self.prefix(flavour))/\(model)"
        case .some(.none): body["model"] = model
        case .some(.some(let prefix)): body["model"] = "\(prefix)/\(model)"
        }
        if stream {
            body["stream"] = true
            body["stream_options"] = ["include_usage": true]
        }
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        let response = await TestHTTPClient.post(
            gateway.url("/v1/chat/completions"), body: data, headers: ["Content-Type: application/json"])
        return ChatAnswer(response, stream: stream)
    }
}
