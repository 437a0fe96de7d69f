import Logging
import NIOCore
import Shared

/// Closes a client connection that takes too long to send its request head or body, or sits idle too
/// long between requests, so slow or idle clients cannot hold the gateway's sockets. It sits first in
/// the connection's pipeline to see the first byte of each request; `HTTPConnectionHandler`, after the
/// HTTP decoder, tells it when a head or a whole request has been read and when an answer is written.
///
/// It also delays the "stop" a shutting-down gateway sends each connection by `drainGrace`, so a
/// request already sent on an idle keep-alive connection is read and answered, not reset.
final class ClientDeadlines: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private var phases: ConnectionPhases
    private var deadline = LazyDeadline()
    private let metrics: FrontDoorMetrics
    private let logger: Logger
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?

    init(door: FrontDoorConfig, metrics: FrontDoorMetrics, logger: Logger) {
        phases = ConnectionPhases(timeouts: door)
        self.metrics = metrics
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        apply(phases.opened)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        apply(phases.bytesArrived())
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent, phases.timeouts.drainGrace > 0 else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(phases.timeouts.drainGrace * 1e9))) { [self] in
            // The connection may have closed meanwhile: then there is nothing left to stop.
            self.context?.fireUserInboundEventTriggered(event)
        }
    }

    func headRead() { apply(phases.headRead()) }
    func requestRead() { apply(phases.requestRead()) }
    func answerWritten() { apply(phases.answerWritten()) }

    private func apply(_ change: ConnectionPhases.Deadline) {
        let due: Double?
        switch change {
        case .keep: return
        case .cancel: due = nil
        case .after(let seconds): due = MonotonicClock.seconds() + seconds
        }
        if case .schedule(let time) = deadline.set(due) { setTimer(at: time) }
    }

    /// No deadline runs any more, and no timer is left.
    private func stop() {
        timer?.cancel()
        timer = nil
        deadline = LazyDeadline()
    }

    private func setTimer(at time: Double) {
        timer?.cancel()
        guard let context else { return }
        let delay = TimeAmount.nanoseconds(Int64(max(0, time - MonotonicClock.seconds()) * 1e9))
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: delay) { [self] in
            timer = nil
            switch deadline.fired(now: MonotonicClock.seconds()) {
            case .nothing:
                return
            case .again(let time):
                setTimer(at: time)
            case .expired:
                guard let context = self.context else { return }
                let phase = phases.phase
                metrics.timedOut(phase)
                logger.debug("closing a connection that took too long (\(phase.rawValue) timeout)")
                context.close(promise: nil)
            }
        }
    }
}
