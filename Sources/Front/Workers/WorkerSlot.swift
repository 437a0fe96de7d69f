import Logging
import NIOCore
import NIOPosix
import Shared
import Synchronization

/// What the front knows about one provider's worker right now.
enum WorkerState: Sendable {
    case starting
    case ready(WorkerConnection, WorkerStatus)
    case restarting(reason: String)
    case stopped

    var label: String {
        switch self {
        case .starting: return "starting"
        case .ready: return "ready"
        case .restarting: return "restarting"
        case .stopped: return "stopped"
        }
    }
}

/// One provider's place in the supervisor: its socket, its process, its connection and its state.
final class WorkerSlot: Sendable {
    let config: ProviderConfig
    let socketPath: String
    private let logger: Logger

    private struct Guarded {
        var state = WorkerState.starting
        var process: ChildProcess?
        var restarts = 0
        var consecutiveFailures = 0
        var nextSpawnAt: ContinuousClock.Instant?
        var readySince: ContinuousClock.Instant?
        var everReady = false
        var server: (any Channel)?
    }

    private let guarded = Mutex(Guarded())

    init(config: ProviderConfig, socketPath: String, logger: Logger) {
        self.config = config
        self.socketPath = socketPath
        self.logger = logger
    }

    var state: WorkerState { guarded.withLock { $0.state } }
    var restarts: Int { guarded.withLock { $0.restarts } }
    var pid: Int32? { guarded.withLock { $0.process?.pid } }
    var everReady: Bool { guarded.withLock { $0.everReady } }

    /// Listens on this slot's socket; the worker connects to it after it starts.
    func bind(group: any EventLoopGroup, onReady: @escaping @Sendable () -> Void) async throws {
        let config = self.config
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = WorkerConnection(provider: config.name, channel: channel)
                    let (framer, decoder) = WorkerFramePipeline.handlers()
                    try channel.pipeline.syncOperations.addHandlers([
                        framer, decoder,
                        WorkerChannelHandler(
                            connection: connection, config: config,
                            onReady: { connection, status in
                                self.connectionReady(connection, status: status)
                                onReady()
                            },
                            onPong: { _ in }
                        ),
                    ])
                    channel.closeFuture.whenComplete { _ in self.connectionClosed(connection) }
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        guarded.withLock { $0.server = server }
    }

    /// Starts the worker process if it is due to be (re)started.
    func spawnIfDue(workerBinary: String, allProviders: [ProviderConfig], now: ContinuousClock.Instant) {
        let due = guarded.withLock { guarded -> Bool in
            guard guarded.process == nil else { return false }
            if case .stopped = guarded.state { return false }
            if let at = guarded.nextSpawnAt, at > now { return false }
            return true
        }
        guard due else { return }
        do {
            let process = try ChildProcess.spawn(
                path: workerBinary, arguments: ["--socket", socketPath, "--provider", config.name],
                environment: WorkerEnvironment.build(for: config, allProviders: allProviders)
            )
            guarded.withLock {
                $0.process = process
                $0.nextSpawnAt = nil
            }
            logger.info("worker started", metadata: ["provider": "\(config.name)", "pid": "\(process.pid)"])
        } catch {
            logger.error("worker could not start", metadata: ["provider": "\(config.name)", "error": "\(error)"])
            scheduleRestart(reason: "\(error)", now: now)
        }
    }

    /// Reaps the worker if it has exited and schedules its restart with exponential backoff.
    func reap(now: ContinuousClock.Instant) {
        guard let process = guarded.withLock({ $0.process }), let exit = process.poll() else { return }
        guarded.withLock { $0.process = nil }
        if case .stopped = state { return }
        logger.warning("worker exited", metadata: ["provider": "\(config.name)", "pid": "\(process.pid)", "exit": "\(exit)"])
        scheduleRestart(reason: "worker \(exit)", now: now)
    }

    private func scheduleRestart(reason: String, now: ContinuousClock.Instant) {
        guarded.withLock { guarded in
            if let since = guarded.readySince, now - since > .seconds(30) { guarded.consecutiveFailures = 0 }
            guarded.consecutiveFailures += 1
            guarded.restarts += 1
            guarded.readySince = nil
            // 100 ms, 200 ms, 400 ms … capped at 10 s.
            let exponent = min(guarded.consecutiveFailures - 1, 7)
            let delay = Duration.milliseconds(100 * (1 << exponent))
            guarded.nextSpawnAt = now + min(delay, .seconds(10))
            guarded.state = .restarting(reason: reason)
        }
    }

    private func connectionReady(_ connection: WorkerConnection, status: WorkerStatus) {
        let previous = guarded.withLock { guarded -> WorkerConnection? in
            var previous: WorkerConnection?
            if case .ready(let old, _) = guarded.state, old !== connection { previous = old }
            guarded.state = .ready(connection, status)
            guarded.readySince = .now
            guarded.everReady = true
            return previous
        }
        previous?.close()
        logger.info(
            "worker ready",
            metadata: ["provider": "\(config.name)", "pid": "\(status.pid)", "key": "\(status.keyPresent ? "present" : "missing")"]
        )
    }

    private func connectionClosed(_ connection: WorkerConnection) {
        guarded.withLock { guarded in
            if case .ready(let current, _) = guarded.state, current === connection {
                guarded.state = .restarting(reason: "worker connection closed")
            }
        }
    }

    /// Stops the worker: SIGTERM, up to `grace` for it to exit, then SIGKILL.
    func stop(grace: Duration) async {
        let (process, server) = guarded.withLock { guarded in
            guarded.state = .stopped
            return (guarded.process, guarded.server)
        }
        try? await server?.close()
        guard let process else { return }
        process.signal(SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if process.poll() != nil { return }
            try? await Task.sleep(for: .milliseconds(20))
        }
        process.signal(SIGKILL)
        while process.poll() == nil {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
