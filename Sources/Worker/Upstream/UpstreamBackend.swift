import FoundationEssentials
import Shared

/// Serves a worker's requests: translates each with the provider's dialect, spends the provider's
/// budget through its `RateLimiter` (which also picks the key), and hands it to the transport
/// (libcurl, or the offline demo).
///
/// Confined to the worker's one thread (`WorkerLoop`), which makes every call.
final class UpstreamBackend {
    private let config: ProviderConfig
    private let dialect: any Dialect
    private let transport: any UpstreamTransport
    private let link: FrontLink
    private let keys: [String]
    private let limiter: RateLimiter

    init(
        config: ProviderConfig, dialect: any Dialect, transport: any UpstreamTransport, keys: [String], link: FrontLink,
        timers: LoopTimers
    ) {
        self.config = config
        self.dialect = dialect
        self.transport = transport
        self.link = link
        self.keys = keys
        limiter = RateLimiter(config: config, keyCount: max(1, keys.count), timers: timers) { status in
            link.send(.rateStatus(status))
        }
    }

    func start(id: UInt32, call: UpstreamCall) {
        let request: PreparedRequest
        do {
            request = try dialect.prepare(call)
        } catch {
            link.send([.failure(id: id, error)])
            return
        }
        let limiter = self.limiter
        let tokens = limiter.countsTokens ? Self.estimatedTokens(call) : 0
        limiter.acquire(
            id: id, model: call.model, tokens: tokens,
            admit: { ticket in self.run(id: id, call: call, request: request, ticket: ticket) },
            reject: { error in self.link.send([.failure(id: id, error)]) }
        )
    }

    func cancel(id: UInt32) {
        limiter.cancel(id: id)
        transport.cancel(id: id)
    }

    private func run(id: UInt32, call: UpstreamCall, request: PreparedRequest, ticket: RateLimiter.Ticket) {
        var request = request
        if !keys.isEmpty { request.headers += dialect.credentials(keys[ticket.key % keys.count]) }
        let dialect = self.dialect
        let limiter = self.limiter
        transport.start(
            UpstreamExchange(
                id: id, provider: config.name, request: request, clientWantsStream: call.stream, timeouts: config.timeouts,
                maxAnswerBytes: config.maxAnswerBytes,
                mapError: { dialect.mapError(status: $0, body: $1, headers: $2) }, responseModel: call.responseModel,
                onFinish: { outcome in
                    limiter.finish(
                        ticket, tokens: outcome.tokens, signals: UpstreamRateSignals(status: outcome.status, headers: outcome.headers),
                        quota: outcome.quotaExhausted
                    )
                }
            )
        )
    }

    /// A request's token reservation before its usage is known: about four bytes a prompt token, plus
    /// the output it may produce.
    static func estimatedTokens(_ call: UpstreamCall) -> Int {
        struct Limit: Decodable {
            var max_tokens: Int?
            var max_completion_tokens: Int?
        }
        let limit = try? JSONDecoder().decode(Limit.self, from: Data(call.body.readableBytesView))
        return call.body.readableBytes / 4 + (limit?.max_completion_tokens ?? limit?.max_tokens ?? 256)
    }
}
