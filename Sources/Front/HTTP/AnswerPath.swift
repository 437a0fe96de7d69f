import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// How one client dialect reads answers: a whole body (the worker's OpenAI body rewritten) and a
/// stream encoding. OpenAI clients get the worker's bytes as they are; Anthropic clients get
/// Anthropic's shapes.
protocol ClientEncoding: Sendable {
    associatedtype Stream: StreamEncoding
    func stream() -> Stream
    func whole(_ body: ByteBuffer) throws(GatewayError) -> ByteBuffer
}

/// The one path of every proxied request from its decoded body to the client's answer: dispatch
/// (routes, retries), accounting from first byte to last, and the answer relayed whole or streamed in
/// the client's encoding. The routes only read their dialect's request.
struct AnswerPath: Sendable {
    let dispatcher: RequestDispatcher
    let counters: RequestCounters
    let recorder: UsageRecorder
    let gate: AccessGate

    /// Counts the request in flight until its answer is written (a stream counts until it ends).
    func counted(_ work: () async throws -> (Response, streamed: Bool)) async throws -> Response {
        counters.received()
        var streamed = false
        defer { if !streamed { counters.finished() } }
        let (response, isStream) = try await work()
        streamed = isStream
        return response
    }

    /// `surface` names the endpoint in usage records when the client came in on another API than the
    /// worker's (`messages`, `responses`).
    func answer(
        model: String, endpoint: Endpoint, surface: String? = nil, stream: Bool, body: ByteBuffer, maxTokens: Int?,
        encoding: some ClientEncoding
    ) async throws -> (Response, streamed: Bool) {
        let caller = Caller.current
        var ledger = RequestLedger(recorder: recorder, endpoint: endpoint, surface: surface, model: model, caller: caller)
        let dispatched: RequestDispatcher.Dispatched
        do {
            ledger.admission = try await gate.admit(
                caller, AccessGate.Ask(model: model, endpoint: endpoint, bodyBytes: body.readableBytes, maxTokens: maxTokens),
                requestID: ledger.requestID)
            dispatched = try await dispatcher.dispatch(
                model: model, endpoint: endpoint, stream: stream, body: body, tokens: body.readableBytes / 4 + (maxTokens ?? 256))
        } catch let error as GatewayError {
            throw ledger.failed(error)
        }
        ledger.answered(by: dispatched)
        let head = dispatched.head
        var headers = HTTPFields(forwarding: head.headers + dispatched.headers)
        headers[HTTPField.Name("x-request-id")!] = ledger.requestID
        for header in ledger.admission?.headers ?? [] { headers[HTTPField.Name(header.name)!] = header.value }
        if head.streaming {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let relay = StreamRelay(dispatched: dispatched, ledger: ledger, encoding: encoding.stream())
            if let whole = await relay.whole() {
                return (Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: whole)), false)
            }
            let counters = self.counters
            let response = Response(
                status: .ok, headers: headers,
                body: ResponseBody { writer in
                    defer { counters.finished() }
                    try await relay.run(&writer)
                })
            return (response, true)
        }
        var body = ByteBuffer()
        var usage: UsageReport?
        var pending = dispatched.pending[...]
        while true {
            for event in pending {
                switch event {
                case .chunk(var bytes): body.writeBuffer(&bytes)
                case .usage(let report): usage = report
                case .end:
                    ledger.finish(status: head.status, usage: usage)
                    headers[.contentType] = "application/json"
                    let answer = try encoding.whole(body)
                    return (
                        Response(status: HTTPResponse.Status(code: head.status), headers: headers, body: ResponseBody(byteBuffer: answer)),
                        false
                    )
                case .failure(let error): throw ledger.failed(error)
                case .head: break
                }
            }
            pending = await dispatched.events.next()[...]
            if pending.isEmpty { throw ledger.failed(.workerLost(dispatched.target.provider)) }
        }
    }
}
