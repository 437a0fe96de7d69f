import Glibc
import Shared

/// One prepared request on its way to an upstream, with everything its answer needs.
///
/// `@unchecked Sendable`: its translator is mutable per-request state and its `onFinish` runs the
/// rate limiter, but an exchange lives on the worker's one thread (`WorkerLoop`).
struct UpstreamExchange: @unchecked Sendable {
    var id: UInt32
    var provider: String
    var request: PreparedRequest
    var clientWantsStream: Bool
    var timeouts: UpstreamTimeouts
    var maxAnswerBytes: Int
    var mapError: @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError
    var responseModel: String?
    /// Told how the exchange ended, on the worker's thread.
    var onFinish: (TransferOutcome) -> Void

    func answer() -> UpstreamAnswer {
        UpstreamAnswer(
            id: id, provider: provider, request: request, clientWantsStream: clientWantsStream, mapError: mapError,
            responseModel: responseModel, maxAnswerBytes: maxAnswerBytes
        )
    }
}

/// Where prepared requests go: libcurl to a real upstream (`CurlEngine`), or the offline demo
/// (`DemoUpstream`). Both feed an `UpstreamAnswer`, so answers are handled the same way. The worker's
/// loop waits through its transport, so one thread serves the front's socket and every upstream one.
protocol UpstreamTransport: Sendable {
    func start(_ exchange: UpstreamExchange)
    /// Aborts an exchange whose client went away. Nothing more is sent for it.
    func cancel(id: UInt32)
    /// Sleeps until the front's socket (`front`) has one of `events`, this transport has work, or
    /// `milliseconds` passed; returns the events the front's socket has.
    func wait(front: Int32, events: Int16, milliseconds: Int32) -> Int16
    /// Moves every exchange along; returns how many milliseconds the loop may sleep before the next call.
    func advance() -> Int32
}

extension UpstreamTransport {
    func wait(front: Int32, events: Int16, milliseconds: Int32) -> Int16 {
        FrontPoll.wait(front: front, events: events, milliseconds: milliseconds)
    }

    func advance() -> Int32 { 1000 }
}

/// Waiting on the front's socket alone (a transport with no sockets of its own, or no transport yet).
enum FrontPoll {
    static func wait(front: Int32, events: Int16, milliseconds: Int32) -> Int16 {
        var descriptor = pollfd(fd: front, events: events, revents: 0)
        return poll(&descriptor, 1, milliseconds) > 0 ? descriptor.revents : 0
    }
}
