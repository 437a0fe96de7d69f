import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The gateway's HTTP/1 server: Hummingbird's router behind NIO's HTTP/1 pipeline, each request
/// served from the pipeline (`HTTPConnectionHandler`), and the front door guarded on every connection:
/// the connection cap on the listener (`ConnectionCap`), header, body and idle deadlines on each
/// connection (`ClientDeadlines`), and a graceful stop that refuses new connections first, then answers
/// every request already sent.
/// It binds `[server] listen`, or serves a listening socket handed over by systemd (socket activation).
struct GatewayHTTPServer<Responder: HTTPResponder>: Service where Responder.Context == GatewayRequestContext {
    /// Where connections come from.
    enum Listener: Sendable {
        case address(host: String, port: Int)
        /// A listening socket passed by systemd.
        case socket(Int32)
    }

    let listener: Listener
    let responder: Responder
    let door: FrontDoorConfig
    let connectionCap: Int
    let metrics: FrontDoorMetrics
    let logger: Logger
    /// The largest request body any route reads (`[server] max_body_bytes`, the admin API's limit):
    /// gathering stops one byte past it, enough for the route to refuse the body.
    let bodyLimit: Int
    let onServerRunning: @Sendable (any Channel) async -> Void

    func run() async throws {
        let serving = RequestServing(responder: responder, dates: HTTPDateCache(), logger: logger)
        let bodyLimit = self.bodyLimit
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let (door, cap, metrics, logger) = (self.door, connectionCap, self.metrics, self.logger)
        // NIO's limits (80 KiB a field and for them all) with Hummingbird's cap on how many fields.
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldCount = 1000
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    try handlers.addHandler(ConnectionCap(cap: cap, metrics: metrics, logger: logger))
                    try handlers.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handlers = channel.pipeline.syncOperations
                    let deadlines = ClientDeadlines(door: door, metrics: metrics, logger: logger)
                    try handlers.addHandler(deadlines)
                    try handlers.configureHTTPServerPipeline(
                        withPipeliningAssistance: true, withErrorHandling: false, withOutboundHeaderValidation: false,
                        withEncoderConfiguration: .init(), withDecoderLimitConfiguration: decoderLimits)
                    try handlers.addHandler(HTTPConnectionHandler(serving: serving, bodyLimit: bodyLimit, deadlines: deadlines))
                }
            }
        let server: any Channel
        switch listener {
        case .address(let host, let port):
            server = try await bootstrap.bind(host: host, port: port).get()
        case .socket(let socket):
            server = try await bootstrap.withBoundSocket(socket).get()
        }
        await onServerRunning(server)
        // Stop accepting at once (new connections are closed when accepted), then close the listener;
        // each connection closes once the requests it has been sent are answered, and the server has
        // stopped when the last one has closed.
        let stopped = server.eventLoop.makePromise(of: Void.self)
        let stopping = FirstCall()
        let stop: @Sendable () -> Void = {
            guard stopping.isFirst() else { return }
            server.pipeline.fireUserInboundEventTriggered(ConnectionCap.StopAccepting())
            quiescing.initiateShutdown(promise: stopped)
        }
        try await withTaskCancellationHandler {
            try await withGracefulShutdownHandler {
                try await stopped.futureResult.get()
            } onGracefulShutdown: {
                stop()
            }
        } onCancel: {
            stop()
        }
    }
}

/// Tells the first of several calls (a graceful stop, then a cancellation) from the rest.
private final class FirstCall: Sendable {
    private let called = Mutex(false)

    func isFirst() -> Bool {
        called.withLock { called in
            defer { called = true }
            return !called
        }
    }
}
