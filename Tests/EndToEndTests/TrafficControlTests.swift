import Foundation
import Testing

/// Rate limits in the worker that holds the keys, retries and fallbacks in the front, task routes.
/// Windows are seconds long so the suite stays fast; the fakes count what reaches them.
@Suite("Traffic control", .serialized)
struct TrafficControlTests {
    typealias Flavour = FakeProviders.Flavour

    static func provider(
        _ name: String, _ fakes: FakeProviders, _ flavour: Flavour = .openai, keyVariable: String = "FAKE_API_KEY", extra: String = ""
    ) -> String {
        "[providers.\(name)]\nbase_url = \"\(fakes.baseURL(flavour))\"\napi_key_env = \"\(keyVariable)\"\n\(extra)\n"
    }

    static func say(_ text: String) -> [String: Any] { ["messages": [["role": "user", "content": text]]] }

    /// The `limits` block of a provider in `/health`.
    static func limits(_ gateway: DialectGateway, _ provider: String) async -> [String: Any] {
        let health = await TestHTTPClient.get(gateway.gateway.url("/health"))
        return ((health.json["providers"] as? [String: Any])?[provider] as? [String: Any])?["limits"] as? [String: Any] ?? [:]
    }

    /// Polls `/health` (the gateway's own readiness signal for limiter state) until `condition` holds.
    static func waitFor(
        _ gateway: DialectGateway, _ provider: String, timeout: Double = 10, _ condition: ([String: Any]) -> Bool
    ) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(await limits(gateway, provider)) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("limiter state of \(provider) never reached the expected condition: \(await limits(gateway, provider))")
    }

    @Test(
        "a request limit of N per window lets exactly N through a burst of 10×N; the rest get 429 with retry-after and rate-limit headers")
    func burst() async throws {
        let extra: (FakeProviders) -> String = {
            Self.provider("limited", $0, extra: "limits = { windows = [{ requests = 3, seconds = 2 }] }")
        }
        try await DialectGateway.run(extra: extra) { gateway in
            let responses = await withTaskGroup(of: ChatAnswer.self) { group in
                for _ in 0..<30 { group.addTask { await gateway.chat(.openai, model: "window-3-2", Self.say("hi"), provider: "limited") } }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.filter { $0.status == 200 }.count == 3)
            let refused = responses.filter { $0.status == 429 }
            #expect(refused.count == 27)
            #expect(refused.allSatisfy { ($0.error?["message"] as? String)?.contains("gateway's limit of 3 requests per 2 s") == true })
            #expect(
                refused.allSatisfy { Int($0.headers["retry-after"] ?? "") ?? 0 >= 1 && $0.headers["x-ratelimit-limit-requests"] == "3" })
            #expect(
                refused.allSatisfy {
                    $0.headers["x-ratelimit-remaining-requests"] == "0" && $0.headers["x-orchestra-rate-limit"] == "gateway"
                })
            #expect(
                gateway.fakes.requests(.openai).filter { $0.body["model"] as? String == "window-3-2" }.count == 3,
                "the fake never sees more")
        }
    }

    @Test("requests that wait for budget are served in arrival order when the window opens")
    func queueOrder() async throws {
        let extra: (FakeProviders) -> String = {
            Self.provider("queued", $0, extra: "limits = { windows = [{ requests = 2, seconds = 1 }], max_wait = 10 }")
        }
        try await DialectGateway.run(extra: extra) { gateway in
            let answers = try await withThrowingTaskGroup(of: ChatAnswer.self) { group in
                for index in 0..<6 {
                    group.addTask { await gateway.chat(.openai, model: "chat", Self.say("order-\(index)"), provider: "queued") }
                    // Send the next one only once this one is admitted or queued: arrival order is then known.
                    try await Self.waitFor(gateway, "queued") { limits in
                        index < 2 ? (limits["requests_left"] as? Int ?? 2) <= 1 - index : (limits["queued"] as? Int ?? 0) >= index - 1
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == 200 })
            let order = gateway.fakes.requests(.openai).compactMap {
                (($0.body["messages"] as? [[String: Any]])?.first?["content"] as? String)
            }
            .filter { $0.hasPrefix("order-") }
            #expect(order == (0..<6).map { "order-\($0)" })
        }
    }

    @Test("an upstream 429 with retry-after: 2 rests the key: nothing reaches the upstream until then")
    func keyRests() async throws {
        let extra: (FakeProviders) -> String = { Self.provider("resting", $0) + "[retries]\nattempts = 1\n" }
        try await DialectGateway.run(extra: extra) { gateway in
            let first = await gateway.chat(.openai, model: "rest-key", Self.say("1"), provider: "resting")
            #expect(first.status == 429 && first.headers["retry-after"] == "2")
            let throttledAt = Date()
            let second = await gateway.chat(.openai, model: "rest-key", Self.say("2"), provider: "resting")
            #expect(second.status == 429)
            #expect((second.error?["message"] as? String)?.contains("every key is resting") == true)
            #expect(gateway.fakes.requests(.openai).filter { $0.body["model"] as? String == "rest-key" }.count == 1)
            try await Self.waitFor(gateway, "resting") { ($0["resting_models"] as? [String: Any])?["rest-key"] != nil }
            try await Self.waitFor(gateway, "resting") { ($0["resting_models"] as? [String: Any])?.isEmpty ?? false }
            #expect(Date().timeIntervalSince(throttledAt) > 1.5, "the key rested about 2 s")
            let third = await gateway.chat(.openai, model: "rest-key", Self.say("3"), provider: "resting")
            #expect(third.status == 200)
        }
    }

    @Test("several keys rotate; a key that got 429 rests while the others serve")
    func keysRotate() async throws {
        let extra: (FakeProviders) -> String = { Self.provider("twokeys", $0, keyVariable: "TWO_KEYS") + "[retries]\nattempts = 1\n" }
        let keys = "\(FakeProviders.key),\(FakeProviders.otherKey)"
        try await DialectGateway.run(extra: extra, environment: ["TWO_KEYS": keys]) { gateway in
            let first = await gateway.chat(.openai, model: "key-a-limited", Self.say("1"), provider: "twokeys")
            #expect(first.status == 429, "key A is throttled by the upstream")
            for index in 2...4 {
                let answer = await gateway.chat(.openai, model: "key-a-limited", Self.say("\(index)"), provider: "twokeys")
                #expect(answer.status == 200)
            }
            let used = gateway.fakes.requests(.openai).filter { $0.body["model"] as? String == "key-a-limited" }.map {
                $0.header("authorization") ?? ""
            }
            #expect(used == ["Bearer \(FakeProviders.key)"] + Array(repeating: "Bearer \(FakeProviders.otherKey)", count: 3))
            let chat = await gateway.chat(.openai, model: "chat", Self.say("other model"), provider: "twokeys")
            #expect(chat.status == 200)
            #expect(
                gateway.fakes.last(.openai)?.header("authorization") == "Bearer \(FakeProviders.key)",
                "the rest is per model: key A still serves other models")
        }
    }

    @Test("a token budget reserves max_tokens and gives back what the answer did not use")
    func tokenBudget() async throws {
        let extra: (FakeProviders) -> String = {
            Self.provider("tokens", $0, extra: "limits = { windows = [{ tokens = 400, seconds = 30 }] }")
        }
        try await DialectGateway.run(extra: extra) { gateway in
            var request = Self.say("hi")
            request["max_tokens"] = 300
            let first = await gateway.chat(.openai, model: "chat", request, provider: "tokens")
            #expect(first.status == 200, "reserves about 320 of 400")
            // Without settling, a second reservation of ~320 would not fit; the first used only 18.
            let second = await gateway.chat(.openai, model: "chat", request, provider: "tokens")
            #expect(second.status == 200)
            request["max_tokens"] = 1000
            let third = await gateway.chat(.openai, model: "chat", request, provider: "tokens")
            #expect(third.status == 429 && third.headers["x-ratelimit-limit-tokens"] == "400")
        }
    }

    @Test("a spent daily quota is told apart from throttling: x-should-retry: false")
    func dailyQuota() async throws {
        let extra: (FakeProviders) -> String = { Self.provider("daily", $0, extra: "limits = { rpd = 1 }") }
        try await DialectGateway.run(extra: extra) { gateway in
            #expect(await gateway.chat(.openai, model: "chat", Self.say("1"), provider: "daily").status == 200)
            let refused = await gateway.chat(.openai, model: "chat", Self.say("2"), provider: "daily")
            #expect(refused.status == 429)
            #expect(refused.error?["code"] as? String == "insufficient_quota")
            #expect(refused.headers["x-should-retry"] == "false")
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 3600)
        }
    }

    @Test("a fallback route serves from the second member when the first fails, and not once the first has streamed")
    func fallback() async throws {
        let extra: (FakeProviders) -> String = { _ in
            "[routes.chain]\nmodels = [\"oai/error-500\", \"groq/chat\"]\n[routes.cutchain]\nmodels = [\"oai/cut\", \"groq/chat\"]\n"
        }
        try await DialectGateway.run(extra: extra) { gateway in
            for stream in [false, true] {
                let answer = await gateway.chat(.openai, model: "chain", stream: stream, Self.say("hi"), provider: "route")
                #expect(answer.status == 200 && answer.content == "Hello from the fake upstream", "stream=\(stream)")
                #expect(answer.headers["x-orchestra-model"] == "groq/chat" && answer.headers["x-orchestra-route"] == "chain")
                #expect(answer.headers["x-orchestra-attempts"] == "2")
                #expect(answer.model == "groq/chat", "the response says which model served it")
            }
            let plain = await gateway.chat(.openai, model: "chain", Self.say("hi"), provider: .some(nil))
            #expect(plain.status == 200 && plain.headers["x-orchestra-route"] == "chain", "the bare route name works too")

            let groqBefore = gateway.fakes.count(.groq)
            let cut = await gateway.chat(.openai, model: "cutchain", stream: true, Self.say("hi"), provider: "route")
            #expect(cut.status == 200 && cut.error != nil && !cut.endedWithDone)
            #expect(gateway.fakes.count(.groq) == groqBefore, "nothing is retried after bytes reached the client")
        }
    }

    @Test("a task route picks by what the request needs: an image skips members without vision")
    func taskRouteNeeds() async throws {
        let extra: (FakeProviders) -> String = { _ in
            """
            [providers.groq.models.chat]
            context_length = 1000
            [providers.gemini.models.chat]
            vision = true
            tools = true
            context_length = 1000000
            [routes.eyes]
            models = ["groq/chat", "gemini/chat"]

            """
        }
        try await DialectGateway.run(extra: extra) { gateway in
            let text = await gateway.chat(.openai, model: "eyes", Self.say("hi"), provider: "route")
            #expect(text.headers["x-orchestra-model"] == "groq/chat")
            let image: [String: Any] = [
                "messages": [
                    [
                        "role": "user",
                        "content": [
                            ["type": "text", "text": "What is this?"],
                            ["type": "image_url", "image_url": ["url": "data:image/png;base64,iVBORw0KGgo="]],
                        ],
                    ]
                ]
            ]
            let seen = await gateway.chat(.openai, model: "eyes", image, provider: "route")
            #expect(seen.status == 200 && seen.headers["x-orchestra-model"] == "gemini/chat")
            let long = await gateway.chat(.openai, model: "eyes", Self.say(String(repeating: "word ", count: 1200)), provider: "route")
            #expect(long.headers["x-orchestra-model"] == "gemini/chat", "a prompt over groq's context goes to the longer model")
            let none = await gateway.chat(
                .openai, model: "eyes",
                [
                    "messages": [["role": "user", "content": "x"]], "tools": [["type": "function", "function": ["name": "f"]]],
                    "max_tokens": 2_000_000,
                ], provider: "route")
            #expect(none.status == 503 && none.error?["code"] as? String == "no_route_member")
        }
    }

    @Test("a rate-limited provider is skipped at once by a route, not tried and waited on")
    func limitedSkipped() async throws {
        let extra: (FakeProviders) -> String = {
            Self.provider("tiny", $0, extra: "limits = { windows = [{ requests = 1, seconds = 30 }], max_wait = 20 }")
                + "[routes.spill]\nmodels = [\"tiny/chat\", \"groq/chat\"]\n"
        }
        try await DialectGateway.run(extra: extra) { gateway in
            let first = await gateway.chat(.openai, model: "spill", Self.say("1"), provider: "route")
            #expect(first.headers["x-orchestra-model"] == "tiny/chat")
            try await Self.waitFor(gateway, "tiny") { $0["limited_for"] != nil }
            let started = Date()
            let second = await gateway.chat(.openai, model: "spill", Self.say("2"), provider: "route")
            #expect(second.headers["x-orchestra-model"] == "groq/chat" && second.headers["x-orchestra-attempts"] == nil)
            #expect(Date().timeIntervalSince(started) < 5, "not queued behind tiny's 30 s window")
        }
    }
}
