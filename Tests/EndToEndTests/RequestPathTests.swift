import Foundation
import Testing

/// The request path end to end: client → front → Unix socket → worker → libcurl → fake upstream.
@Suite("Request path", .serialized)
struct RequestPathTests {
    @Test("non-streaming chat reaches the upstream with the provider key, unprefixed model, extra headers")
    func nonStreaming() async throws {
        try await withGateway { gateway, upstream in
            let response = await gateway.chat(chatBody(model: "fake/ok"), headers: ["Authorization: Bearer \(TestConfig.clientKey)"])
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "application/json")
            let choices = response.json["choices"] as? [[String: Any]]
            let message = choices?.first?["message"] as? [String: Any]
            #expect(message?["content"] as? String == "Hello from the fake upstream")
            let seen = try #require(upstream.requests.last)
            #expect(seen.body["model"] as? String == "ok")
            #expect(seen.authorization == "Bearer \(TestConfig.fakeKey)")
            #expect(seen.headers[.init("X-Title")!] == "Orchestra tests")
            #expect(!String(describing: seen.headers).contains(TestConfig.clientKey))
            #expect((seen.body["messages"] as? [[String: Any]])?.first?["content"] as? String == "Say hello")
        }
    }

    @Test("streaming chat relays every chunk, passes include_usage, ends with [DONE]")
    func streaming() async throws {
        try await withGateway { gateway, upstream in
            let response = await gateway.chat(chatBody(model: "fake/ok", stream: true, includeUsage: true))
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/event-stream") == true)
            #expect(response.headers["x-ratelimit-remaining-requests"] == "41")
            let events = response.events
            #expect(events.last == "[DONE]")
            #expect(events.filter { $0 == "[DONE]" }.count == 1)
            let payloads = events.dropLast().map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            #expect(payloads.allSatisfy { $0 != nil })
            let text = payloads.compactMap {
                (($0?["choices"] as? [[String: Any]])?.first?["delta"] as? [String: Any])?["content"] as? String
            }.joined()
            #expect(text == "Hello from the fake upstream")
            let usage = payloads.last??["usage"] as? [String: Any]
            #expect(usage?["total_tokens"] as? Int == 10)
            #expect((upstream.requests.last?.body["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        }
    }

    @Test("stream chunks reach the client as the upstream sends them, not at the end")
    func streamingIsIncremental() async throws {
        try await withGateway { gateway, _ in
            let response = await gateway.chat(chatBody(model: "fake/slow-stream", stream: true))
            #expect(response.status == 200)
            #expect(response.events.last == "[DONE]")
            // A stream still running when its head is written goes chunked (one that had already
            // ended goes with its head in one write, with a length).
            #expect(response.headers["content-length"] == nil)
            // The fake waits 300 ms before each of its 5 words: a buffering gateway would deliver
            // everything in one burst at the end.
            let times = response.arrivals.map(\.time)
            let first = try #require(times.first)
            let last = try #require(times.last)
            #expect(times.count >= 4)
            #expect(last - first > 0.9)
        }
    }

    @Test("the demo provider answers with no key and no network, whole and streamed")
    func demoProvider() async throws {
        try await withGateway { gateway, _ in
            let whole = await gateway.chat(chatBody(model: "demo/echo", text: "ping"))
            #expect(whole.status == 200)
            let content = ((whole.json["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
            #expect(content?.hasSuffix("You said: ping") == true)
            let streamed = await gateway.chat(chatBody(model: "demo/slow", stream: true, includeUsage: true, text: "pong"))
            #expect(streamed.events.last == "[DONE]")
            #expect(streamed.text.contains("\"usage\""))
            let missing = await gateway.chat(chatBody(model: "demo/nope"))
            #expect(missing.status == 404)
            #expect(missing.error["code"] as? String == "model_not_found")
        }
    }

    @Test("GET /v1/models lists only providers that can answer; /health is 200 when all workers are ready")
    func modelsAndHealth() async throws {
        try await withGateway { gateway, _ in
            let models = await TestHTTPClient.get(gateway.url("/v1/models"))
            #expect(models.status == 200)
            let ids = (models.json["data"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(ids.contains("fake/ok"))
            #expect(ids.contains("demo/echo"))
            #expect(!ids.contains("nokey/ok"))
            let health = await TestHTTPClient.get(gateway.url("/health"))
            #expect(health.status == 200)
            #expect(health.json["status"] as? String == "ok")
        }
    }
}
