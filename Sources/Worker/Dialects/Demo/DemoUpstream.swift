import NIOCore
import Shared

/// The demo provider's upstream, inside the worker: it answers prepared requests as an
/// OpenAI-compatible server would (a JSON body, or an event stream ending in `[DONE]`), and feeds the
/// bytes to the same `UpstreamAnswer` a libcurl transfer feeds. No network, no key.
///
/// Confined to the worker's one thread (`WorkerLoop`), which makes every call.
final class DemoUpstream: UpstreamTransport, @unchecked Sendable {
    static let embeddingsURL = "demo:embeddings"
    static func chatURL(model: String) -> String { "demo:chat/" + model }

    /// A `demo/slow` stream in progress: what is left to send, and its next timer.
    private struct PacedStream {
        var exchange: UpstreamExchange
        var answer: UpstreamAnswer
        var events: ArraySlice<[UInt8]>
        var timer: LoopTimers.Handle?
    }

    private let link: FrontLink
    private let timers: LoopTimers
    private var streams: [UInt32: PacedStream] = [:]

    init(link: FrontLink, timers: LoopTimers) {
        self.link = link
        self.timers = timers
    }

    func start(_ exchange: UpstreamExchange) {
        var answer = exchange.answer()
        var frames: [WorkerFrame] = []
        let request = exchange.request
        if request.url == Self.embeddingsURL {
            let body = (try? DemoEmbeddings.answer(body: request.body)) ?? []
            respond(&answer, contentType: "application/json", body: [body], frames: &frames)
            return finish(exchange, answer, frames)
        }
        guard let demoRequest = try? DemoRequest(body: ByteBuffer(bytes: request.body)) else {
            answer.fail(.upstreamInvalid(exchange.provider, detail: "the demo could not read the request"), into: &frames)
            return finish(exchange, answer, frames)
        }
        let model = String(request.url.dropFirst(Self.chatURL(model: "").count))
        let reply = DemoAnswer(request: demoRequest, model: "demo/\(model)")
        guard exchange.clientWantsStream else {
            respond(&answer, contentType: "application/json", body: [reply.completionJSON()], frames: &frames)
            return finish(exchange, answer, frames)
        }
        var events = reply.chunkJSONs(includeUsage: true).map { chunk in
            var event = Array("data: ".utf8)
            event += chunk
            event += Array("\n\n".utf8)
            return event
        }
        events.append(Array("data: [DONE]\n\n".utf8))
        guard model == "slow" else {
            respond(&answer, contentType: "text/event-stream", body: [Array(events.joined())], frames: &frames)
            return finish(exchange, answer, frames)
        }
        answer.receive(headerLine: "HTTP/1.1 200 OK")
        answer.receive(headerLine: "content-type: text/event-stream")
        streams[exchange.id] = PacedStream(exchange: exchange, answer: answer, events: events[...])
        sendNext(exchange.id)
    }

    func cancel(id: UInt32) {
        guard let stream = streams.removeValue(forKey: id) else { return }
        if let timer = stream.timer { timers.cancel(timer) }
        stream.exchange.onFinish(stream.answer.outcome)
    }

    /// A whole answer: status, content type, body pieces, end.
    private func respond(_ answer: inout UpstreamAnswer, contentType: String, body: [[UInt8]], frames: inout [WorkerFrame]) {
        answer.receive(headerLine: "HTTP/1.1 200 OK")
        answer.receive(headerLine: "content-type: \(contentType)")
        for piece in body where !answer.receive(body: piece, into: &frames) { return }
        answer.complete(into: &frames)
    }

    private func sendNext(_ id: UInt32) {
        guard var stream = streams[id] else { return }
        var frames: [WorkerFrame] = []
        guard let event = stream.events.popFirst() else {
            stream.answer.complete(into: &frames)
            streams[id] = nil
            return finish(stream.exchange, stream.answer, frames)
        }
        _ = stream.answer.receive(body: event, into: &frames)
        link.send(frames)
        stream.timer = timers.schedule(at: MonotonicClock.seconds() + 0.15) { [self] in sendNext(id) }
        streams[id] = stream
    }

    private func finish(_ exchange: UpstreamExchange, _ answer: UpstreamAnswer, _ frames: [WorkerFrame]) {
        link.send(frames)
        exchange.onFinish(answer.outcome)
    }
}
