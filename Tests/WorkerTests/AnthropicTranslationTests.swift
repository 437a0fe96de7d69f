import Shared
import Testing

@testable import OrchestraWorker

@Suite("Anthropic translation (pure)")
struct AnthropicTranslationTests {
    let anthropic = DialectProbe(.anthropic, models: [ModelInfo(id: "m", maxOutput: 8000)])

    @Test("system goes top-level, max_tokens defaults from the catalog, the key as x-api-key with a version")
    func request() throws {
        let prepared = try anthropic.prepare(#"{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"}]}"#)
        #expect(prepared.url == "https://up.example/v1/messages")
        #expect(prepared.headers.contains("anthropic-version: 2023-06-01"))
        #expect(anthropic.dialect.credentials("k") == ["x-api-key: k"])
        let body = try JSONValue.decode(prepared.body)
        #expect(body["system"] == "Be brief." || body["system"]?[0]?["text"] == "Be brief.")
        #expect(body["max_tokens"]?.intValue == 8000)
        #expect(body["messages"]?.arrayValue?.count == 1)
        #expect(body["messages"]?[0]?["role"] == "user")
    }

    @Test("tool calls and results become tool_use and tool_result blocks with matching ids")
    func tools() throws {
        let json =
            #"{"max_tokens":50,"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"call.1","type":"function","function":{"name":"f","arguments":"{\"q\":1}"}}]},{"role":"tool","tool_call_id":"call.1","content":"r"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}]}"#
        let body = try anthropic.upstreamBody(json)
        let use = body["messages"]?[1]?["content"]?[0]
        let result = body["messages"]?[2]?["content"]?[0]
        #expect(use?["type"] == "tool_use" && use?["input"]?["q"]?.intValue == 1)
        #expect(result?["type"] == "tool_result")
        #expect(result?["tool_use_id"] == use?["id"])
        #expect(body["tools"]?[0]?["input_schema"]?["type"] == "object")
        #expect(body["max_tokens"]?.intValue == 50)
    }

    @Test("a json_schema answer: native output_config for Claude 4.5 and later, a forced tool for the others")
    func structuredOutput() throws {
        let json =
            #"{"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object","properties":{"city":{"type":"string"}}}}}}"#
        let native = try anthropic.upstreamBody(json, model: "claude-sonnet-4-5-20250929")
        #expect(native["output_config"]?["format"]?["type"] == "json_schema")
        #expect(native["output_config"]?["format"]?["schema"]?["properties"]?["city"]?["type"] == "string")
        #expect(native["tools"] == nil && native["tool_choice"] == nil)
        let forced = try anthropic.upstreamBody(json, model: "claude-3-7-sonnet-20250219")
        #expect(forced["output_config"] == nil)
        #expect(forced["tool_choice"]?["name"] == .string(AnthropicRequestTranslator.jsonTool))
        #expect(forced["tools"]?[0]?["input_schema"]?["properties"]?["city"]?["type"] == "string")
        for model in ["claude-opus-4-5", "claude-haiku-4-5-20251001", "claude-opus-4-6", "claude-sonnet-5", "claude-opus-5-1"] {
            #expect(AnthropicRequestTranslator.takesOutputFormat(model), "\(model)")
        }
        for model in ["claude-opus-4-1", "claude-sonnet-4-20250514", "claude-3-5-haiku-latest", "kimi-for-coding", "claude-opus-4"] {
            #expect(!AnthropicRequestTranslator.takesOutputFormat(model), "\(model)")
        }
    }

    @Test("n > 1 is refused: Anthropic answers one choice")
    func refusals() {
        #expect { try anthropic.prepare(#"{"n":2,"messages":[{"role":"user","content":"x"}]}"#) } throws: {
            ($0 as? GatewayError)?.status == 400
        }
    }

    @Test("a whole message: thinking as reasoning_content, text, tool_use as tool_calls, usage with cache")
    func wholeAnswer() throws {
        let body =
            #"{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"thinking","thinking":"hmm","signature":"s"},{"type":"text","text":"Hi"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"q":1}}],"stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5,"cache_read_input_tokens":4}}"#
        let answer = try anthropic.answer(to: #"{"messages":[{"role":"user","content":"x"}]}"#, body: body)
        let message = answer["choices"]?[0]?["message"]
        #expect(message?["content"] == "Hi")
        #expect(message?["reasoning_content"] == "hmm")
        #expect(message?["tool_calls"]?[0]?["function"]?["arguments"] == #"{"q":1}"#)
        #expect(answer["choices"]?[0]?["finish_reason"] == "tool_calls")
        #expect(answer["usage"]?["completion_tokens"]?.intValue == 5)
        #expect(answer["usage"]?["prompt_tokens_details"]?["cached_tokens"]?.intValue == 4)
    }

    @Test("a stream: text deltas, streamed tool arguments, stop reason, usage from message_start and message_delta")
    func stream() throws {
        let events = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_1","model":"m","usage":{"input_tokens":9,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

            event: content_block_start
            data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\\"q\\":"}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"1}"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"tool_use"},"usage":{"output_tokens":7}}

            event: message_stop
            data: {"type":"message_stop"}


            """
        let request = #"{"messages":[{"role":"user","content":"x"}],"stream":true,"stream_options":{"include_usage":true}}"#
        let chunks = try anthropic.chunks(to: request, events: events)
        let deltas = chunks.compactMap { $0["choices"]?[0]?["delta"] }
        #expect(deltas.compactMap { $0["content"]?.stringValue }.joined() == "Hello")
        let arguments = deltas.compactMap { $0["tool_calls"]?[0]?["function"]?["arguments"]?.stringValue }.joined()
        #expect(arguments == #"{"q":1}"#)
        #expect(chunks.contains { $0["choices"]?[0]?["finish_reason"] == "tool_calls" })
        let usage = chunks.last?["usage"]
        #expect(usage?["prompt_tokens"]?.intValue == 9 && usage?["completion_tokens"]?.intValue == 7)
    }

    @Test("overloaded (529) is a 503 that may be retried; an in-stream error ends the stream with an error")
    func errors() {
        let overloaded = anthropic.dialect.mapError(
            status: 529, body: Array(#"{"type":"error","error":{"type":"overloaded_error","message":"busy"}}"#.utf8), headers: []
        )
        #expect(overloaded.status == 503 && overloaded.code == .upstreamOverloaded && overloaded.isRetryable)
        let events = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}\n\n"
        #expect { try anthropic.chunks(to: #"{"messages":[{"role":"user","content":"x"}]}"#, events: events) } throws: {
            ($0 as? GatewayError)?.code == .upstreamOverloaded
        }
    }
}
