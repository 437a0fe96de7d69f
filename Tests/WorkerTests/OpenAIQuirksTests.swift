import Shared
import Testing

@testable import OrchestraWorker

@Suite("OpenAI dialect and quirks (pure)")
struct OpenAIQuirksTests {
    @Test("no quirks: the body goes byte for byte, only the model unprefixed; the key as a bearer token")
    func passthrough() throws {
        let plain = DialectProbe(.openai)
        let json = #"{"model":"p/gpt-x","messages":[{"role":"user","content":"hi"}],"logprobs":true}"#
        let prepared = try plain.prepare(json, model: "gpt-x")
        #expect(
            String(decoding: prepared.body, as: UTF8.self)
                == #"{"model":"gpt-x","messages":[{"role":"user","content":"hi"}],"logprobs":true}"#)
        #expect(prepared.url == "https://up.example/v1/chat/completions")
        #expect(plain.dialect.credentials("k") == ["Authorization: Bearer k"])
        #expect { try plain.prepare(#"{"model":1}"#) } throws: { ($0 as? GatewayError)?.code == .invalidJSON }
    }

    @Test("Mistral: fields dropped and renamed, developer as system, max_tokens, names on tool messages only, nulls gone")
    func mistral() throws {
        let mistral = DialectProbe(.openai, quirks: .mistral)
        let json =
            #"{"messages":[{"role":"developer","content":"rules","name":"x"},{"role":"user","content":"hi","name":"me"}],"seed":7,"user":"u","max_completion_tokens":9,"stop":null,"tool_choice":"required"}"#
        let body = try mistral.upstreamBody(json)
        #expect(body["user"] == nil && body["seed"] == nil && body["random_seed"]?.intValue == 7)
        #expect(body["max_tokens"]?.intValue == 9 && body["max_completion_tokens"] == nil)
        #expect(body["stop"] == nil)
        #expect(body["tool_choice"] == "any")
        #expect(body["messages"]?[0]?["role"] == "system")
        #expect(body["messages"]?[1]?["name"] == nil)
    }

    @Test("Mistral: tool ids become 9 alphanumerics, the same in the call and in its result")
    func mistralToolIDs() throws {
        let mistral = DialectProbe(.openai, quirks: .mistral)
        let json =
            #"{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"call_abc-123_long","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"call_abc-123_long","content":"r"}]}"#
        let body = try mistral.upstreamBody(json)
        let callID = body["messages"]?[1]?["tool_calls"]?[0]?["id"]?.stringValue ?? ""
        #expect(callID.count == 9 && callID.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
        #expect(body["messages"]?[2]?["tool_call_id"]?.stringValue == callID)
    }

    @Test("Groq: refused fields dropped, names dropped, at most four stop words")
    func groq() throws {
        let groq = DialectProbe(.openai, quirks: .groq)
        let json = #"{"messages":[{"role":"user","content":"x","name":"n"}],"logprobs":true,"logit_bias":{},"stop":["a","b","c","d","e"]}"#
        let body = try groq.upstreamBody(json)
        #expect(body["logprobs"] == nil && body["logit_bias"] == nil)
        #expect(body["stop"]?.arrayValue?.count == 4)
        #expect(body["messages"]?[0]?["name"] == nil)
    }

    @Test("strict and $schema are stripped from tool schemas, but not from property names")
    func schemaKeys() throws {
        let nvidia = DialectProbe(.openai, quirks: .nvidia)
        let json =
            #"{"messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","strict":true,"parameters":{"type":"object","properties":{"strict":{"type":"boolean"}}}}}]}"#
        let function = try nvidia.upstreamBody(json)["tools"]?[0]?["function"]
        #expect(function?["strict"] == nil)
        #expect(function?["parameters"]?["properties"]?["strict"]?["type"] == "boolean")
    }

    @Test("answers: a provider's `reasoning` field becomes reasoning_content, whole and streamed")
    func reasoningField() throws {
        let groq = DialectProbe(.openai, quirks: .groq)
        let request = #"{"messages":[{"role":"user","content":"x"}]}"#
        let whole = try groq.answer(
            to: request,
            body:
                #"{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"A","reasoning":"R"},"finish_reason":"stop"}]}"#
        )
        #expect(whole["choices"]?[0]?["message"]?["reasoning_content"] == "R")
        #expect(whole["choices"]?[0]?["message"]?["reasoning"] == nil)
        let chunks = try groq.chunks(
            to: request, events: "data: {\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"r1\"}}]}\n\ndata: [DONE]\n\n")
        #expect(chunks.count == 1)
        #expect(chunks.first?["choices"]?[0]?["delta"]?["reasoning_content"] == "r1")
    }

    @Test("a stream event that is not JSON is refused, never passed to the client")
    func badEvent() {
        let plain = DialectProbe(.openai)
        #expect(throws: GatewayError.self) { try plain.chunks(to: #"{"messages":[]}"#, events: "data: not json\n\n") }
    }

    @Test("upstream errors: 4xx keep their status and words, 5xx become 502, quota says do not retry")
    func errors() {
        let plain = DialectProbe(.openai).dialect
        let context = plain.mapError(
            status: 400,
            body: Array(#"{"error":{"message":"too long","type":"invalid_request_error","code":"context_length_exceeded"}}"#.utf8),
            headers: [])
        #expect(context.status == 400 && context.codeName == "context_length_exceeded" && context.message.contains("too long"))
        let server = plain.mapError(status: 503, body: Array("oops".utf8), headers: [HTTPHeader(name: "set-cookie", value: "x")])
        #expect(server.code == .upstreamServerError && server.headers.isEmpty)
        let quota = plain.mapError(
            status: 429, body: Array(#"{"error":{"message":"out","type":"insufficient_quota","code":"insufficient_quota"}}"#.utf8),
            headers: [])
        #expect(quota.status == 429 && !quota.isRetryable && quota.headers.contains(HTTPHeader(name: "x-should-retry", value: "false")))
        let mistralFlat = plain.mapError(
            status: 422, body: Array(#"{"object":"error","message":"extra fields","type":"invalid_request_error"}"#.utf8), headers: [])
        #expect(mistralFlat.status == 422 && mistralFlat.message.contains("extra fields"))
    }
}
