import Foundation
import Testing

/// What editors and agents call besides chat: legacy completions (Continue's autocomplete), Mistral's
/// FIM endpoint, embeddings. Fake upstreams check what they receive.
@Suite("Coding-assistant surface", .serialized)
struct CodingSurfaceTests {
    typealias Flavour = FakeProviders.Flavour

    /// A Continue autocomplete request for a Codestral model: the prompt is rendered with Continue's
    /// Codestral template `[SUFFIX]{suffix}[PREFIX]{prefix}`, streamed, with the template's stop words.
    static func continueAutocomplete(model: String, stream: Bool = true) -> [String: Any] {
        [
            "model": model, "prompt": "[SUFFIX]\n}\n[PREFIX]func add(a: Int, b: Int) -> Int {\n",
            "max_tokens": 64, "temperature": 0.01, "stop": ["[PREFIX]", "[SUFFIX]", "\n\n"], "stream": stream,
        ]
    }

    /// Joins the `text` of a `text_completion` answer, whole or streamed.
    static func completionText(_ response: TestHTTPClient.Response, stream: Bool) -> (text: String, finish: String?, wellFormed: Bool) {
        guard stream else {
            let choice = (response.json["choices"] as? [[String: Any]])?.first
            return (
                choice?["text"] as? String ?? "", choice?["finish_reason"] as? String,
                response.json["object"] as? String == "text_completion"
            )
        }
        var text = ""
        var finish: String?
        var wellFormed = response.events.last == "[DONE]"
        for event in response.events.dropLast() {
            guard let chunk = (try? JSONSerialization.jsonObject(with: Data(event.utf8))) as? [String: Any],
                chunk["object"] as? String == "text_completion"
            else {
                wellFormed = false
                continue
            }
            for choice in chunk["choices"] as? [[String: Any]] ?? [] {
                text += choice["text"] as? String ?? ""
                finish = choice["finish_reason"] as? String ?? finish
            }
        }
        return (text, finish, wellFormed)
    }

    @Test("Continue's Codestral autocomplete reaches Mistral's FIM endpoint as prefix + suffix and comes back as text_completion chunks")
    func codestralAutocomplete() async throws {
        try await DialectGateway.run { gateway in
            for stream in [true, false] {
                let response = await gateway.post(
                    "/v1/completions", Self.continueAutocomplete(model: "mistral/codestral-2501", stream: stream))
                #expect(response.status == 200, "stream=\(stream): \(response.text)")
                let answer = Self.completionText(response, stream: stream)
                #expect(answer.text == FakeScript.completion.joined() && answer.finish == "stop" && answer.wellFormed, "stream=\(stream)")
                let seen = try #require(gateway.fakes.last(.mistral))
                #expect(seen.path == "/mistral/v1/fim/completions")
                #expect(seen.body["prompt"] as? String == "func add(a: Int, b: Int) -> Int {\n")
                #expect(seen.body["suffix"] as? String == "\n}\n")
                #expect(seen.body["model"] as? String == "codestral-2501")
                #expect(seen.body["stop"] as? [String] == ["[PREFIX]", "[SUFFIX]", "\n\n"])
                #expect(seen.body["stream"] as? Bool == (stream ? true : nil))
            }
            // An explicit suffix works too, and usage comes through.
            let explicit = await gateway.post(
                "/v1/completions", ["model": "mistral/codestral-2501", "prompt": "let x = ", "suffix": ";", "max_tokens": 8])
            #expect(explicit.status == 200)
            #expect((explicit.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int == FakeScript.promptTokens)
            #expect(gateway.fakes.last(.mistral)?.body["suffix"] as? String == ";")
        }
    }

    @Test("with a Codestral key, mistral/codestral autocomplete goes to the codestral provider (its own base URL and key)")
    func codestralProvider() async throws {
        let extra: (FakeProviders) -> String = { fakes in
            "[providers.codestral]\nbase_url = \"\(fakes.baseURL(.mistral))\"\napi_key_env = \"CODESTRAL_TEST_KEY\"\n"
        }
        try await DialectGateway.run(extra: extra, environment: ["CODESTRAL_TEST_KEY": FakeProviders.otherKey]) { gateway in
            let response = await gateway.post("/v1/completions", Self.continueAutocomplete(model: "mistral/codestral-2501"))
            #expect(response.status == 200)
            #expect(response.headers["x-orchestra-provider"] == "codestral")
            #expect(gateway.fakes.last(.mistral)?.header("authorization") == "Bearer \(FakeProviders.otherKey)")
            // Chat on mistral/ stays with Mistral's own key.
            _ = await gateway.chat(.mistral, model: "chat", ["messages": [["role": "user", "content": "hi"]]])
            #expect(gateway.fakes.last(.mistral)?.header("authorization") == "Bearer \(FakeProviders.key)")
        }
    }

    @Test("/v1/fim/completions (what Continue's mistral provider calls) passes Mistral's shape through, chat-shaped chunks back")
    func fimEndpoint() async throws {
        try await DialectGateway.run { gateway in
            let response = await gateway.post(
                "/v1/fim/completions",
                [
                    "model": "mistral/codestral-2501", "prompt": "def add(a, b):\n", "suffix": "\n", "stream": true, "max_tokens": 32,
                ])
            #expect(response.status == 200)
            let answer = ChatAnswer(response, stream: true)
            #expect(answer.content == FakeScript.completion.joined() && answer.endedWithDone)
            let seen = try #require(gateway.fakes.last(.mistral))
            #expect(seen.path == "/mistral/v1/fim/completions" && seen.body["suffix"] as? String == "\n")
        }
    }

    @Test(
        "/v1/completions on chat-only providers: the prompt becomes a chat request (FIM instruction when there is a suffix), text comes back"
    )
    func completionsThroughChat() async throws {
        try await DialectGateway.run { gateway in
            for flavour in [Flavour.groq, .gemini, .anthropic] {
                let prefix = DialectGateway.prefix(flavour)
                for stream in [true, false] {
                    let plain = await gateway.post(
                        "/v1/completions", ["model": "\(prefix)/chat", "prompt": "Once upon a time", "max_tokens": 16, "stream": stream])
                    #expect(plain.status == 200, "\(flavour): \(plain.text)")
                    let answer = Self.completionText(plain, stream: stream)
                    #expect(
                        answer.text == "Hello from the fake upstream" && answer.finish == "stop" && answer.wellFormed,
                        "\(flavour) stream=\(stream)")
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .gemini:
                    let text =
                        (((seen.body["contents"] as? [[String: Any]])?.first?["parts"]) as? [[String: Any]])?.first?["text"] as? String
                    #expect(text == "Once upon a time")
                case .anthropic:
                    let text =
                        (((seen.body["messages"] as? [[String: Any]])?.first?["content"]) as? [[String: Any]])?.first?["text"] as? String
                    #expect(text == "Once upon a time")
                    #expect(seen.body["max_tokens"] as? Int == 16)
                default:
                    #expect((seen.body["messages"] as? [[String: Any]])?.first?["content"] as? String == "Once upon a time")
                }
            }
            let fill = await gateway.post("/v1/completions", Self.continueAutocomplete(model: "groq/chat"))
            #expect(fill.status == 200)
            let messages = gateway.fakes.last(.groq)?.body["messages"] as? [[String: Any]] ?? []
            #expect(messages.first?["role"] as? String == "system")
            #expect(messages.last?["content"] as? String == "func add(a: Int, b: Int) -> Int {\n<FILL_HERE>\n}\n")
            #expect(gateway.fakes.last(.groq)?.body["stop"] as? [String] == ["\n\n"], "template tags are not stop words for a chat model")
        }
    }

    @Test("/v1/completions on an OpenAI-compatible endpoint with its own /completions passes through")
    func nativeCompletions() async throws {
        try await DialectGateway.run { gateway in
            for stream in [true, false] {
                let response = await gateway.post(
                    "/v1/completions", ["model": "oai/base-model", "prompt": "2 + 2 =", "suffix": "!", "stream": stream])
                #expect(response.status == 200)
                let answer = Self.completionText(response, stream: stream)
                #expect(answer.text == FakeScript.completion.joined() && answer.wellFormed, "stream=\(stream)")
                let seen = try #require(gateway.fakes.last(.openai))
                #expect(
                    seen.path == "/openai/v1/completions" && seen.body["model"] as? String == "base-model"
                        && seen.body["suffix"] as? String == "!")
            }
        }
    }

    @Test("embeddings: passthrough, base64 made by the gateway, Gemini batchEmbedContents translated, a clear 400 where there are none")
    func embeddings() async throws {
        try await DialectGateway.run { gateway in
            let floats = await gateway.post("/v1/embeddings", ["model": "oai/embed-model", "input": ["hello", "world!"]])
            #expect(floats.status == 200)
            let data = floats.json["data"] as? [[String: Any]] ?? []
            #expect(data.count == 2 && data[1]["embedding"] as? [Double] == FakeScript.embedding(for: "world!"))

            // The openai SDK asks for base64 by default; Mistral refuses the field, so the gateway asks
            // for floats and encodes them itself.
            let base64 = await gateway.post(
                "/v1/embeddings", ["model": "mistral/mistral-embed", "input": "hello", "encoding_format": "base64"])
            #expect(base64.status == 200, "\(base64.text)")
            let encoded = try #require(((base64.json["data"] as? [[String: Any]])?.first?["embedding"]) as? String)
            #expect(Self.floats(base64: encoded) == FakeScript.embedding(for: "hello").map(Float.init))
            #expect(gateway.fakes.last(.mistral)?.body["encoding_format"] == nil)

            let gemini = await gateway.post(
                "/v1/embeddings", ["model": "gemini/gemini-embedding-001", "input": ["a b c d", "e"], "dimensions": 3])
            #expect(gemini.status == 200, "\(gemini.text)")
            let vectors = (gemini.json["data"] as? [[String: Any]] ?? []).compactMap { $0["embedding"] as? [Double] }
            #expect(vectors == [FakeScript.embedding(for: "a b c d"), FakeScript.embedding(for: "e")])
            #expect((gemini.json["usage"] as? [String: Any])?["prompt_tokens"] as? Int == 3, "estimated at ~4 characters a token")
            let request = (gateway.fakes.last(.gemini)?.body["requests"] as? [[String: Any]])?.first
            #expect(request?["outputDimensionality"] as? Int == 3)
            #expect(gateway.fakes.last(.gemini)?.path.hasSuffix("/models/gemini-embedding-001:batchEmbedContents") == true)

            let none = await gateway.post("/v1/embeddings", ["model": "kimi/kimi-for-coding", "input": "x"])
            #expect(none.status == 400 && none.error["code"] as? String == "unsupported_endpoint")

            let demo = await gateway.post("/v1/embeddings", ["model": "demo/embed", "input": ["same", "same"]])
            let demoVectors = (demo.json["data"] as? [[String: Any]] ?? []).compactMap { $0["embedding"] as? [Double] }
            #expect(demoVectors.count == 2 && demoVectors[0] == demoVectors[1] && demoVectors[0].count == 16)
        }
    }

    @Test("the demo provider answers /v1/completions too, whole and streamed")
    func demoCompletions() async throws {
        try await DialectGateway.run { gateway in
            for stream in [false, true] {
                let response = await gateway.post("/v1/completions", ["model": "demo/echo", "prompt": "autocomplete me", "stream": stream])
                let answer = Self.completionText(response, stream: stream)
                #expect(answer.text.hasSuffix("You said: autocomplete me") && answer.wellFormed, "stream=\(stream)")
            }
        }
    }

    @Test("GET /v1/models/{id} for ids with slashes; GET /api/models with context, capabilities, prices, colour and availability")
    func catalog() async throws {
        try await DialectGateway.run { gateway in
            let one = await TestHTTPClient.get(gateway.gateway.url("/v1/models/gemini/gemini-2.5-flash"))
            #expect(
                one.status == 200 && one.json["id"] as? String == "gemini/gemini-2.5-flash" && one.json["owned_by"] as? String == "gemini")
            let missing = await TestHTTPClient.get(gateway.gateway.url("/v1/models/gemini/no-such-model"))
            #expect(missing.status == 404 && missing.error["code"] as? String == "model_not_found")
            let keyless = await TestHTTPClient.get(gateway.gateway.url("/v1/models/codestral/codestral-latest"))
            #expect(keyless.status == 404, "a provider without its key cannot answer")

            let catalog = await TestHTTPClient.get(gateway.gateway.url("/api/models"))
            #expect(catalog.status == 200)
            let entries = catalog.json["data"] as? [[String: Any]] ?? []
            func entry(_ id: String) -> [String: Any]? { entries.first { $0["id"] as? String == id } }
            let codestral = try #require(entry("mistral/codestral-2501"))
            #expect(codestral["context_length"] as? Int == 256_000 && codestral["colour"] as? String == "#fa520f")
            #expect((codestral["capabilities"] as? [String: Any])?["fim"] as? Bool == true)
            #expect((codestral["pricing"] as? [String: Any])?["input"] as? Double == 0.30)
            #expect(codestral["available"] as? Bool == true)
            let flash = try #require(entry("gemini/gemini-2.5-flash"))
            #expect((flash["capabilities"] as? [String: Any])?["vision"] as? Bool == true && flash["dialect"] as? String == "gemini")
            let noKey = try #require(entry("codestral/codestral-latest"))
            #expect(noKey["available"] as? Bool == false)
            #expect((noKey["unavailable_reason"] as? String)?.contains("CODESTRAL_API_KEY") == true)
            #expect(entry("nvidia/moonshotai/kimi-k2.5") == nil, "disabled providers are not listed")
            #expect(!catalog.text.contains(FakeProviders.key))
        }
    }

    @Test("/v1/messages: Anthropic clients reach any dialect; answers, streams, tool use, thinking and errors in Anthropic's shape")
    func anthropicIngress() async throws {
        let weather: [String: Any] = [
            "name": "get_weather", "input_schema": ["type": "object", "properties": ["city": ["type": "string"]]],
        ]
        try await DialectGateway.run { gateway in
            for flavour in [Flavour.gemini, .openai, .anthropic] {
                let prefix = DialectGateway.prefix(flavour)
                let whole = await gateway.post(
                    "/v1/messages",
                    [
                        "model": "\(prefix)/tools", "max_tokens": 100, "system": "Be brief.", "tools": [weather],
                        "messages": [["role": "user", "content": "Weather in Paris?"]],
                    ])
                #expect(whole.status == 200, "\(flavour): \(whole.text)")
                #expect(whole.json["type"] as? String == "message" && whole.json["model"] as? String == "\(prefix)/tools")
                #expect(whole.json["stop_reason"] as? String == "tool_use", "\(flavour)")
                let use = (whole.json["content"] as? [[String: Any]])?.first { $0["type"] as? String == "tool_use" }
                #expect(use?["name"] as? String == "get_weather" && use?["input"] as? NSDictionary == ["city": "Paris"], "\(flavour)")
                #expect((whole.json["usage"] as? [String: Any])?["input_tokens"] as? Int == FakeScript.promptTokens, "\(flavour)")

                let streamed = await gateway.post(
                    "/v1/messages",
                    [
                        "model": "\(prefix)/tools", "max_tokens": 100, "stream": true, "tools": [weather],
                        "messages": [["role": "user", "content": "Weather in Paris?"]],
                    ])
                #expect(streamed.headers["content-type"]?.hasPrefix("text/event-stream") == true)
                let names = streamed.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
                #expect(names.first == "message_start" && names.suffix(2) == ["message_delta", "message_stop"], "\(flavour): \(names)")
                #expect(names.contains("content_block_start") && names.contains("content_block_stop"))
                #expect(
                    streamed.text.contains(#""type":"input_json_delta""#) && streamed.text.contains(#""stop_reason":"tool_use""#),
                    "\(flavour)")
                #expect(
                    streamed.text.contains(#""output_tokens":\#(FakeScript.completionTokens)"#), "\(flavour): usage reaches message_delta")
            }
            // Thinking on: thoughts come back as a thinking block before the text.
            let thinking = await gateway.post(
                "/v1/messages",
                [
                    "model": "gemini/reasoning", "max_tokens": 4000, "thinking": ["type": "enabled", "budget_tokens": 2000],
                    "messages": [["role": "user", "content": "Think."]],
                ])
            let blocks = thinking.json["content"] as? [[String: Any]] ?? []
            #expect(blocks.map { $0["type"] as? String ?? "" } == ["thinking", "text"])
            #expect(blocks.first?["thinking"] as? String == "Let me think.")
            let thinkingConfig =
                (gateway.fakes.last(.gemini)?.body["generationConfig"] as? [String: Any])?["thinkingConfig"] as? [String: Any]
            #expect(thinkingConfig?["thinkingLevel"] as? String == "low")

            let unknown = await gateway.post(
                "/v1/messages", ["model": "nosuch/x", "max_tokens": 10, "messages": [["role": "user", "content": "x"]]])
            #expect(unknown.status == 404 && unknown.json["type"] as? String == "error")
            #expect((unknown.json["error"] as? [String: Any])?["type"] as? String == "not_found_error")
            let limited = await gateway.post(
                "/v1/messages", ["model": "gemini/error-429", "max_tokens": 10, "messages": [["role": "user", "content": "x"]]])
            #expect(limited.status == 429 && (limited.json["error"] as? [String: Any])?["type"] as? String == "rate_limit_error")
            #expect(limited.headers["retry-after"] == "7")
            let missing = await gateway.post("/v1/messages", ["model": "demo/echo", "messages": [["role": "user", "content": "x"]]])
            #expect(
                missing.status == 400 && (missing.json["error"] as? [String: Any])?["message"] as? String == "'max_tokens' is required.")
        }
    }

    static func floats(base64: String) -> [Float] {
        guard let data = Data(base64Encoded: base64) else { return [] }
        return stride(from: 0, to: data.count, by: 4).map { offset in
            Float(bitPattern: data.subdata(in: offset..<offset + 4).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }.littleEndian)
        }
    }
}
