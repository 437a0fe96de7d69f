import Shared

/// What serves a worker's requests: libcurl against a real upstream, or the offline demo.
protocol RequestBackend: Sendable {
    func start(id: UInt32, call: UpstreamCall)
    func cancel(id: UInt32)
}
