import NIOCore
import Shared
import Testing

@testable import OrchestraFront

@Suite("Response events")
struct ResponseEventsTests {
    private func names(_ events: [ResponseEvent]) -> [String] {
        events.map {
            switch $0 {
            case .head: "head"
            case .chunk: "chunk"
            case .end: "end"
            case .failure: "failure"
            case .usage: "usage"
            }
        }
    }

    @Test("what arrived before the handler asks comes in one batch, then nothing after the end")
    func batch() async {
        let events = ResponseEvents()
        events.push(.head(ResponseHead(status: 200, streaming: true, headers: [])))
        events.push(.chunk(ByteBuffer(string: "data: {}\n\n")))
        events.push(.end)
        events.push(.chunk(ByteBuffer(string: "late")))
        #expect(names(await events.next()) == ["head", "chunk", "end"])
        #expect(await events.next().isEmpty)
    }

    @Test("a waiting handler is woken by the first event and gets every event in order, nothing after the end")
    func wokenWithTheRest() async {
        let events = ResponseEvents()
        let taken = Task { await events.next() }
        while !events.hasWaiter { await Task.yield() }
        events.push(.head(ResponseHead(status: 200, streaming: true, headers: [])))
        events.push(.chunk(ByteBuffer(string: "data: {}\n\n")))
        events.push(.end)
        var seen = names(await taken.value)
        while seen.last != "end" {
            let more = await events.next()
            if more.isEmpty { break }
            seen += names(more)
        }
        #expect(seen == ["head", "chunk", "end"])
        #expect(await events.next().isEmpty)
    }
}
