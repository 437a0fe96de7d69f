import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1

/// Serves the requests of one HTTP/1 connection from inside its channel pipeline: it gathers a
/// request's head and body on the event loop, runs the router (middleware and route) in a task, and
/// writes the answer to the channel (`ChannelResponseWriter`). Hummingbird's own connection loop reads
/// every request part through an async sequence and writes every response part through an async
/// writer, each a task switch; a request here costs one task.
///
/// Requests are answered one at a time: NIO's pipelining assistance holds a pipelined request back
/// until the answer before it has ended. A body larger than `bodyLimit` is not gathered further: the
/// route gets what came so far (its `collect(upTo:)` refuses it) and the rest is read and dropped.
final class HTTPConnectionHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let serving: RequestServing
    private let bodyLimit: Int
    /// Told when a head or a whole request has been read and when an answer has been written.
    private let deadlines: ClientDeadlines
    /// The request being read, until it is handed to the router.
    private var head: HTTPRequest?
    private var body = ByteBuffer()
    /// The body went past the limit: the request went to the router, the rest of the body is dropped.
    private var discarding = false
    /// A request was handed to the router and its answer has not ended yet.
    private var answering = false
    /// Close once the answer in progress has ended (the client asked, half-closed, or sent a body the
    /// decoder could not read).
    private var closeWhenAnswered = false

    init(serving: RequestServing, bodyLimit: Int, deadlines: ClientDeadlines) {
        self.serving = serving
        self.bodyLimit = bodyLimit
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            deadlines.headRead()
            do {
                self.head = try HTTPRequest(head, secure: false, splitCookie: false)
            } catch {
                // A method or target the router's types cannot hold: refused like an unreadable head.
                discarding = true
                refuse(context: context)
            }
        case .body(var part):
            guard !discarding else { return }
            if body.readableBytes == 0 { body = part } else { body.writeBuffer(&part) }
            if body.readableBytes > bodyLimit {
                discarding = true
                answer(context: context)
            }
        case .end:
            deadlines.requestRead()
            if discarding {
                discarding = false
            } else {
                answer(context: context)
            }
        }
    }

    private func answer(context: ChannelHandlerContext) {
        guard let head else { return }
        answer(head, body: RequestBody(buffer: body), context: context)
    }

    private func answer(_ head: HTTPRequest, body: RequestBody, context: ChannelHandlerContext) {
        let request = Request(head: head, body: body)
        self.head = nil
        self.body = ByteBuffer()
        answering = true
        if let connection = head.headerFields.value(.connection), connection.lowercased() == "close" { closeWhenAnswered = true }
        let serving = self.serving
        let channel = context.channel
        Task { await serving.answer(request, on: channel) }
    }

    /// Sees the end of each answer on its way out: the connection is free again, or closes.
    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .end = unwrapOutboundIn(data) else { return context.write(data, promise: promise) }
        deadlines.answerWritten()
        answering = false
        if closeWhenAnswered {
            // Closed once the answer has gone out: a close before that would drop what is still queued.
            let written = promise ?? context.eventLoop.makePromise()
            context.writeAndFlush(data, promise: written)
            let channel = context.channel
            written.futureResult.whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.write(data, promise: promise)
        }
    }

    /// A client that half-closes is answered first, then the connection closes. (A stopping server's
    /// quiesce event never gets here: NIO's pipelining handler acts on it and keeps it.)
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard case ChannelEvent.inputClosed = event else { return context.fireUserInboundEventTriggered(event) }
        if answering || head != nil {
            closeWhenAnswered = true
        } else {
            context.close(promise: nil)
        }
    }

    /// A body the decoder cannot read (broken chunk framing) reaches the route as an error from its
    /// body, which answers it in the client's dialect; a head it cannot read gets a bare 400, as
    /// Hummingbird answers it. Either way the connection then closes; any other error closes it at once.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, !answering, !discarding else { return context.close(promise: nil) }
        if let head {
            closeWhenAnswered = true
            answer(head, body: RequestBody(asyncSequence: FailedBody(error: parseError)), context: context)
        } else {
            refuse(context: context)
        }
    }

    /// A bare 400, then the connection closes.
    private func refuse(context: ChannelHandlerContext) {
        let head = HTTPResponseHead(version: .http1_1, status: .badRequest, headers: ["connection": "close", "content-length": "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// The body of a request whose framing broke: reading it throws the decoder's error.
private struct FailedBody: AsyncSequence, Sendable {
    let error: HTTPParserError

    struct AsyncIterator: AsyncIteratorProtocol {
        let error: HTTPParserError
        func next() async throws -> ByteBuffer? { throw error }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(error: error) }
}

/// What every request of every connection runs, from any thread: the router, then the answer written
/// to the request's channel.
struct RequestServing: Sendable {
    let responder: any HTTPResponder<GatewayRequestContext>
    let dates: HTTPDateCache
    let logger: Logger

    func answer(_ request: Request, on channel: any Channel) async {
        let context = GatewayRequestContext(source: .init(channel: channel, logger: logger))
        var response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            response = Response(status: .internalServerError)
        }
        response.headers[.server] = "orchestra"
        response.headers[.date] = dates.now()
        let writer = ChannelResponseWriter(channel: channel, head: response.head)
        do {
            try await response.body.write(writer)
        } catch {
            logger.trace("could not write an answer: \(error)")
            channel.close(promise: nil)
        }
    }
}
