import Shared
import Testing

@testable import OrchestraWorker

@Suite("An answer larger than max_answer_bytes ends with a 502")
struct AnswerLimitTests {
    func answer(stream: Bool, limit: Int) throws -> UpstreamAnswer {
        let request = try DialectProbe(.openai).prepare(
            #"{"model":"p/m","stream":\#(stream),"messages":[{"role":"user","content":"x"}]}"#, stream: stream)
        return UpstreamAnswer(
            id: 7, provider: "p", request: request, clientWantsStream: stream,
            mapError: { status, _, _ in GatewayError(.http(status: status), message: "upstream said \(status)") },
            responseModel: nil, maxAnswerBytes: limit)
    }

    func failure(_ frames: [WorkerFrame]) -> GatewayError? {
        for case .failure(_, let error) in frames { return error }
        return nil
    }

    @Test func aWholeAnswerOverTheLimitStopsTheTransferWithA502() throws {
        var answer = try answer(stream: false, limit: 100)
        answer.receive(headerLine: "HTTP/1.1 200 OK\r\n")
        answer.receive(headerLine: "content-type: application/json\r\n")
        var frames: [WorkerFrame] = []
        #expect(answer.receive(body: Array(repeating: UInt8(ascii: " "), count: 60), into: &frames))
        #expect(!answer.receive(body: Array(repeating: UInt8(ascii: " "), count: 60), into: &frames), "the transfer stops")
        let error = try #require(failure(frames))
        #expect(error.status == 502 && error.message.contains("max_answer_bytes"))
        #expect(answer.ended)
    }

    @Test func aStreamOverTheLimitEndsAfterWhatItAlreadyForwarded() throws {
        var answer = try answer(stream: true, limit: 300)
        answer.receive(headerLine: "HTTP/1.1 200 OK\r\n")
        answer.receive(headerLine: "content-type: text/event-stream\r\n")
        let event =
            Array(#"data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hi"}}]}"#.utf8) + [10, 10]
        var frames: [WorkerFrame] = []
        var forwarded = 0
        while answer.receive(body: event, into: &frames) { forwarded += 1 }
        #expect(forwarded == 300 / event.count)
        #expect(frames.contains { if case .head = $0 { true } else { false } })
        #expect(failure(frames)?.message.contains("300 bytes") == true)
    }
}

@Suite("Usage counts from an upstream are read safely")
struct UsageCountTests {
    @Test("a count too large for an integer is no count, not a crash (found by fuzzing)")
    func anOverflowingCountIsIgnored() {
        let huge = #"{"usage":{"prompt_tokens":11,"completion_tokens":99999999999999999999999,"total_tokens":3}}"#
        #expect(UsageExtractor.usage(in: Array(huge.utf8)) == nil)
        let fine = #"{"usage":{"prompt_tokens":11,"completion_tokens":4,"total_tokens":15}}"#
        #expect(UsageExtractor.usage(in: Array(fine.utf8))?.completion_tokens == 4)
    }
}
