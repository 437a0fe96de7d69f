import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import ServiceLifecycle

/// Serves HTTP on a listening socket handed over by systemd (socket activation), so connections are
/// queued by the kernel while the gateway restarts. Hummingbird's `Application` can only bind an
/// address itself; this runs Hummingbird's own HTTP/1 channel and the same router over NIO's
/// `bind(_ socket:)`, with the same graceful quiescing on shutdown.
struct ActivatedHTTPServer<Responder: HTTPResponder>: Service where Responder.Context == GatewayRequestContext {
    let socket: Int32
    let responder: Responder
    let serverName: String
    let logger: Logger
    let onServerRunning: @Sendable (any Channel) async -> Void

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let serverName = self.serverName
        let http1 = HTTP1Channel(responder: { request, responseWriter, channel in
            let context = GatewayRequestContext(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch {
                response = Response(status: .internalServerError)
            }
            response.headers[.server] = serverName
            try await responseWriter.write(response: response.head, body: response.body)
        })
        let group = MultiThreadedEventLoopGroup.singleton
        let quiescing = ServerQuiescingHelper(group: group)
        let server = try await ServerBootstrap(group: group)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(quiescing.makeServerChannelHandler(channel: channel))
                }
            }
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(socket) { channel in http1.setup(channel: channel, logger: logger) }
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
            // Stop accepting; connections close once their current request is answered.
            quiescing.initiateShutdown(promise: nil)
        }
    }
}
