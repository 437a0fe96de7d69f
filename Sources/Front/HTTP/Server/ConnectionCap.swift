import CProcessShims
import Dispatch
import Logging
import NIOCore

/// Caps open client connections on the listening socket: past the cap a new connection is closed the
/// moment it is accepted, so a flood of idle sockets can never exhaust the gateway's file descriptors
/// (the worker sockets, the database and established streams keep theirs). Logs when the cap is
/// reached and when it is left, and counts every refusal. Once a crowd of connections has gone, it
/// hands the heap they used back to the kernel (`HeapReturn`).
final class ConnectionCap: ChannelInboundHandler {
    typealias InboundIn = any Channel
    typealias InboundOut = any Channel

    /// Sent down the listener's pipeline when the gateway stops: from then on every new connection is
    /// closed when accepted, never handed on: a stopping gateway answers what it was sent, nothing new.
    struct StopAccepting: Sendable {}

    private var stopping = false

    private var state: ConnectionCapState
    private var heap = HeapReturn()
    private let metrics: FrontDoorMetrics
    private let logger: Logger

    init(cap: Int, metrics: FrontDoorMetrics, logger: Logger) {
        state = ConnectionCapState(cap: cap)
        self.metrics = metrics
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let connection = unwrapInboundIn(data)
        guard !stopping else {
            connection.close(promise: nil)
            return
        }
        switch state.accepted() {
        case .refuse(let firstOfEpisode):
            connection.close(promise: nil)
            metrics.refused()
            if firstOfEpisode {
                logger.warning(
                    "\(state.cap) client connections open, the cap: closing new ones until one ends ([server] max_connections)")
            }
        case .serve:
            metrics.open(state.open)
            heap.opened(open: state.open)
            let loopBound = NIOLoopBound((handler: self, context: context), eventLoop: context.eventLoop)
            connection.closeFuture.hop(to: context.eventLoop).whenComplete { _ in
                loopBound.value.handler.closed(context: loopBound.value.context)
            }
            context.fireChannelRead(data)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is StopAccepting {
            stopping = true
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func closed(context: ChannelHandlerContext) {
        if let refused = state.closed() {
            logger.notice("below the connection cap again after closing \(refused) new connection(s)")
        }
        metrics.open(state.open)
        if heap.closed(open: state.open) {
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            context.eventLoop.scheduleTask(in: Self.trimDelay) {
                let handler = loopBound.value
                handler.heap.trimmed(open: handler.state.open)
                // Off the event loop: the pass over the heap takes milliseconds after a large crowd.
                DispatchQueue.global(qos: .utility).async { orchestra_return_free_heap() }
            }
        }
    }

    /// How long after the first close of a crowd the heap is trimmed; the rest of it closes meanwhile.
    static let trimDelay = TimeAmount.seconds(1)
}
