import Foundation
import Testing

/// Every way a request can go wrong gets an OpenAI-shaped error with the right status.
@Suite("Errors", .serialized)
struct ErrorTests {
    @Test("client mistakes: malformed JSON, missing model, wrong type, unknown provider, no prefix, unknown path")
    func clientMistakes() async throws {
        try await withGateway { gateway, upstream in
            let malformed = await gateway.chat("{\"model\": \"fake/ok\", ")
            #expect(malformed.status == 400)
            #expect(malformed.error["type"] as? String == "invalid_request_error")
            #expect(malformed.error["code"] as? String == "invalid_json")

            let notObject = await gateway.chat("[1,2,3]")
            #expect(notObject.status == 400)

            let missing = await gateway.chat(#"{"messages":[]}"#)
            #expect(missing.status == 400)
            #expect(missing.error["param"] as? String == "model")

            let wrongType = await gateway.chat(#"{"model":"fake/ok","stream":"yes","messages":[]}"#)
            #expect(wrongType.status == 400)
            #expect(wrongType.error["param"] as? String == "stream")

            let unknown = await gateway.chat(chatBody(model: "nosuch/model"))
            #expect(unknown.status == 404)
            #expect(unknown.error["code"] as? String == "model_not_found")
            let message = unknown.error["message"] as? String ?? ""
            #expect(message.contains("fake/") && message.contains("demo/"))

            let unprefixed = await gateway.chat(chatBody(model: "gpt-4o"))
            #expect(unprefixed.status == 404)
            #expect(unprefixed.error["code"] as? String == "model_not_found")

            let path = await TestHTTPClient.post(gateway.url("/v1/nothing"), json: "{}")
            #expect(path.status == 404)
            #expect(path.error["message"] != nil)

            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("a provider without a key answers 401 naming the variable to set")
    func missingKey() async throws {
        try await withGateway { gateway, upstream in
            let response = await gateway.chat(chatBody(model: "nokey/ok"))
            #expect(response.status == 401)
            #expect(response.error["code"] as? String == "missing_api_key")
            #expect((response.error["message"] as? String)?.contains("NOKEY_API_KEY") == true)
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("a body over the limit gets 413")
    func bodyTooLarge() async throws {
        try await withGateway(extraConfig: "") { gateway, upstream in
            let big = chatBody(model: "fake/ok", text: String(repeating: "a", count: 11 * 1024 * 1024))
            let response = await gateway.chat(big)
            #expect(response.status == 413)
            #expect(response.error["code"] as? String == "request_too_large")
            #expect(upstream.requests.isEmpty)
        }
    }

    @Test("upstream 429 stays 429 with retry-after and rate-limit headers; cookies are not forwarded")
    func upstreamRateLimit() async throws {
        try await withGateway { gateway, _ in
            let response = await gateway.chat(chatBody(model: "fake/rate-limited"))
            #expect(response.status == 429)
            #expect(response.error["type"] as? String == "rate_limit_error")
            #expect(response.error["code"] as? String == "rate_limit_exceeded")
            #expect((response.error["message"] as? String)?.hasPrefix("fake: ") == true)
            #expect(response.headers["retry-after"] == "7")
            #expect(response.headers["x-ratelimit-remaining-requests"] == "0")
            #expect(response.headers["set-cookie"] == nil)
        }
    }

    @Test("upstream 4xx is passed through re-wrapped; 5xx and invalid JSON become 502")
    func upstreamErrors() async throws {
        try await withGateway { gateway, _ in
            let notFound = await gateway.chat(chatBody(model: "fake/not-found"))
            #expect(notFound.status == 404)
            #expect(notFound.error["code"] as? String == "model_not_found")

            let serverError = await gateway.chat(chatBody(model: "fake/server-error"))
            #expect(serverError.status == 502)
            #expect((serverError.error["message"] as? String)?.contains("HTTP 500") == true)

            let invalid = await gateway.chat(chatBody(model: "fake/invalid-json"))
            #expect(invalid.status == 502)
            #expect(invalid.error["type"] as? String == "upstream_error")

            let streamedError = await gateway.chat(chatBody(model: "fake/server-error", stream: true))
            #expect(streamedError.status == 502)
        }
    }

    @Test("an upstream that is down gives 502; one that never answers gives 504")
    func upstreamDownAndTimeout() async throws {
        // Port 9 (discard) on loopback has no listener here: connection refused.
        let down = """
            [providers.down]
            base_url = "http://127.0.0.1:9/v1"
            api_key_env = "FAKE_API_KEY"
            """
        try await withGateway(extraConfig: down) { gateway, _ in
            let refused = await gateway.chat(chatBody(model: "down/anything"))
            #expect(refused.status == 502)
            #expect(refused.error["code"] as? String == "upstream_unreachable")

            let started = Date()
            let slow = await gateway.chat(chatBody(model: "fake/slow-first-byte"))
            #expect(slow.status == 504)
            #expect(slow.error["code"] as? String == "upstream_timeout")
            #expect(Date().timeIntervalSince(started) < 2.5)
        }
    }

    @Test("a stream cut by the upstream ends with an in-stream error event, never hangs")
    func droppedStream() async throws {
        try await withGateway { gateway, _ in
            let response = await gateway.chat(chatBody(model: "fake/drop-mid-stream", stream: true))
            #expect(response.status == 200)
            let last = try #require(response.events.last)
            let error = (try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["code"] as? String == "upstream_unreachable")
            #expect(response.text.contains("Hello"))
        }
    }

    @Test("a client that goes away mid-stream cancels the upstream transfer")
    func clientCancellation() async throws {
        try await withGateway { gateway, upstream in
            _ = await gateway.chat(chatBody(model: "fake/slow-stream", stream: true), abortAfterBytes: 50)
            // The fake notices on its next write (≤ 300 ms later); wait for that signal, bounded.
            let deadline = Date().addingTimeInterval(5)
            while upstream.abortedStreamCount == 0 && Date() < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(upstream.abortedStreamCount == 1)
        }
    }
}
