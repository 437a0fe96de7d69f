import NIOCore
import Shared
import Synchronization

/// The front's end of one worker's socket: many requests multiplexed over one connection.
///
/// Requests get ids from a counter; frames coming back are routed to that request's `ResponseEvents`.
/// When the connection drops (the worker crashed or was killed), every request still waiting gets a
/// `worker_lost` failure at once, so no client hangs on a dead worker.
final class WorkerConnection: Sendable {
    let provider: String
    let channel: any Channel
    private struct State {
        var nextID: UInt32 = 1
        var pending: [UInt32: ResponseEvents] = [:]
        var closed = false
        var rateStatus = RateStatus()
        var rateStatusAt = 0.0
    }

    private let state = Mutex(State())

    init(provider: String, channel: any Channel) {
        self.provider = provider
        self.channel = channel
    }

    /// Sends a request; its answer arrives on the returned queue.
    func submit(_ call: UpstreamCall) -> (id: UInt32, events: ResponseEvents) {
        let events = ResponseEvents()
        let id: UInt32? = state.withLock { state in
            guard !state.closed else { return nil }
            let id = state.nextID
            state.nextID = id == UInt32.max ? 1 : id + 1
            state.pending[id] = events
            return id
        }
        guard let id else {
            events.push(.failure(.workerLost(provider)))
            return (0, events)
        }
        channel.writeFrames([.request(id: id, call)], capacity: call.body.readableBytes + call.model.utf8.count + 32)
        return (id, events)
    }

    /// Tells the worker to abort a request whose client went away.
    func cancel(id: UInt32) {
        let known = state.withLock { $0.pending.removeValue(forKey: id) != nil }
        guard known else { return }
        send(.cancel(id: id))
    }

    func send(_ frame: WorkerFrame) {
        channel.writeFrames([frame], capacity: 64)
    }

    var inFlight: Int { state.withLock { $0.pending.count } }

    /// Keeps the worker's latest rate-limit report, and when it came.
    func received(_ report: RateStatus) {
        let now = MonotonicClock.seconds()
        state.withLock {
            $0.rateStatus = report
            $0.rateStatusAt = now
        }
    }

    /// The worker's last report and how many seconds ago it came.
    func rateReport(now: Double) -> (report: RateStatus, age: Double) {
        let (status, at) = state.withLock { ($0.rateStatus, $0.rateStatusAt) }
        return (status, now - at)
    }

    /// Routes a response frame to its request (event loop).
    func deliver(id: UInt32, _ event: ResponseEvent) {
        let events = state.withLock { state in
            event.isTerminal ? state.pending.removeValue(forKey: id) : state.pending[id]
        }
        events?.push(event)
    }

    /// Fails everything in flight: the worker is gone.
    func closed() {
        let orphans = state.withLock { state in
            state.closed = true
            defer { state.pending.removeAll() }
            return Array(state.pending.values)
        }
        for events in orphans {
            events.push(.failure(.workerLost(provider)))
        }
    }

    func close() {
        channel.close(promise: nil)
    }
}

/// Reads frames from a worker and feeds its `WorkerConnection` and supervisor slot.
final class WorkerChannelHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = WorkerFrame

    private let connection: WorkerConnection
    private let config: ProviderConfig
    private let onReady: @Sendable (WorkerConnection, WorkerStatus) -> Void
    private let onPong: @Sendable (UInt32) -> Void

    init(
        connection: WorkerConnection, config: ProviderConfig,
        onReady: @escaping @Sendable (WorkerConnection, WorkerStatus) -> Void,
        onPong: @escaping @Sendable (UInt32) -> Void
    ) {
        self.connection = connection
        self.config = config
        self.onReady = onReady
        self.onPong = onPong
    }

    func channelActive(context: ChannelHandlerContext) {
        connection.send(.configure(config))
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .ready(let status): onReady(connection, status)
        case .head(let id, let head): connection.deliver(id: id, .head(head))
        case .chunk(let id, let bytes): connection.deliver(id: id, .chunk(bytes))
        case .end(let id): connection.deliver(id: id, .end)
        case .failure(let id, let error): connection.deliver(id: id, .failure(error))
        case .pong(let nonce): onPong(nonce)
        case .rateStatus(let status): connection.received(status)
        case .usage(let id, let report): connection.deliver(id: id, .usage(report))
        case .configure, .request, .cancel, .ping: break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection.closed()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
