import NIOCore
import Testing

@testable import Shared

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
            .request(
                id: 7, UpstreamCall(endpoint: .chatCompletions, model: "moonshotai/kimi-k2.5", stream: true, body: ByteBuffer(string: "{}"))
            ),
            .cancel(id: 7), .ping(nonce: 3), .pong(nonce: 3),
            .head(id: 7, ResponseHead(status: 200, streaming: true, headers: [HTTPHeader(name: "retry-after", value: "2")])),
            .chunk(id: 7, ByteBuffer(string: "{\"x\":\"é\"}")), .end(id: 7),
            .failure(
                id: 7,
                GatewayError(
                    .upstreamRateLimited, message: "slow down",
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
        let error = GatewayError(
            .upstream(status: 400, type: "invalid_request_error", code: nil), message: "bad \"quote\"\n", param: "model")
        #expect(error.jsonBody == #"{"error":{"message":"bad \"quote\"\n","type":"invalid_request_error","param":"model","code":null}}"#)
    }
}

extension ModelID {
    init(provider: String, model: String) {
        self = ModelID("\(provider)/\(model)")!
    }
}
