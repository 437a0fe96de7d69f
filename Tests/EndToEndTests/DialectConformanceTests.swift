import Foundation
import Testing

/// One table of scenarios over every dialect: each fake upstream checks the request it receives in
/// its own format (and refuses what the real service refuses), answers in its own format, and the
/// client must see the same OpenAI answer whichever provider served it.
@Suite("Dialect conformance", .serialized)
struct DialectConformanceTests {
    typealias Flavour = FakeProviders.Flavour
    static let all = Flavour.allCases
    static var user: [String: Any] { ["messages": [["role": "user", "content": "Say hello"]]] }
    static var weatherTool: [String: Any] {
        [
            "type": "function",
            "function": [
                "name": "get_weather", "description": "Current weather", "strict": true,
                "parameters": [
                    "$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "additionalProperties": false,
                    "properties": ["city": ["type": "string", "description": "City name"], "unit": ["$ref": "#/$defs/unit"]],
                    "$defs": ["unit": ["type": ["string", "null"], "enum": ["C", "F"]]],
                    "required": ["city"],
                ] as [String: Any],
            ] as [String: Any],
        ]
    }
    static var timeTool: [String: Any] {
        [
            "type": "function",
            "function": ["name": "get_time", "parameters": ["type": "object", "properties": ["zone": ["type": "string"]]]] as [String: Any],
        ]
    }

    @Test("plain chat, whole and streamed with usage: same answer from every dialect")
    func plainChat() async throws {
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let answer = await gateway.chat(flavour, model: "chat", stream: stream, Self.user)
                    let label = "\(flavour) stream=\(stream)"
                    #expect(answer.status == 200, "\(label): \(answer.error ?? [:])")
                    #expect(answer.content == "Hello from the fake upstream", "\(label)")
                    #expect(answer.finishReason == "stop", "\(label)")
                    #expect(answer.usage?["prompt_tokens"] as? Int == FakeScript.promptTokens, "\(label)")
                    #expect(answer.usage?["completion_tokens"] as? Int == FakeScript.completionTokens, "\(label)")
                    #expect(answer.usage?["total_tokens"] as? Int == FakeScript.promptTokens + FakeScript.completionTokens, "\(label)")
                    if stream {
                        #expect(answer.wellFormed && answer.endedWithDone, "\(label)")
                    }
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .mistral, .groq:
                    #expect(seen.body["model"] as? String == "chat")
                    #expect((seen.body["messages"] as? [[String: Any]])?.first?["content"] as? String == "Say hello")
                case .gemini:
                    #expect(seen.path.hasSuffix("/models/chat:streamGenerateContent") && seen.query == "alt=sse")
                    let contents = seen.body["contents"] as? [[String: Any]]
                    #expect(contents?.first?["role"] as? String == "user")
                    #expect((contents?.first?["parts"] as? [[String: Any]])?.first?["text"] as? String == "Say hello")
                case .anthropic:
                    #expect(seen.body["model"] as? String == "chat")
                    #expect(seen.body["max_tokens"] as? Int == 4096, "max_tokens is filled in when the client leaves it out")
                    #expect(seen.body["stream"] as? Bool == true)
                    let first = (seen.body["messages"] as? [[String: Any]])?.first
                    #expect(((first?["content"] as? [[String: Any]])?.first)?["text"] as? String == "Say hello")
                }
            }
        }
    }

    @Test("system prompt and multi-turn history: system moved where each dialect wants it, turns merged to alternate")
    func systemAndHistory() async throws {
        let request: [String: Any] = [
            "messages": [
                ["role": "system", "content": "You are terse."],
                ["role": "developer", "content": "Answer in English."],
                ["role": "user", "content": "Hi"],
                ["role": "assistant", "content": "Hello!"],
                ["role": "user", "content": "How are you?"],
                ["role": "user", "content": [["type": "text", "text": "Be brief."]]],
            ]
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                let answer = await gateway.chat(flavour, model: "chat", request)
                #expect(answer.status == 200, "\(flavour): \(answer.error ?? [:])")
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .groq:
                    #expect(
                        (seen.body["messages"] as? [[String: Any]])?.map { $0["role"] as? String ?? "" } == [
                            "system", "developer", "user", "assistant", "user", "user",
                        ])
                case .mistral:
                    // Mistral has no developer role.
                    #expect(
                        (seen.body["messages"] as? [[String: Any]])?.map { $0["role"] as? String ?? "" } == [
                            "system", "system", "user", "assistant", "user", "user",
                        ])
                case .gemini:
                    let system = (seen.body["systemInstruction"] as? [String: Any])?["parts"] as? [[String: Any]]
                    #expect(system?.first?["text"] as? String == "You are terse.\n\nAnswer in English.")
                    let contents = seen.body["contents"] as? [[String: Any]] ?? []
                    #expect(contents.map { $0["role"] as? String ?? "" } == ["user", "model", "user"])
                    #expect(
                        (contents.last?["parts"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == [
                            "How are you?", "Be brief.",
                        ])
                case .anthropic:
                    #expect(seen.body["system"] as? String == "You are terse.\n\nAnswer in English.")
                    let messages = seen.body["messages"] as? [[String: Any]] ?? []
                    #expect(messages.map { $0["role"] as? String ?? "" } == ["user", "assistant", "user"])
                    #expect(
                        (messages.last?["content"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == [
                            "How are you?", "Be brief.",
                        ])
                }
            }
        }
    }

    @Test("one tool call, whole and streamed: tools translated, schema cleaned, tool_choice mapped, call returned with an id")
    func oneTool() async throws {
        let request: [String: Any] = [
            "messages": [["role": "user", "content": "Weather in Paris?"]], "tools": [Self.weatherTool], "tool_choice": "required",
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let answer = await gateway.chat(flavour, model: "tools", stream: stream, request)
                    let label = "\(flavour) stream=\(stream)"
                    #expect(answer.status == 200, "\(label): \(answer.error ?? [:])")
                    #expect(answer.calls.count == 1, "\(label)")
                    #expect(answer.calls.first?.name == "get_weather", "\(label)")
                    #expect(answer.calls.first?.argumentsJSON == ["city": "Paris"], "\(label)")
                    #expect(answer.calls.first?.id.isEmpty == false, "\(label)")
                    #expect(answer.finishReason == "tool_calls", "\(label)")
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .groq:
                    #expect(seen.body["tool_choice"] as? String == "required")
                case .mistral:
                    #expect(seen.body["tool_choice"] as? String == "any")
                    let function = (seen.body["tools"] as? [[String: Any]])?.first?["function"] as? [String: Any]
                    #expect(function?["strict"] == nil)
                    #expect((function?["parameters"] as? [String: Any])?["$schema"] == nil)
                case .gemini:
                    let declaration = ((seen.body["tools"] as? [[String: Any]])?.first?["functionDeclarations"] as? [[String: Any]])?.first
                    #expect(declaration?["name"] as? String == "get_weather")
                    let parameters = declaration?["parameters"] as? [String: Any]
                    #expect(parameters?["additionalProperties"] == nil && parameters?["$schema"] == nil)
                    let unit = (parameters?["properties"] as? [String: Any])?["unit"] as? [String: Any]
                    #expect(unit?["type"] as? String == "string" && unit?["nullable"] as? Bool == true)
                    let config = (seen.body["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any]
                    #expect(config?["mode"] as? String == "ANY")
                case .anthropic:
                    let tool = (seen.body["tools"] as? [[String: Any]])?.first
                    #expect(tool?["name"] as? String == "get_weather")
                    #expect((tool?["input_schema"] as? [String: Any])?["required"] as? [String] == ["city"])
                    #expect((seen.body["tool_choice"] as? [String: Any])?["type"] as? String == "any")
                }
            }
        }
    }

    @Test("parallel tool calls, streamed: each call keeps its index, arguments arrive whole when joined")
    func parallelTools() async throws {
        let request: [String: Any] = [
            "messages": [["role": "user", "content": "Weather and time in Paris?"]], "tools": [Self.weatherTool, Self.timeTool],
            "tool_choice": ["type": "function", "function": ["name": "get_weather"]],
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let answer = await gateway.chat(flavour, model: "parallel-tools", stream: stream, request)
                    let label = "\(flavour) stream=\(stream)"
                    #expect(answer.status == 200, "\(label): \(answer.error ?? [:])")
                    #expect(answer.calls.map(\.name) == ["get_weather", "get_time"], "\(label)")
                    #expect(answer.calls.map(\.argumentsJSON) == [["city": "Paris"], ["zone": "CET"]], "\(label)")
                    #expect(Set(answer.calls.map(\.id)).count == 2, "\(label): ids must differ")
                }
                if flavour == .gemini {
                    let config =
                        (gateway.fakes.last(.gemini)?.body["toolConfig"] as? [String: Any])?["functionCallingConfig"] as? [String: Any]
                    #expect(config?["allowedFunctionNames"] as? [String] == ["get_weather"])
                }
                if flavour == .anthropic {
                    let choice = gateway.fakes.last(.anthropic)?.body["tool_choice"] as? [String: Any]
                    #expect(choice?["type"] as? String == "tool" && choice?["name"] as? String == "get_weather")
                }
            }
        }
    }

    @Test("tool results: the call the gateway returned goes back with its result and is accepted (ids, names, thought signatures)")
    func toolResults() async throws {
        let first: [String: Any] = ["messages": [["role": "user", "content": "Weather in Paris?"]], "tools": [Self.weatherTool]]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let turn = await gateway.chat(flavour, model: "tools", stream: stream, first)
                    let call = try #require(turn.calls.first, "\(flavour)")
                    var followUp = first
                    followUp["messages"] =
                        (first["messages"] as! [[String: Any]]) + [
                            turn.assistantMessage, ["role": "tool", "tool_call_id": call.id, "content": #"{"temperature":21}"#],
                        ]
                    let answer = await gateway.chat(flavour, model: "tools", stream: stream, followUp)
                    #expect(answer.status == 200, "\(flavour) stream=\(stream): \(answer.error ?? [:])")
                    #expect(answer.content == "It is 21 degrees in Paris.", "\(flavour)")
                    #expect(answer.finishReason == "stop", "\(flavour)")
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .groq:
                    #expect((seen.body["messages"] as? [[String: Any]])?.last?["tool_call_id"] as? String == "call_\(flavour.rawValue)_1")
                case .mistral:
                    #expect((seen.body["messages"] as? [[String: Any]])?.last?["tool_call_id"] as? String == "aB3dE5gH7")
                case .gemini:
                    let contents = seen.body["contents"] as? [[String: Any]] ?? []
                    let call = (contents[1]["parts"] as? [[String: Any]])?.first
                    #expect(
                        call?["thoughtSignature"] as? String == FakeGeminiProvider.signature(for: "get_weather"),
                        "the signature survived the client round trip")
                    let response = ((contents[2]["parts"] as? [[String: Any]])?.first?["functionResponse"]) as? [String: Any]
                    #expect(response?["name"] as? String == "get_weather")
                    #expect(response?["response"] as? NSDictionary == ["temperature": 21])
                case .anthropic:
                    let last = (seen.body["messages"] as? [[String: Any]])?.last
                    let result = (last?["content"] as? [[String: Any]])?.first
                    #expect(result?["type"] as? String == "tool_result" && result?["tool_use_id"] as? String == "toolu_01")
                }
            }
        }
    }

    @Test(
        "history written elsewhere: foreign tool ids are rewritten for Mistral and Anthropic, unsigned Gemini calls get the validator escape"
    )
    func foreignHistory() async throws {
        let id = "call_Gx7+/from=another.provider"
        let request: [String: Any] = [
            "messages": [
                ["role": "user", "content": "Weather in Paris?"],
                [
                    "role": "assistant", "content": NSNull(),
                    "tool_calls": [
                        ["id": id, "type": "function", "function": ["name": "get_weather", "arguments": #"{"city":"Paris"}"#]]
                    ],
                ],
                ["role": "tool", "tool_call_id": id, "content": "sunny"],
            ], "tools": [Self.weatherTool],
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                let answer = await gateway.chat(flavour, model: "tools", request)
                #expect(answer.status == 200, "\(flavour): \(answer.error ?? [:])")
                #expect(answer.content == "It is 21 degrees in Paris.", "\(flavour)")
            }
            let mistral = gateway.fakes.last(.mistral)?.body["messages"] as? [[String: Any]] ?? []
            let rewritten = ((mistral[1]["tool_calls"] as? [[String: Any]])?.first?["id"]) as? String
            #expect(rewritten?.count == 9 && rewritten == mistral[2]["tool_call_id"] as? String)
            let gemini = gateway.fakes.last(.gemini)?.body["contents"] as? [[String: Any]] ?? []
            #expect((gemini[1]["parts"] as? [[String: Any]])?.first?["thoughtSignature"] as? String == "skip_thought_signature_validator")
            let gemminiResult = ((gemini[2]["parts"] as? [[String: Any]])?.first?["functionResponse"]) as? [String: Any]
            #expect(gemminiResult?["response"] as? NSDictionary == ["content": "sunny"], "a text result is wrapped in an object")
        }
    }

    @Test("the fakes refuse what the real services refuse: unsigned Gemini call, bad Mistral tool id, orphan Anthropic tool result")
    func fakesAreStrict() async throws {
        let fakes = try await FakeProviders.start()
        defer { fakes.stop() }
        let headers = ["Content-Type: application/json", "x-goog-api-key: \(FakeProviders.key)"]
        let unsigned =
            #"{"contents":[{"role":"user","parts":[{"text":"hi"}]},{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{}}}]},{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{}}}]}]}"#
        let gemini = await TestHTTPClient.post(fakes.baseURL(.gemini) + "/models/tools:generateContent", json: unsigned, headers: headers)
        #expect(gemini.status == 400 && gemini.text.contains("thought_signature"))
        let badID =
            #"{"model":"tools","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"call_123456789","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_123456789","content":"x"}]}"#
        let mistral = await TestHTTPClient.post(
            fakes.baseURL(.mistral) + "/chat/completions", json: badID, headers: ["Authorization: Bearer \(FakeProviders.key)"])
        #expect(mistral.status == 422 && mistral.text.contains("length of 9"))
        let orphan =
            #"{"model":"tools","max_tokens":10,"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_x","content":"x"}]}]}"#
        let anthropic = await TestHTTPClient.post(
            fakes.baseURL(.anthropic) + "/v1/messages", json: orphan,
            headers: ["x-api-key: \(FakeProviders.key)", "anthropic-version: 2023-06-01"])
        #expect(anthropic.status == 400 && anthropic.text.contains("tool_use_id"))
    }

    @Test("image input: data URLs become inline images; Gemini refuses http URLs with a clear 400, Anthropic passes them as URL sources")
    func images() async throws {
        let pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        func request(_ url: String) -> [String: Any] {
            [
                "messages": [
                    [
                        "role": "user",
                        "content": [["type": "text", "text": "What is this?"], ["type": "image_url", "image_url": ["url": url]]],
                    ]
                ]
            ]
        }
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                let answer = await gateway.chat(flavour, model: "chat", request("data:image/png;base64,\(pixel)"))
                #expect(answer.status == 200, "\(flavour): \(answer.error ?? [:])")
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .mistral, .groq:
                    let parts = (seen.body["messages"] as? [[String: Any]])?.first?["content"] as? [[String: Any]]
                    #expect(((parts?.last?["image_url"]) as? [String: Any])?["url"] as? String == "data:image/png;base64,\(pixel)")
                case .gemini:
                    let parts = (seen.body["contents"] as? [[String: Any]])?.first?["parts"] as? [[String: Any]]
                    let inline = parts?.last?["inlineData"] as? [String: Any]
                    #expect(inline?["mimeType"] as? String == "image/png" && inline?["data"] as? String == pixel)
                case .anthropic:
                    let blocks = (seen.body["messages"] as? [[String: Any]])?.first?["content"] as? [[String: Any]]
                    let source = blocks?.last?["source"] as? [String: Any]
                    #expect(
                        source?["type"] as? String == "base64" && source?["media_type"] as? String == "image/png"
                            && source?["data"] as? String == pixel)
                }
            }
            let before = gateway.fakes.count(.gemini)
            let refused = await gateway.chat(.gemini, model: "chat", request("https://example.com/cat.png"))
            #expect(refused.status == 400)
            #expect(refused.error?["code"] as? String == "unsupported_image_url")
            #expect(gateway.fakes.count(.gemini) == before, "nothing was sent upstream")
            let linked = await gateway.chat(.anthropic, model: "chat", request("https://example.com/cat.png"))
            #expect(linked.status == 200)
            let blocks = (gateway.fakes.last(.anthropic)?.body["messages"] as? [[String: Any]])?.first?["content"] as? [[String: Any]]
            #expect((blocks?.last?["source"] as? [String: Any])?["url"] as? String == "https://example.com/cat.png")
        }
    }

    @Test("JSON mode with a schema: every dialect answers the JSON as message content")
    func jsonMode() async throws {
        let request: [String: Any] = [
            "messages": [["role": "user", "content": "What is the answer?"]],
            "response_format": [
                "type": "json_schema",
                "json_schema": [
                    "name": "answer", "strict": true,
                    "schema": [
                        "type": "object", "properties": ["answer": ["type": "integer"]], "required": ["answer"],
                        "additionalProperties": false,
                    ] as [String: Any],
                ] as [String: Any],
            ],
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let answer = await gateway.chat(flavour, model: "json", stream: stream, request)
                    let label = "\(flavour) stream=\(stream)"
                    #expect(answer.status == 200, "\(label): \(answer.error ?? [:])")
                    let parsed = (try? JSONSerialization.jsonObject(with: Data(answer.content.utf8))) as? NSDictionary
                    #expect(parsed == ["answer": 42], "\(label): \(answer.content)")
                    #expect(answer.calls.isEmpty && answer.finishReason == "stop", "\(label)")
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .mistral, .groq:
                    #expect((seen.body["response_format"] as? [String: Any])?["type"] as? String == "json_schema")
                case .gemini:
                    let config = seen.body["generationConfig"] as? [String: Any]
                    #expect(config?["responseMimeType"] as? String == "application/json")
                    let schema = config?["responseSchema"] as? [String: Any]
                    #expect(schema?["required"] as? [String] == ["answer"] && schema?["additionalProperties"] == nil)
                case .anthropic:
                    #expect((seen.body["tool_choice"] as? [String: Any])?["name"] as? String == "json_response")
                }
            }
        }
    }

    @Test(
        "reasoning: thoughts come back as reasoning_content from every dialect (Groq's `reasoning` and Magistral's blocks too), thought tokens counted"
    )
    func reasoning() async throws {
        let request: [String: Any] = ["messages": [["role": "user", "content": "Think, then answer."]], "reasoning_effort": "low"]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for stream in [false, true] {
                    let answer = await gateway.chat(flavour, model: "reasoning", stream: stream, request)
                    let label = "\(flavour) stream=\(stream)"
                    #expect(answer.status == 200, "\(label): \(answer.error ?? [:])")
                    #expect(answer.reasoning == "Let me think.", "\(label)")
                    #expect(answer.content == "The answer is 42.", "\(label)")
                    #expect(answer.usage?["completion_tokens"] as? Int == FakeScript.completionTokens, "\(label)")
                }
                let seen = try #require(gateway.fakes.last(flavour))
                switch flavour {
                case .openai, .groq: #expect(seen.body["reasoning_effort"] as? String == "low")
                case .mistral: #expect(seen.body["reasoning_effort"] == nil, "Mistral refuses the field")
                case .gemini:
                    let thinking = (seen.body["generationConfig"] as? [String: Any])?["thinkingConfig"] as? [String: Any]
                    #expect(thinking?["thinkingLevel"] as? String == "low" && thinking?["includeThoughts"] as? Bool == true)
                case .anthropic:
                    let thinking = seen.body["thinking"] as? [String: Any]
                    #expect(thinking?["type"] as? String == "enabled" && thinking?["budget_tokens"] as? Int == 1024)
                }
            }
            let gemini = await gateway.chat(.gemini, model: "reasoning", request)
            let details = gemini.usage?["completion_tokens_details"] as? [String: Any]
            #expect(details?["reasoning_tokens"] as? Int == FakeScript.reasoningTokens)
        }
    }

    @Test(
        "reasoning echo: a tool-call turn replayed without its reasoning gets it re-attached upstream (reasoning_content; Anthropic's signed thinking)"
    )
    func reasoningEcho() async throws {
        let first: [String: Any] = ["messages": [["role": "user", "content": "Weather in Paris?"]], "tools": [Self.weatherTool]]
        try await DialectGateway.run { gateway in
            for stream in [true, false] {
                let turn = await gateway.chat(.openai, model: "think-tools", stream: stream, first)
                #expect(turn.reasoning == "I should call the tool.")
                var followUp = first
                let call = try #require(turn.calls.first)
                followUp["messages"] =
                    (first["messages"] as! [[String: Any]]) + [
                        turn.assistantMessage, ["role": "tool", "tool_call_id": call.id, "content": "21"],
                    ]
                let answer = await gateway.chat(.openai, model: "think-tools", followUp)
                #expect(answer.status == 200, "stream=\(stream): \(answer.error ?? [:])")
                let replayed = (gateway.fakes.last(.openai)?.body["messages"] as? [[String: Any]])?[1]
                #expect(replayed?["reasoning_content"] as? String == "I should call the tool.")
            }
            // Anthropic with thinking on: the signed thinking block of the tool-use turn goes back first.
            let thinkingFirst = first.merging(["reasoning_effort": "low"]) { $1 }
            for stream in [true, false] {
                let turn = await gateway.chat(.anthropic, model: "think-tools", stream: stream, thinkingFirst)
                #expect(turn.reasoning == "I should call the tool.")
                var followUp = thinkingFirst
                followUp["messages"] =
                    (first["messages"] as! [[String: Any]]) + [
                        turn.assistantMessage, ["role": "tool", "tool_call_id": turn.calls.first?.id ?? "", "content": "21"],
                    ]
                let answer = await gateway.chat(.anthropic, model: "think-tools", followUp)
                #expect(answer.status == 200, "anthropic stream=\(stream): \(answer.error ?? [:])")
                let replayed = (gateway.fakes.last(.anthropic)?.body["messages"] as? [[String: Any]])?[1]["content"] as? [[String: Any]]
                #expect(
                    replayed?.first?["type"] as? String == "thinking"
                        && replayed?.first?["thinking"] as? String == "I should call the tool.")
            }
            // The same replay to a provider without the echo quirk is refused by the upstream, as Kimi would.
            let turn = await gateway.chat(.groq, model: "think-tools", first)
            var followUp = first
            followUp["messages"] =
                (first["messages"] as! [[String: Any]]) + [
                    turn.assistantMessage, ["role": "tool", "tool_call_id": turn.calls.first?.id ?? "", "content": "21"],
                ]
            let refused = await gateway.chat(.groq, model: "think-tools", followUp)
            #expect(refused.status == 400)
            #expect((refused.error?["message"] as? String)?.contains("reasoning_content is missing") == true)
        }
    }

    @Test("provider quirks: Groq's refused fields dropped, Mistral's renamed; the strict fakes accept the result")
    func quirks() async throws {
        let request: [String: Any] = [
            "messages": [["role": "user", "content": "Say hello", "name": "alice"]], "seed": 7, "logprobs": true, "top_logprobs": 2,
            "max_completion_tokens": 50, "stop": ["a", "b", "c", "d", "e"], "store": false, "user": NSNull(),
        ]
        try await DialectGateway.run { gateway in
            for flavour in [Flavour.groq, .mistral] {
                let answer = await gateway.chat(flavour, model: "chat", request)
                #expect(answer.status == 200, "\(flavour): \(answer.error ?? [:])")
            }
            let groq = try #require(gateway.fakes.last(.groq)?.body)
            #expect(groq["logprobs"] == nil && groq["top_logprobs"] == nil)
            #expect((groq["stop"] as? [String])?.count == 4)
            #expect((groq["messages"] as? [[String: Any]])?.first?["name"] == nil)
            #expect(groq["seed"] as? Int == 7)
            let mistral = try #require(gateway.fakes.last(.mistral)?.body)
            #expect(mistral["random_seed"] as? Int == 7 && mistral["seed"] == nil)
            #expect(mistral["max_tokens"] as? Int == 50 && mistral["max_completion_tokens"] == nil)
            #expect(mistral["user"] == nil && mistral["store"] == nil)
        }
    }

    @Test("upstream errors in each dialect's shape become the same OpenAI errors: 400, 401, 429 with retry-after, 5xx as 502")
    func upstreamErrors() async throws {
        let cases: [(model: String, status: Int, type: String)] = [
            ("error-400", 400, "invalid_request_error"), ("error-401", 401, "invalid_request_error"),
            ("error-429", 429, "rate_limit_error"), ("error-500", 502, "upstream_error"),
        ]
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                for expected in cases {
                    for stream in [false, true] {
                        let answer = await gateway.chat(flavour, model: expected.model, stream: stream, Self.user)
                        let label = "\(flavour) \(expected.model) stream=\(stream)"
                        #expect(answer.status == expected.status, "\(label)")
                        let message = answer.error?["message"] as? String ?? ""
                        #expect(message.hasPrefix("\(DialectGateway.prefix(flavour)): "), "\(label): \(message)")
                        if expected.status == 401 {
                            // OpenAI itself types a bad key `invalid_request_error`; the code is what all agree on.
                            #expect(answer.error?["code"] as? String == "invalid_api_key", "\(label): \(answer.error ?? [:])")
                        } else {
                            #expect(answer.error?["type"] as? String == expected.type, "\(label): \(answer.error ?? [:])")
                        }
                        if expected.status == 429 {
                            #expect(answer.headers["retry-after"] == "7", "\(label)")
                        }
                    }
                }
            }
            let overloaded = await gateway.chat(.anthropic, model: "error-529", Self.user)
            #expect(overloaded.status == 503 && overloaded.error?["type"] as? String == "overloaded_error")
        }
    }

    @Test("a malformed upstream body is a 502; a stream cut mid-way ends with an error event, never a hang or a silent stop")
    func brokenUpstreams() async throws {
        try await DialectGateway.run { gateway in
            for flavour in Self.all {
                let malformed = await gateway.chat(flavour, model: "malformed", Self.user)
                #expect(malformed.status == 502, "\(flavour)")
                #expect(malformed.error?["type"] as? String == "upstream_error", "\(flavour)")
                let cut = await gateway.chat(flavour, model: "cut", stream: true, Self.user)
                #expect(cut.status == 200, "\(flavour)")
                #expect(cut.error != nil, "\(flavour): a cut stream must end with an error event")
                #expect(!cut.endedWithDone, "\(flavour)")
            }
        }
    }

    @Test("Gemini specifics: MALFORMED_FUNCTION_CALL is an error, a blocked prompt is content_filter")
    func geminiFinishReasons() async throws {
        try await DialectGateway.run { gateway in
            let malformed = await gateway.chat(.gemini, model: "malformed-call", Self.user)
            #expect(malformed.status == 502)
            #expect(malformed.error?["code"] as? String == "malformed_function_call")
            let blocked = await gateway.chat(.gemini, model: "blocked", Self.user)
            #expect(blocked.status == 200)
            #expect(blocked.finishReason == "content_filter")
        }
    }
}
