import NIOCore
import Testing

@testable import Shared

@Suite("Frame codec properties")
struct FrameCodecPropertyTests {
    static func randomFrame(_ random: inout SeededRandom) -> WorkerFrame {
        let id = UInt32.random(in: 0...UInt32.max, using: &random)
        let headers = (0..<Int.random(in: 0...3, using: &random)).map { _ in
            HTTPHeader(name: random.string(), value: random.string())
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0:
            let endpoint = Endpoint.allCases.randomElement(using: &random)!
            let call = UpstreamCall(
                endpoint: endpoint, model: random.string(), stream: Bool.random(using: &random),
                body: ByteBuffer(bytes: random.bytes()), responseModel: Bool.random(using: &random) ? random.string() + "x" : nil
            )
            return .request(id: id, call)
        case 1: return .cancel(id: id)
        case 2: return .ping(nonce: id)
        case 3: return .pong(nonce: id)
        case 4:
            return .head(
                id: id,
                ResponseHead(status: Int.random(in: 100...599, using: &random), streaming: Bool.random(using: &random), headers: headers))
        case 5: return .chunk(id: id, ByteBuffer(bytes: random.bytes(maxCount: 200)))
        case 6: return .end(id: id)
        case 7:
            let code = GatewayErrorCodeTests.everyCode.randomElement(using: &random)!
            let param = Bool.random(using: &random) ? random.string() + "p" : nil
            return .failure(id: id, GatewayError(code, message: random.string(maxLength: 60), param: param, headers: headers))
        case 8:
            let report = UsageReport(
                promptTokens: Int.random(in: 0...1_000_000, using: &random), completionTokens: Int.random(in: 0...100_000, using: &random),
                reasoningTokens: Int.random(in: 0...1000, using: &random), cachedTokens: Int.random(in: 0...1000, using: &random),
                estimated: Bool.random(using: &random)
            )
            return .usage(id: id, report)
        default:
            let status = RateStatus(
                queued: Int.random(in: 0...9, using: &random), inFlight: Int.random(in: 0...9, using: &random),
                keys: 2, requestsLeft: Bool.random(using: &random) ? Int.random(in: 0...60, using: &random) : nil
            )
            return .rateStatus(status)
        }
    }

    @Test("random frames, written back to back, read back the same through the length-field framing")
    func roundTrip() throws {
        for seed in UInt64(1)...40 {
            var random = SeededRandom(seed: seed)
            let frames = (0..<25).map { _ in Self.randomFrame(&random) }
            var buffer = ByteBuffer()
            for frame in frames { frame.encode(into: &buffer) }
            for frame in frames {
                let length = buffer.readInteger(as: UInt32.self) ?? 0
                let slice = buffer.readSlice(length: Int(length))
                var payload = try #require(slice, "seed \(seed)")
                #expect(try WorkerFrame.decode(&payload) == frame, "seed \(seed)")
            }
            #expect(buffer.readableBytes == 0)
        }
    }

    @Test("a truncated fixed-shape frame is refused with an error, never a crash or a wrong frame")
    func truncated() {
        let frames: [WorkerFrame] = [
            .head(id: 1, ResponseHead(status: 200, streaming: true, headers: [HTTPHeader(name: "a", value: "b")])),
            .failure(id: 1, GatewayError(.upstreamServerError, message: "boom", headers: [HTTPHeader(name: "a", value: "b")])),
            .usage(id: 1, UsageReport(promptTokens: 1, completionTokens: 2)),
            .request(id: 1, UpstreamCall(endpoint: .chatCompletions, model: "m", stream: false, body: ByteBuffer())),
        ]
        for frame in frames {
            var whole = ByteBuffer()
            frame.encode(into: &whole)
            _ = whole.readInteger(as: UInt32.self)
            let bytes = Array(whole.readableBytesView)
            for cut in 0..<bytes.count {
                var payload = ByteBuffer(bytes: bytes[..<cut])
                #expect(throws: FrameDecodingError.self, "\(frame) cut at \(cut)") { try WorkerFrame.decode(&payload) }
            }
        }
    }

    @Test("an unknown frame kind is refused")
    func unknownKind() {
        var payload = ByteBuffer(bytes: [200, 0, 0, 0, 1])
        #expect(throws: FrameDecodingError.self) { try WorkerFrame.decode(&payload) }
    }
}
