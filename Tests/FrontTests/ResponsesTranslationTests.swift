import Foundation
import Shared
import Testing

@testable import OrchestraFront

/// The Responses API as pure translations: items into chat messages (a chained conversation first),
/// what cannot be honoured refused by name, and chat answers into a `response` object or the numbered
/// Responses events.
@Suite("Responses API translation (pure)")
struct ResponsesTranslationTests {
    static func request(_ json: String) throws -> ResponsesRequest {
        try JSONDecoder().decode(ResponsesRequest.self, from: Data(json.utf8))
    }

    static func chat(_ json: String, earlier: [JSONValue] = []) throws -> [String: JSONValue] {
        let translation = try ResponsesIngress.translate(try request(json), model: "p/m", earlier: earlier)
        return try JSONValue.decode(translation.chatBody).objectValue ?? [:]
    }

    @Test("items become chat messages: calls join their assistant turn, reasoning rides with it, outputs are tool messages")
    func items() throws {
        let body = try Self.chat(
            #"""
            {"model":"p/m","instructions":"Be brief.","max_output_tokens":50,"input":[
              {"role":"developer","content":"French."},
              {"role":"user","content":[{"type":"input_text","text":"look"},{"type":"input_image","image_url":"data:image/png;base64,AA=="}]},
              {"type":"reasoning","id":"rs_1","summary":[{"type":"summary_text","text":"thinking"}]},
              {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Let me check."}]},
              {"type":"function_call","call_id":"c1","name":"f","arguments":"{\"a\":1}"},
              {"type":"function_call","call_id":"c2","name":"g","arguments":"{}"},
              {"type":"function_call_output","call_id":"c1","output":"one"},
              {"type":"function_call_output","call_id":"c2","output":[{"type":"input_text","text":"two"}]},
              {"type":"function_call","call_id":"c3","name":"f","arguments":"{}"}]}
            """#)
        let messages = try #require(body["messages"]?.arrayValue)
        #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["system", "system", "user", "assistant", "tool", "tool", "assistant"])
        #expect(messages[0]["content"] == "Be brief." && messages[1]["content"] == "French.")
        #expect(messages[2]["content"]?[1]?["image_url"]?["url"] == "data:image/png;base64,AA==")
        #expect(messages[3]["content"] == "Let me check." && messages[3]["reasoning_content"] == "thinking")
        #expect(messages[3]["tool_calls"]?.arrayValue?.map { $0["id"]?.stringValue ?? "" } == ["c1", "c2"])
        #expect(messages[4]["tool_call_id"] == "c1" && messages[5]["content"] == "two")
        #expect(messages[6]["content"] == .null && messages[6]["tool_calls"]?[0]?["id"] == "c3")
        #expect(body["max_tokens"]?.intValue == 50 && body["stream"] == nil)
    }

    @Test("a chained response continues the stored conversation; instructions are this request's own")
    func chain() throws {
        let earlier: [JSONValue] = [.object(["role": "user", "content": "one"]), .object(["role": "assistant", "content": "two"])]
        let translation = try ResponsesIngress.translate(
            try Self.request(#"{"model":"p/m","instructions":"New.","input":"three","stream":true}"#), model: "p/m", earlier: earlier)
        let body = try JSONValue.decode(translation.chatBody)
        #expect(body["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } == ["New.", "one", "two", "three"])
        #expect(translation.conversation.count == 3)
        #expect(body["stream_options"]?["include_usage"] == .bool(true))
        let continued = try ResponsesIngress.translate(try Self.request(#"{"model":"p/m"}"#), model: "p/m", earlier: earlier)
        #expect(continued.conversation.count == 2)
    }

    @Test("tools, tool choice, formats and effort in chat's shape")
    func options() throws {
        let body = try Self.chat(
            #"""
            {"model":"p/m","input":"hi","tools":[{"type":"function","name":"f","parameters":{"type":"object"},"strict":true}],
             "tool_choice":{"type":"function","name":"f"},"parallel_tool_calls":false,"reasoning":{"effort":"xhigh"},
             "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true}},"safety_identifier":"u1"}
            """#)
        #expect(body["tools"]?[0]?["function"]?["name"] == "f" && body["tools"]?[0]?["function"]?["strict"] == .bool(true))
        #expect(body["tool_choice"]?["function"]?["name"] == "f" && body["parallel_tool_calls"] == .bool(false))
        #expect(body["reasoning_effort"] == "high" && body["user"] == "u1")
        #expect(body["response_format"]?["json_schema"]?["name"] == "w")
        #expect(
            try Self.chat(#"{"model":"p/m","input":"x","text":{"format":{"type":"json_object"}}}"#)["response_format"]?["type"]
                == "json_object")
        #expect(try Self.chat(#"{"model":"p/m","input":"x","parallel_tool_calls":true}"#)["parallel_tool_calls"] == nil)
    }

    @Test(
        "what cannot be honoured is a 400 naming it",
        arguments: [
            (#""input":"x","tools":[{"type":"web_search"}]"#, "tools[0].type"),
            (#""input":"x","background":true"#, "background"),
            (#""input":"x","include":["reasoning.encrypted_content"]"#, "include[0]"),
            (#""input":"x","truncation":"auto""#, "truncation"),
            (#""input":"x","service_tier":"flex""#, "service_tier"),
            (#""input":"x","text":{"verbosity":"low"}"#, "text.verbosity"),
            (#""input":"x","tool_choice":{"type":"file_search"}"#, "tool_choice"),
            (#""input":"x","reasoning":{"effort":"extreme"}"#, "reasoning.effort"),
            (#""input":"x","text":{"format":{"type":"xml"}}"#, "text.format.type"),
            (#""input":[{"type":"item_reference","id":"m"}]"#, "input[0].type"),
            (#""input":[{"role":"tool","content":"x"}]"#, "input[0].role"),
            (#""input":[{"role":"user","content":[{"type":"input_file","file_id":"f"}]}]"#, "input[0].content"),
            (#""input":[{"type":"function_call","name":"f"}]"#, "input[0]"),
            (#""instructions":"x""#, "input"),
        ])
    func refusals(fields: String, param: String) throws {
        do {
            _ = try Self.chat("{\"model\":\"p/m\",\(fields)}")
            Issue.record("accepted: \(fields)")
        } catch let error as GatewayError {
            #expect(error.status == 400 && error.param == param, "\(error)")
        }
    }

    @Test("an unknown top-level field is refused by name")
    func unknownField() throws {
        #expect(throws: GatewayError.self) {
            try RequestFields.checked(Array(#"{"model":"p/m","conversation":"c"}"#.utf8), allowed: ResponsesRequest.fields)
        }
        #expect(try RequestFields.checked(Array(#"{"model":"p/m","input":"x"}"#.utf8), allowed: ResponsesRequest.fields)?.count == 2)
    }

    static func settings() throws -> ResponseSettings {
        ResponseSettings(
            id: "resp_1", createdAt: 7, model: "p/m",
            request: try request(#"{"model":"p/m","input":"x","metadata":{"k":"v"},"store":false}"#))
    }

    @Test("a whole chat answer becomes a response: reasoning, message and calls as items, usage, the request echoed")
    func whole() throws {
        let answer = try JSONDecoder().decode(
            OpenAIAnswerProbe.self,
            from: Data(
                #"""
                {"id":"c","choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":"Hi","reasoning_content":"hmm",
                 "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{}"}}]}}],
                 "usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"completion_tokens_details":{"reasoning_tokens":3}}}
                """#.utf8))
        let output = ResponseOutput(chat: answer)
        let object = try Self.settings().object(status: output.status, output: output)
        #expect(object["status"] == "completed" && object["id"] == "resp_1" && object["store"] == .bool(false))
        #expect(object["output"]?.arrayValue?.map { $0["type"]?.stringValue ?? "" } == ["reasoning", "message", "function_call"])
        #expect(object["output"]?[2]?["call_id"] == "call_1" && object["metadata"]?["k"] == "v")
        #expect(object["usage"]?["output_tokens_details"]?["reasoning_tokens"]?.intValue == 3)
        #expect(object["usage"]?["total_tokens"]?.intValue == 12)
        let message = output.assistantMessage
        #expect(message["content"] == "Hi" && message["reasoning_content"] == "hmm" && message["tool_calls"]?[0]?["id"] == "call_1")
    }

    static func events(_ bytes: [UInt8]) -> [JSONValue] {
        var parser = SSEParser()
        return parser.feed(bytes).compactMap { try? JSONValue.decode($0.data) }
    }

    @Test("a stream becomes the Responses events, in order, numbered, the final response agreeing with them")
    func stream() throws {
        var writer = ResponsesStreamWriter(settings: try Self.settings())
        var bytes: [UInt8] = []
        for chunk in [
            #"{"choices":[{"index":0,"delta":{"reasoning_content":"hm"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"content":"Hel"}}]}"#, #"{"choices":[{"index":0,"delta":{"content":"lo"}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        ] {
            bytes += writer.events(for: try JSONDecoder().decode(OpenAIAnswerProbe.self, from: Data(chunk.utf8)))
        }
        bytes += writer.finish()
        let events = Self.events(bytes)
        #expect(events.map { $0["sequence_number"]?.intValue ?? -1 } == Array(0..<Int64(events.count)))
        #expect(
            events.map { $0["type"]?.stringValue ?? "" } == [
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added", "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done", "response.output_item.done",
                "response.output_item.added", "response.content_part.added", "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done", "response.completed",
            ])
        let final = try #require(events.last?["response"])
        #expect(final["output"]?[1]?["content"]?[0]?["text"] == "Hello")
        #expect(final["output"]?[2]?["arguments"] == #"{"a":1}"#)
        #expect(final["output"]?[1]?["id"] == events[8]["item"]?["id"] && final["usage"]?["output_tokens"]?.intValue == 2)
    }

    @Test("a stream cut at its limit ends incomplete; one that fails ends with response.failed")
    func endings() throws {
        var cut = ResponsesStreamWriter(settings: try Self.settings())
        _ = cut.events(
            for: try JSONDecoder().decode(
                OpenAIAnswerProbe.self, from: Data(#"{"choices":[{"index":0,"delta":{"content":"Once"},"finish_reason":"length"}]}"#.utf8)))
        let last = Self.events(cut.finish()).last
        #expect(last?["type"] == "response.incomplete")
        #expect(last?["response"]?["incomplete_details"]?["reason"] == "max_output_tokens")
        var failing = ResponsesStreamWriter(settings: try Self.settings())
        let failed = Self.events(failing.failed(.upstreamUnreachable("p", detail: "cut")))
        #expect(failed.map { $0["type"]?.stringValue ?? "" } == ["response.created", "response.in_progress", "response.failed"])
        #expect(failed.last?["response"]?["status"] == "failed" && failed.last?["response"]?["error"]?["message"] != nil)
    }
}
