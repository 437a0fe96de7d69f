import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// The gateway's HTTP/1 server: Hummingbird's HTTP channel and router on a NIO listener the gateway
/// builds itself, so the front door is guarded on every connection: the connection cap on the
/// listener (`ConnectionCap`), header, body and idle deadlines on each connection (`ClientDeadlines`),
/// and a graceful stop that refuses new connections first, then answers every request already sent.
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
    let onServerRunning: @Sendable (any Channel) async -> Void

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let dates = HTTPDateCache()
        let http1 = HTTP1Channel(
            responder: { request, responseWriter, channel in
                let context = GatewayRequestContext(source: .init(channel: channel, logger: logger))
                var response: Response
                do {
                    response = try await responder.respond(to: request, context: context)
                } catch {
                    response = Response(status: .internalServerError)
                }
                response.headers[.server] = "orchestra"
                response.headers[.date] = dates.now()
                try await responseWriter.write(response: response.head, body: response.body)
            }, configuration: .init(additionalChannelHandlers: [RequestProgress()]))
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let (door, cap, metrics) = (self.door, connectionCap, self.metrics)
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
        let setup: @Sendable (any Channel) -> EventLoopFuture<HTTP1Channel.Value> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    ClientDeadlines(door: door, metrics: metrics, logger: logger), position: .first)
            }.flatMap { http1.setup(channel: channel, logger: logger) }
        }
        let server: NIOAsyncChannel<HTTP1Channel.Value, Never>
        switch listener {
        case .address(let host, let port):
            server = try await bootstrap.bind(host: host, port: port, serverBackPressureStrategy: nil, childChannelInitializer: setup)
        case .socket(let socket):
            server = try await bootstrap.bind(socket, serverBackPressureStrategy: nil, childChannelInitializer: setup)
        }
        await onServerRunning(server.channel)
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { connections in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        connections.addTask { await http1.handle(value: connection, logger: logger) }
                    }
                }
            }
        } onGracefulShutdown: {
            // Stop accepting at once (new connections are closed when accepted); close the listener a
            // moment later, once every connection accepted before has reached the loop above (one dropped
            // half set up would trap in NIO); then each connection closes once the requests it has been
            // sent are answered.
            let listener = server.channel
            listener.pipeline.fireUserInboundEventTriggered(ConnectionCap.StopAccepting())
            listener.eventLoop.scheduleTask(in: .milliseconds(500)) { quiescing.initiateShutdown(promise: nil) }
        }
    }
}
