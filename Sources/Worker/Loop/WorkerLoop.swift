import CProcessShims
import Glibc
import Logging
import Shared

/// The worker's life, on one thread: connect to the front, wait for `configure`, then serve frames
/// until the front goes away. Each round sleeps in one wait over the front's socket and every
/// upstream socket (`UpstreamTransport.wait`), then reads the front's frames, runs the timers that are
/// due, moves the transfers along and writes what they produced in one `write(2)`. A request crosses
/// no thread inside the worker, and an idle worker runs no thread but this one.
final class WorkerLoop {
    private let link: FrontLink
    private let timers = LoopTimers()
    private let dispatcher: FrameDispatcher
    private let logger: Logger

    init(socketPath: String, provider: String, passedKey: String?) throws {
        var logger = Logger(label: "orchestra-worker.\(provider)")
        logger.logLevel = .info
        link = try FrontLink(connectingTo: socketPath)
        dispatcher = FrameDispatcher(link: link, timers: timers, passedKey: passedKey, logger: logger)
        self.logger = logger
    }

    /// Serves until the front closes the socket (or it fails), then ends the process.
    func run() -> Never {
        var transportWait: Int32 = 1000
        do {
            while true {
                let now = MonotonicClock.seconds()
                let timerWait = timers.nextDue.map { Int32(max(0, min(1000, (($0 - now) * 1000).rounded(.up)))) } ?? 1000
                let wanted = Int16(POLLIN) | (link.hasUnsent ? Int16(POLLOUT) : 0)
                let milliseconds = min(transportWait, timerWait)
                let events =
                    dispatcher.transport?.wait(front: link.descriptor, events: wanted, milliseconds: milliseconds)
                    ?? FrontPoll.wait(front: link.descriptor, events: wanted, milliseconds: milliseconds)
                if events & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
                    try link.receive { dispatcher.handle($0) }
                }
                for work in timers.takeDue(now: MonotonicClock.seconds()) { work() }
                transportWait = dispatcher.transport?.advance() ?? 1000
                try link.flush()
            }
        } catch {
            // The front is gone (or told us to stop by closing): nothing left to serve.
            if case .failed(let reason) = error { logger.error("connection to the front failed: \(reason)") }
            exit(0)
        }
    }
}

/// Receives frames from the front and hands them to the provider's backend.
final class FrameDispatcher {
    private let link: FrontLink
    private let timers: LoopTimers
    private let logger: Logger
    private let passedKey: String?
    private var backend: UpstreamBackend?
    /// Where the backend's requests go, once configured; the loop waits through it.
    private(set) var transport: (any UpstreamTransport)?

    init(link: FrontLink, timers: LoopTimers, passedKey: String?, logger: Logger) {
        self.link = link
        self.timers = timers
        self.passedKey = passedKey
        self.logger = logger
    }

    func handle(_ frame: WorkerFrame) {
        switch frame {
        case .configure(let config):
            configure(config)
        case .request(let id, let call):
            guard let backend else {
                link.send(.failure(id: id, .providerUnavailable("worker", reason: "not configured yet")))
                return
            }
            backend.start(id: id, call: call)
        case .cancel(let id):
            backend?.cancel(id: id)
        case .ping(let nonce):
            link.send(.pong(nonce: nonce))
        case .ready, .pong, .head, .chunk, .end, .failure, .rateStatus, .usage:
            logger.warning("unexpected frame from the front")
        }
    }

    private func configure(_ config: ProviderConfig) {
        guard backend == nil else { return logger.warning("configured twice; the first configuration stays") }
        let key = KeyLoader.load(config.key, provider: config.name, passed: passedKey)
        let dialect: any Dialect
        let transport: any UpstreamTransport
        switch config.dialect {
        case .demo:
            dialect = DemoDialect(config: config)
            transport = DemoUpstream(link: link, timers: timers)
        case .openai, .gemini, .anthropic:
            dialect =
                switch config.dialect {
                case .gemini: GeminiDialect(config: config)
                case .anthropic: AnthropicDialect(config: config)
                default: OpenAIDialect(config: config)
                }
            transport = CurlEngine(link: link)
        }
        self.transport = transport
        backend = UpstreamBackend(config: config, dialect: dialect, transport: transport, keys: key.keys, link: link, timers: timers)
        logger.info(
            "configured",
            metadata: ["key": "\(config.key == .none ? "not needed" : (key.value == nil ? "missing" : "present"))"]
        )
        link.send(
            .ready(
                WorkerStatus(
                    pid: getpid(), keyPresent: key.value != nil || config.key == .none, keyProblem: key.problem,
                    keyFingerprint: KeyFingerprint.of(key.keys))))
        // What configuring freed (the configuration's JSON, the key files' reads) goes back to the kernel:
        // ten idle workers would keep it resident ten times. So does the code only start-up ran.
        orchestra_return_free_heap()
        _ = orchestra_release_code_pages()
    }
}
