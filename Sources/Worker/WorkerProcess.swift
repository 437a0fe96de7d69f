import Glibc
import Logging
import NIOCore
import NIOPosix
import Shared

/// The worker's life: connect to the front, wait for `configure`, then dispatch frames to the backend.
final class WorkerProcess: Sendable {
    private let channel: any Channel
    private let group: MultiThreadedEventLoopGroup

    init(socketPath: String, provider: String, passedKey: String?) throws {
        var logger = Logger(label: "orchestra-worker.\(provider)")
        logger.logLevel = .info
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loggerCopy = logger
        let channel = try ClientBootstrap(group: group)
            .channelOption(.socketOption(.so_keepalive), value: 0)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (framer, decoder) = WorkerFramePipeline.handlers()
                    let link = FrontLink(channel: channel)
                    try channel.pipeline.syncOperations.addHandlers([
                        framer, decoder, FrameDispatcher(link: link, passedKey: passedKey, logger: loggerCopy),
                    ])
                }
            }
            .connect(unixDomainSocketPath: socketPath)
            .wait()
        self.channel = channel
        self.group = group
    }

    func runUntilFrontCloses() {
        try? channel.closeFuture.wait()
        // The front is gone (or told us to stop by closing): nothing left to serve.
        exit(0)
    }
}

/// Receives frames from the front on the event loop and hands them to the provider's backend.
final class FrameDispatcher: ChannelInboundHandler {
    typealias InboundIn = WorkerFrame

    private let link: FrontLink
    private let logger: Logger
    private let passedKey: String?
    private var backend: UpstreamBackend?

    init(link: FrontLink, passedKey: String?, logger: Logger) {
        self.link = link
        self.passedKey = passedKey
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .configure(let config):
            configure(config, eventLoop: context.eventLoop)
        case .request(let id, let call):
            guard let backend else {
                link.send([.failure(id: id, .providerUnavailable("worker", reason: "not configured yet"))])
                return
            }
            backend.start(id: id, call: call)
        case .cancel(let id):
            backend?.cancel(id: id)
        case .ping(let nonce):
            link.send([.pong(nonce: nonce)])
        case .ready, .pong, .head, .chunk, .end, .failure, .rateStatus, .usage:
            logger.warning("unexpected frame from the front")
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.error("connection to the front failed: \(error)")
        context.close(promise: nil)
    }

    private func configure(_ config: ProviderConfig, eventLoop: any EventLoop) {
        let key = KeyLoader.load(config.key, provider: config.name, passed: passedKey)
        let dialect: any Dialect
        let transport: any UpstreamTransport
        switch config.dialect {
        case .demo:
            dialect = DemoDialect(config: config)
            transport = DemoUpstream(link: link, eventLoop: eventLoop)
        case .openai, .gemini, .anthropic:
            dialect =
                switch config.dialect {
                case .gemini: GeminiDialect(config: config)
                case .anthropic: AnthropicDialect(config: config)
                default: OpenAIDialect(config: config)
                }
            transport = CurlEngine(link: link, eventLoop: eventLoop)
        }
        backend = UpstreamBackend(config: config, dialect: dialect, transport: transport, keys: key.keys, link: link, eventLoop: eventLoop)
        logger.info(
            "configured",
            metadata: ["key": "\(config.key == .none ? "not needed" : (key.value == nil ? "missing" : "present"))"]
        )
        link.send([
            .ready(
                WorkerStatus(
                    pid: getpid(), keyPresent: key.value != nil || config.key == .none, keyProblem: key.problem,
                    keyFingerprint: KeyFingerprint.of(key.keys)))
        ])
    }
}
