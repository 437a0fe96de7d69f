import Shared
import Testing

@testable import OrchestraWorker

@Suite("Gemini translation (pure)")
struct GeminiTranslationTests {
    let gemini = DialectProbe(.gemini)

    @Test("system to systemInstruction, turns merged to alternate, the model in the URL, the key in a header")
    func request() throws {
        let json =
            #"{"model":"gemini/g","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"assistant","content":"c"},{"role":"user","content":"d"}],"temperature":0.2,"max_tokens":64}"#
        let prepared = try gemini.prepare(json, model: "gemini-2.5-flash")
        #expect(prepared.url == "https://up.example/v1/models/gemini-2.5-flash:generateContent")
        #expect(gemini.dialect.credentials("k") == ["x-goog-api-key: k"])
        let body = try JSONValue.decode(prepared.body)
        #expect(body["systemInstruction"]?["parts"]?[0]?["text"] == "Be brief.")
        let roles = body["contents"]?.arrayValue?.compactMap { $0["role"]?.stringValue }
        #expect(roles == ["user", "model", "user"])
        #expect(body["contents"]?[0]?["parts"]?.arrayValue?.count == 2)
        #expect(body["generationConfig"]?["maxOutputTokens"]?.intValue == 64)
        #expect(try gemini.prepare(json, stream: true).url.hasSuffix(":streamGenerateContent?alt=sse"))
    }

    @Test("tools become functionDeclarations with the schema cleaned to Gemini's subset")
    func tools() throws {
        let json =
            #"{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object","additionalProperties":false,"properties":{"a":{"type":["string","null"]},"b":{"const":"k"}}}}}],"tool_choice":"required"}"#
        let body = try gemini.upstreamBody(json)
        let declaration = body["tools"]?[0]?["functionDeclarations"]?[0]
        #expect(declaration?["name"] == "f")
        let parameters = declaration?["parameters"]
        #expect(parameters?["additionalProperties"] == nil)
        #expect(parameters?["properties"]?["a"]?["nullable"] == .bool(true))
        #expect(parameters?["properties"]?["b"]?["enum"]?[0] == "k")
        #expect(body["toolConfig"]?["functionCallingConfig"]?["mode"] == "ANY")
    }

    @Test("a tool result answers its call by name; a result for no call is a 400")
    func toolResults() throws {
        let json =
            #"{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]},{"role":"tool","tool_call_id":"c1","content":"{\"ok\":true}"}]}"#
        let body = try gemini.upstreamBody(json, model: "gemini-2.5-flash")
        #expect(body["contents"]?[1]?["parts"]?[0]?["functionCall"]?["name"] == "f")
        #expect(body["contents"]?[2]?["parts"]?[0]?["functionResponse"]?["response"]?["ok"] == .bool(true))
        let orphan = #"{"messages":[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"r"}]}"#
        #expect { try gemini.prepare(orphan) } throws: { ($0 as? GatewayError)?.code == .invalidToolCallID }
    }

    @Test("an https image is refused clearly; no message at all is a 400")
    func refusals() {
        let image = #"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]}]}"#
        #expect { try gemini.prepare(image) } throws: { ($0 as? GatewayError)?.code == .unsupportedImageURL }
        #expect { try gemini.prepare(#"{"messages":[]}"#) } throws: { ($0 as? GatewayError)?.status == 400 }
    }

    @Test("a whole answer: text, thought as reasoning_content, a function call with its signature in the id, usage")
    func wholeAnswer() throws {
        let body =
            #"{"candidates":[{"content":{"role":"model","parts":[{"text":"hmm","thought":true},{"text":"Hi"},{"functionCall":{"name":"f","args":{"q":1}},"thoughtSignature":"SIG"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3,"thoughtsTokenCount":2,"totalTokenCount":12}}"#
        let answer = try gemini.answer(to: #"{"messages":[{"role":"user","content":"x"}]}"#, body: body)
        let message = answer["choices"]?[0]?["message"]
        #expect(message?["content"] == "Hi")
        #expect(message?["reasoning_content"] == "hmm")
        let call = message?["tool_calls"]?[0]
        #expect(call?["function"]?["name"] == "f")
        #expect(call?["id"]?.stringValue?.hasSuffix("__thought__SIG") == true)
        #expect(answer["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(answer["usage"]?["prompt_tokens"]?.intValue == 7)
    }

    @Test(
        "a signature goes out in extra_content too (whole and streamed), and comes back from the id, extra_content, litellm's field or memory"
    )
    func signaturesTheWaySDKsCarryThem() throws {
        let probe = DialectProbe(.gemini)
        let call = #"{"functionCall":{"id":"c1","name":"f","args":{}},"thoughtSignature":"SIG"}"#
        let whole = try probe.answer(
            to: #"{"messages":[{"role":"user","content":"x"}]}"#,
            body: #"{"candidates":[{"content":{"role":"model","parts":[\#(call)]},"finishReason":"STOP"}]}"#)
        let issued = whole["choices"]?[0]?["message"]?["tool_calls"]?[0]
        #expect(issued?["id"] == "c1__thought__SIG")
        #expect(issued?["extra_content"]?["google"]?["thought_signature"] == "SIG")
        let streamed = try probe.chunks(
            to: #"{"messages":[{"role":"user","content":"x"}]}"#,
            events:
                "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[\(call.replacingOccurrences(of: "c1", with: "c2"))]},\"finishReason\":\"STOP\"}]}\n\n"
        )
        let fragment = streamed.compactMap { $0["choices"]?[0]?["delta"]?["tool_calls"]?[0] }.first
        #expect(fragment?["extra_content"]?["google"]?["thought_signature"] == "SIG")

        func replayed(_ toolCall: String, resultID: String = "c1") throws -> JSONValue? {
            let json =
                #"{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[\#(toolCall)]},{"role":"tool","tool_call_id":"\#(resultID)","content":"r"}]}"#
            return try probe.upstreamBody(json, model: "gemini-3-pro")["contents"]?[1]?["parts"]?[0]
        }
        let function = #""type":"function","function":{"name":"f","arguments":"{}"}"#
        // The id as issued; the id stripped with the signature in extra_content (the Agents SDK); in
        // litellm's provider_specific_fields; and with neither, from what the worker remembers.
        for toolCall in [
            #"{"id":"c1__thought__SIG",\#(function)}"#, #"{"id":"c1",\#(function),"extra_content":{"google":{"thought_signature":"SIG"}}}"#,
            #"{"id":"c1",\#(function),"provider_specific_fields":{"thought_signature":"SIG"}}"#, #"{"id":"c1",\#(function)}"#,
        ] {
            #expect(try replayed(toolCall)?["thoughtSignature"] == "SIG", "\(toolCall)")
        }
        // A call no one signed gets Google's escape hatch on Gemini 3.
        #expect(try replayed(#"{"id":"c7",\#(function)}"#, resultID: "c7")?["thoughtSignature"] == .string(ThoughtSignatures.skipValidator))
    }

    @Test("a stream: role first, text deltas, finish, then usage when asked")
    func stream() throws {
        let events = """
            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"He"}]}}]}

            data: {"candidates":[{"content":{"role":"model","parts":[{"text":"llo"}]},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":4,"candidatesTokenCount":2,"totalTokenCount":6}}


            """
        let request = #"{"messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}"#
        let chunks = try gemini.chunks(to: request, events: events)
        let text = chunks.compactMap { $0["choices"]?[0]?["delta"]?["content"]?.stringValue }.joined()
        #expect(text == "Hello")
        #expect(chunks.first?["choices"]?[0]?["delta"]?["role"] == "assistant")
        #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"] == "stop" })
        #expect(chunks.last?["usage"]?["total_tokens"]?.intValue == 6)
    }

    @Test("errors: RESOURCE_EXHAUSTED is a 429 with retry-after from RetryInfo; a bad key is a 401")
    func errors() {
        let exhausted =
            #"{"error":{"code":429,"status":"RESOURCE_EXHAUSTED","message":"slow","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"7.2s"}]}}"#
        let throttled = gemini.dialect.mapError(status: 429, body: Array(exhausted.utf8), headers: [])
        #expect(throttled.code == .upstreamRateLimited && throttled.retryAfter == 8)
        let badKey =
            #"{"error":{"code":400,"status":"INVALID_ARGUMENT","message":"API key not valid","details":[{"reason":"API_KEY_INVALID"}]}}"#
        let unauthorized = gemini.dialect.mapError(status: 400, body: Array(badKey.utf8), headers: [])
        #expect(unauthorized.status == 401 && unauthorized.codeName == "invalid_api_key")
        #expect(gemini.dialect.mapError(status: 500, body: [], headers: []).code == .upstreamServerError)
    }
}
