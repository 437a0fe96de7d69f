import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// `POST /v1/chat/completions`, `/v1/completions`, `/v1/fim/completions` and `/v1/embeddings`:
/// validates just enough of the body to route it, hands it to the provider's worker (which speaks
/// the provider's dialect), and relays the answer whole or as a server-sent event stream.
struct ProxyRoute: Sendable {
    let endpoint: Endpoint
    let dispatcher: RequestDispatcher
    let maxBodyBytes: Int
    let counters: RequestCounters
    let recorder: UsageRecorder

    /// The only request fields the front reads; the worker handles the rest.
    struct Envelope: Decodable {
        var model: String?
        var stream: Bool?
    }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        counters.received()
        var streaming = false
        defer { if !streaming { counters.finished() } }
        let body = try await request.body.collect(upTo: maxBodyBytes)
        let envelope = try Self.decodeEnvelope(body)
        guard let model = envelope.model, !model.isEmpty else {
            throw GatewayError.invalidRequest("You must provide a model parameter.", code: "missing_model", param: "model")
        }
        let stream = endpoint == .embeddings ? false : envelope.stream ?? false
        var ledger = RequestLedger(recorder: recorder, endpoint: endpoint, model: model)
        let dispatched: RequestDispatcher.Dispatched
        do {
            dispatched = try await dispatcher.dispatch(model: model, endpoint: endpoint, stream: stream, body: body)
        } catch let error as GatewayError {
            throw ledger.failed(error)
        }
        ledger.answered(by: dispatched)
        let (response, streamed) = try await Self.relay(dispatched, counters: counters, ledger: ledger)
        // A streamed answer is counted finished by its relay, when the stream ends.
        streaming = streamed
        return response
    }

    static func decodeEnvelope(_ body: ByteBuffer) throws(GatewayError) -> Envelope {
        do {
            return try JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidRequest("'\(field)' has the wrong type.", code: "invalid_type", param: field)
        } catch {
            throw .invalidRequest(
                "The request body is not a valid JSON object. Send a JSON object with 'model' and 'messages'.",
                code: "invalid_json"
            )
        }
    }

    /// Answers from the worker's first word on: a stream relayed as it comes, or a whole body.
    static func relay(
        _ dispatched: RequestDispatcher.Dispatched, counters: RequestCounters, ledger: RequestLedger
    ) async throws -> (Response, streamed: Bool) {
        let head = dispatched.head
        var headers = HTTPFields(forwarding: head.headers + dispatched.headers)
        headers[HTTPField.Name("x-request-id")!] = ledger.requestID
        if head.streaming {
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            let stream = StreamRelay(dispatched: dispatched, ledger: ledger, encoding: OpenAIStreamEncoding())
            let response = Response(status: .ok, headers: headers, body: ResponseBody { writer in
                defer { counters.finished() }
                try await stream.run(&writer)
            })
            return (response, true)
        }
        headers[.contentType] = "application/json"
        var body = ByteBuffer()
        var pending = dispatched.pending[...]
        var usage: UsageReport?
        while true {
            for event in pending {
                switch event {
                case .chunk(var bytes): body.writeBuffer(&bytes)
                case .usage(let report): usage = report
                case .end:
                    ledger.finish(status: head.status, usage: usage)
                    return (Response(status: HTTPResponse.Status(code: head.status), headers: headers, body: ResponseBody(byteBuffer: body)), false)
                case .failure(let error): return (ledger.failed(error).response, false)
                case .head: break
                }
            }
            pending = await dispatched.events.next()[...]
            if pending.isEmpty { throw GatewayError.workerLost(dispatched.target.provider) }
        }
    }
}
