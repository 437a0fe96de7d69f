import Shared
import Testing

@testable import OrchestraWorker

@Suite("Usage on every stream")
struct StreamUsageTests {
    let usageChunk =
        #"{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}"#
    let textChunk = #"{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}],"usage":null}"#

    func events(_ payloads: [String]) -> String {
        payloads.map { "data: \($0)\n\n" }.joined() + "data: [DONE]\n\n"
    }

    @Test("a stream whose client did not ask: the upstream is asked, the usage chunk is read and kept from the client")
    func askedForTheClient() throws {
        let plain = DialectProbe(.openai)
        let request = #"{"model":"p/m","stream":true,"messages":[{"role":"user","content":"x"}]}"#
        let body = try plain.upstreamBody(request, stream: true)
        #expect(body["stream_options"]?["include_usage"] == .bool(true))
        #expect(body["model"] == "m" && body["messages"]?.arrayValue?.count == 1)
        var translator = try plain.prepare(request, stream: true).translator
        var parser = SSEParser()
        var out: [[UInt8]] = []
        for event in parser.feed(Array(events([textChunk, usageChunk]).utf8)) { out += try translator.translate(event: event) }
        out += try translator.finishStream()
        #expect(out.count == 1)
        #expect(translator.reportedUsage?.prompt_tokens == 11 && translator.reportedUsage?.completion_tokens == 4)
    }

    @Test("a client that asked gets its usage chunk, and its body goes unchanged")
    func clientAsked() throws {
        let plain = DialectProbe(.openai)
        let request = #"{"model":"p/m","stream":true,"stream_options":{"include_usage":true},"messages":[]}"#
        let prepared = try plain.prepare(request, stream: true)
        #expect(try JSONValue.decode(prepared.body)["stream_options"]?["include_usage"] == .bool(true))
        let chunks = try plain.chunks(to: request, events: events([textChunk, usageChunk]))
        #expect(chunks.count == 2 && chunks.last?["usage"]?["total_tokens"]?.intValue == 15)
    }

    @Test("stream_options without include_usage: set, and the chunk kept from the client")
    func partialOptions() throws {
        let plain = DialectProbe(.openai)
        let request = #"{"model":"p/m","stream":true,"stream_options":{"include_usage":false},"messages":[]}"#
        #expect(try plain.upstreamBody(request, stream: true)["stream_options"]?["include_usage"] == .bool(true))
        #expect(try plain.chunks(to: request, events: events([textChunk, usageChunk])).count == 1)
    }

    @Test("not asked: whole answers, and providers that refuse the field")
    func notAsked() throws {
        let plain = DialectProbe(.openai)
        let whole = #"{"model":"p/m","messages":[]}"#
        #expect(try plain.upstreamBody(whole)["stream_options"] == nil)
        var quirks = ProviderQuirks()
        quirks.askStreamUsage = false
        let refusing = DialectProbe(.openai, quirks: quirks)
        #expect(try refusing.upstreamBody(#"{"model":"p/m","stream":true,"messages":[]}"#, stream: true)["stream_options"] == nil)
    }

    @Test(
        "the usage-only chunk is told apart from others without parsing",
        arguments: [
            (#"{"choices":[],"usage":{}}"#, true), (#"{"choices" : [ ] ,"usage":{}}"#, true), (#"{"choices":null,"usage":{}}"#, true),
            (#"{"choices":[{"index":0}],"usage":null}"#, false), (#"{"usage":{}}"#, false),
        ])
    func recognises(_ payload: String, usageOnly: Bool) {
        #expect(UsageChunk.isUsageOnly(Array(payload.utf8)) == usageOnly)
    }

    @Test("Anthropic and Gemini streams report usage whether or not the client asked")
    func translatedStreams() throws {
        let anthropic = DialectProbe(.anthropic)
        var translator = try anthropic.prepare(#"{"messages":[{"role":"user","content":"x"}],"stream":true}"#, stream: true).translator
        var parser = SSEParser()
        let events = """
            event: message_start
            data: {"type":"message_start","message":{"id":"m","usage":{"input_tokens":9,"output_tokens":1}}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":6}}


            """
        for event in parser.feed(Array(events.utf8)) { _ = try translator.translate(event: event) }
        #expect(translator.reportedUsage?.prompt_tokens == 9 && translator.reportedUsage?.completion_tokens == 6)
        let gemini = DialectProbe(.gemini)
        var geminiTranslator = try gemini.prepare(#"{"messages":[{"role":"user","content":"x"}],"stream":true}"#, stream: true).translator
        parser = SSEParser()
        let geminiEvents =
            "data: {\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":2,\"totalTokenCount\":7}}\n\n"
        for event in parser.feed(Array(geminiEvents.utf8)) { _ = try geminiTranslator.translate(event: event) }
        #expect(geminiTranslator.reportedUsage?.total_tokens == 7)
    }
}

@Suite("The demo's usage")
struct DemoUsageTests {
    @Test("a demo stream reports its usage exactly and shows it only to a client that asked")
    func demoStream() throws {
        var config = ProviderConfig(builtin: BuiltinCatalog.demo)
        config.key = .none
        let dialect = DemoDialect(config: config)
        for asked in [false, true] {
            let body =
                #"{"model":"demo/echo","stream":true,"messages":[{"role":"user","content":"one two"}]"#
                + (asked ? #","stream_options":{"include_usage":true}}"# : "}")
            var translator = try dialect.prepare(
                UpstreamCall(endpoint: .chatCompletions, model: "echo", stream: true, body: .init(string: body))
            )
            .translator
            let usage = #"{"id":"c","choices":[],"usage":{"prompt_tokens":2,"completion_tokens":9,"total_tokens":11}}"#
            var parser = SSEParser()
            var out: [[UInt8]] = []
            for event in parser.feed(Array("data: \(usage)\n\ndata: [DONE]\n\n".utf8)) { out += try translator.translate(event: event) }
            #expect(out.count == (asked ? 1 : 0))
            #expect(asked || translator.reportedUsage?.total_tokens == 11)
        }
    }
}
