import Testing

@testable import Shared

@Suite("SSE parser properties")
struct SSEParserPropertyTests {
    @Test("random events, cut into random pieces with mixed line endings, parse to the same events")
    func randomSplits() {
        for seed in UInt64(1)...60 {
            var random = SeededRandom(seed: seed)
            var text = ""
            var expected: [SSEParser.Event] = []
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let ending = ["\n", "\r\n", "\r"].randomElement(using: &random)!
                if Bool.random(using: &random) { text += ": keep-alive" + ending }
                let name = Bool.random(using: &random) ? "ev\(Int.random(in: 0...9, using: &random))" : nil
                if let name { text += "event: \(name)" + ending }
                let lines = (0..<Int.random(in: 1...3, using: &random)).map { _ in "{\"v\":\(Int.random(in: 0...999, using: &random))}" }
                for line in lines { text += "data: \(line)" + ending }
                text += ending
                expected.append(SSEParser.Event(name: name, data: Array(lines.joined(separator: "\n").utf8)))
            }
            let bytes = Array(text.utf8)
            var parser = SSEParser()
            var events: [SSEParser.Event] = []
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + Int.random(in: 1...9, using: &random))
                events += parser.feed(bytes[start..<end])
                start = end
            }
            #expect(events == expected, "seed \(seed)")
        }
    }

    @Test("data without a space after the colon, and a field without a colon, follow the spec")
    func fieldForms() {
        var parser = SSEParser()
        let events = parser.feed(Array("data:x\ndata\n\n".utf8))
        #expect(events.map { String(decoding: $0.data, as: UTF8.self) } == ["x\n"])
    }
}
