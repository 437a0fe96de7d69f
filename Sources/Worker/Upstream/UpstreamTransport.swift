import Shared

/// One prepared request on its way to an upstream, with everything its answer needs.
///
/// `@unchecked Sendable`: its translator is mutable per-request state, but an exchange is handed from
/// the event loop to its transport once and used only there after that.
struct UpstreamExchange: @unchecked Sendable {
    var id: UInt32
    var provider: String
    var request: PreparedRequest
    var clientWantsStream: Bool
    var timeouts: UpstreamTimeouts
    var maxAnswerBytes: Int
    var mapError: @Sendable (Int, [UInt8], [HTTPHeader]) -> GatewayError
    var responseModel: String?
    /// Told how the exchange ended, on the worker's event loop.
    var onFinish: @Sendable (TransferOutcome) -> Void

    func answer() -> UpstreamAnswer {
        UpstreamAnswer(
            id: id, provider: provider, request: request, clientWantsStream: clientWantsStream, mapError: mapError,
            responseModel: responseModel, maxAnswerBytes: maxAnswerBytes
        )
    }
}

/// Where prepared requests go: libcurl to a real upstream (`CurlEngine`), or the offline demo
/// (`DemoUpstream`). Both feed an `UpstreamAnswer`, so answers are handled the same way.
protocol UpstreamTransport: Sendable {
    func start(_ exchange: UpstreamExchange)
    /// Aborts an exchange whose client went away. Nothing more is sent for it.
    func cancel(id: UInt32)
}
