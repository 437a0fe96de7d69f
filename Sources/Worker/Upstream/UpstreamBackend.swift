import Shared

/// Serves requests by translating them with the provider's dialect and running them on libcurl.
final class UpstreamBackend: RequestBackend {
    private let config: ProviderConfig
    private let dialect: any Dialect
    private let engine: CurlEngine
    private let link: FrontLink

    init(config: ProviderConfig, dialect: any Dialect, link: FrontLink) {
        self.config = config
        self.dialect = dialect
        self.link = link
        self.engine = CurlEngine(link: link)
    }

    func start(id: UInt32, call: UpstreamCall) {
        let request: PreparedRequest
        do {
            request = try dialect.prepare(call)
        } catch {
            link.send([.failure(id: id, error)])
            return
        }
        let dialect = self.dialect
        engine.start(
            CurlTransfer(
                id: id, engine: engine, provider: config.name, request: request, clientWantsStream: call.stream,
                timeouts: config.timeouts, mapError: { dialect.mapError(status: $0, body: $1, headers: $2) }
            )
        )
    }

    func cancel(id: UInt32) {
        engine.cancel(id: id)
    }
}
