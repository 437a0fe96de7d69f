import NIOCore
import Shared
import Testing

@Suite("Wire formats")
struct WireTests {
    @Test("SSE events survive any split of the byte stream, CRLF endings and comments")
    func sseSplitting() {
        let text = ": comment\r\ndata: {\"a\":1}\r\n\r\nevent: message_start\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n"
        let bytes = Array(text.utf8)
        for split in 0...bytes.count {
            var parser = SSEParser()
            var events = parser.feed(bytes[..<split])
            events += parser.feed(bytes[split...])
            #expect(events.map { String(decoding: $0.data, as: UTF8.self) } == ["{\"a\":1}", "line1\nline2", "[DONE]"])
            #expect(events.map(\.name) == [nil, "message_start", nil])
        }
    }

    @Test("an unterminated last event is delivered at end of body")
    func sseFinish() {
        var parser = SSEParser()
        #expect(parser.feed(Array("data: tail".utf8)).isEmpty)
        #expect(parser.finish().map { String(decoding: $0.data, as: UTF8.self) } == "tail")
    }

    @Test("every frame kind round-trips through the codec")
    func frameRoundTrip() throws {
        let frames: [WorkerFrame] = [
            .configure(ProviderConfig(builtin: BuiltinCatalog.mistral)),
            .ready(WorkerStatus(pid: 42, keyPresent: false, keyProblem: "set X")),
            .request(id: 7, UpstreamCall(endpoint: .chatCompletions, model: "moonshotai/kimi-k2.5", stream: true, body: ByteBuffer(string: "{}"))),
            .cancel(id: 7), .ping(nonce: 3), .pong(nonce: 3),
            .head(id: 7, ResponseHead(status: 200, streaming: true, headers: [HTTPHeader(name: "retry-after", value: "2")])),
            .chunk(id: 7, ByteBuffer(string: "{\"x\":\"é\"}")), .end(id: 7),
            .failure(id: 7, GatewayError(status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "slow down",
                                         headers: [HTTPHeader(name: "retry-after", value: "7")])),
        ]
        var buffer = ByteBuffer()
        for frame in frames { frame.encode(into: &buffer) }
        for frame in frames {
            let length = buffer.readInteger(as: UInt32.self) ?? 0
            var payload = buffer.readSlice(length: Int(length)) ?? ByteBuffer()
            #expect(try WorkerFrame.decode(&payload) == frame)
        }
        #expect(buffer.readableBytes == 0)
    }

    @Test("model ids split on the first slash only")
    func modelIDs() {
        #expect(ModelID("nvidia/moonshotai/kimi-k2.5") == ModelID(provider: "nvidia", model: "moonshotai/kimi-k2.5"))
        #expect(ModelID("gpt-4o") == nil)
        #expect(ModelID("/x") == nil)
        #expect(ModelID("mistral/") == nil)
    }

    @Test("error bodies are OpenAI-shaped and escaped")
    func errorBody() {
        let error = GatewayError(status: 400, type: "invalid_request_error", code: nil, message: "bad \"quote\"\n", param: "model")
        #expect(error.jsonBody == #"{"error":{"message":"bad \"quote\"\n","type":"invalid_request_error","param":"model","code":null}}"#)
    }
}

extension ModelID {
    init(provider: String, model: String) {
        self = ModelID("\(provider)/\(model)")!
    }
}

@Suite("JSON field rewriter")
struct JSONFieldRewriterTests {
    func rewrite(_ json: String, _ value: String = "codestral-2501") -> String? {
        Array(json.utf8).withUnsafeBytes { JSONFieldRewriter.replacingTopLevelString("model", in: $0, with: value) }
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test("replaces only the top-level model, leaving nested ones and everything else byte for byte")
    func topLevelOnly() {
        let body = #"{ "messages":[{"role":"user","content":"say \"model\": {x}","model":"nested"}],"model" : "mistral/codestral-2501","n":1,"stop":null,"t":[1,{"a":"]"}],"f":-1.5e3 }"#
        #expect(rewrite(body) == #"{ "messages":[{"role":"user","content":"say \"model\": {x}","model":"nested"}],"model" : "codestral-2501","n":1,"stop":null,"t":[1,{"a":"]"}],"f":-1.5e3 }"#)
    }

    @Test("escapes the new value")
    func escapes() {
        #expect(rewrite(#"{"model":"x"}"#, "a\"b") == #"{"model":"a\"b"}"#)
    }

    @Test("gives up on anything that is not an object with a string model", arguments: [
        "[]", "{}", #"{"model":1}"#, #"{"model":"x""#, #"{"model" "x"}"#, "", #"{"a":"unterminated}"#,
    ])
    func refuses(_ json: String) {
        #expect(rewrite(json) == nil)
    }
}
