import Glibc
import Logging
import NIOCore
import NIOPosix
import Shared
import Synchronization

/// One provider's place in the supervisor: its socket, its process, its connection, and the
/// `WorkerLifecycle` that decides when to (re)start it. This is the thin shell around the pure state
/// machine: it turns process exits, timers and pings into events, and actions into syscalls.
final class WorkerSlot: Sendable {
    let config: ProviderConfig
    let socketPath: String
    private let policy: SupervisorConfig
    private let workerBinary: String
    private let environment: [String]
    private let keyDescriptor: Int32?
    private let logger: Logger

    /// What routing and `/health` need to know, read in one lock.
    struct Snapshot: Sendable {
        var state: WorkerLifecycle.State
        var connection: WorkerConnection?
        var status: WorkerStatus?
        var reason: String?
        var retryAfter: Double?
        var restarts: Int
        var pid: Int32?
    }

    private struct Guarded {
        var lifecycle: WorkerLifecycle
        var process: ChildProcess?
        var connection: WorkerConnection?
        var status: WorkerStatus?
        var timers: [Double] = []
        var server: (any Channel)?
        var everReady = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextWaiter: UInt64 = 0
    }

    private let guarded: Mutex<Guarded>
    private let onChange: @Sendable () -> Void

    init(
        config: ProviderConfig, socketPath: String, policy: SupervisorConfig, workerBinary: String,
        environment: [String], keyDescriptor: Int32?, logger: Logger, onChange: @escaping @Sendable () -> Void
    ) {
        self.config = config
        self.socketPath = socketPath
        self.policy = policy
        self.workerBinary = workerBinary
        self.environment = environment
        self.keyDescriptor = keyDescriptor
        self.logger = logger
        self.onChange = onChange
        self.guarded = Mutex(Guarded(lifecycle: WorkerLifecycle(policy: policy)))
    }

    var snapshot: Snapshot {
        let now = MonotonicClock.seconds()
        return guarded.withLock { guarded in
            Snapshot(
                state: guarded.lifecycle.state,
                connection: guarded.lifecycle.state == .ready ? guarded.connection : nil,
                status: guarded.status, reason: guarded.lifecycle.lastFailure,
                retryAfter: guarded.lifecycle.retryAfter(now: now), restarts: guarded.lifecycle.totalRestarts,
                pid: guarded.process?.pid
            )
        }
    }

    var everReady: Bool { guarded.withLock { $0.everReady } }
    var isStopped: Bool { guarded.withLock { $0.lifecycle.state == .stopped } }
    var inFlight: Int { guarded.withLock { $0.connection?.inFlight ?? 0 } }

    // MARK: Life

    /// Listens on this slot's socket (the worker connects to it), then starts the worker.
    func start(group: any EventLoopGroup) async throws {
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
                            onReady: { connection, status in self.connectionReady(connection, status: status) },
                            onPong: { nonce in self.pongReceived(nonce) }
                        ),
                    ])
                    channel.closeFuture.whenComplete { _ in self.connectionClosed(connection) }
                }
            }
            .bind(unixDomainSocketPath: socketPath, cleanupExistingSocketFile: true)
            .get()
        // Only this user may talk to a worker socket (the directory is private too).
        chmod(socketPath, 0o600)
        guarded.withLock { $0.server = server }
        handle(.start)
    }

    /// Turns what happened since the last tick (exits, due timers, time passing) into events.
    func tick(now: Double) {
        var events: [WorkerLifecycle.Event] = []
        guarded.withLock { guarded in
            if let process = guarded.process, let exit = process.poll() {
                guarded.process = nil
                guarded.connection = nil
                events.append(.exited(exit.description))
            }
            let due = guarded.timers.filter { $0 <= now }
            if !due.isEmpty {
                guarded.timers.removeAll { $0 <= now }
                events.append(.timerFired)
            }
        }
        events.append(.tick)
        for event in events {
            if case .exited(let how) = event {
                if guarded.withLock({ $0.lifecycle.state == .stopping }) {
                    logger.info("worker stopped", metadata: ["provider": "\(config.name)", "exit": "\(how)"])
                } else {
                    logger.warning("worker exited", metadata: ["provider": "\(config.name)", "exit": "\(how)"])
                }
            }
            handle(event, now: now)
        }
    }

    /// Stops the worker (SIGTERM, then SIGKILL after the grace period); `isStopped` turns true when it is gone.
    func stop() {
        handle(.stop)
        guarded.withLock { $0.server }?.close(promise: nil)
    }

    /// Kills the worker at once (shutdown ran out of time).
    func kill() {
        guarded.withLock { $0.process }?.signal(SIGKILL)
    }

    /// Waits until the worker is ready or `timeout` passes. Returns whether it is ready.
    func waitUntilReady(timeout: Double) async -> Bool {
        if snapshot.connection != nil { return true }
        let id = guarded.withLock { guarded -> UInt64 in
            guarded.nextWaiter += 1
            return guarded.nextWaiter
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(timeout))
            self.resumeWaiter(id)
        }
        await withCheckedContinuation { continuation in
            let ready = guarded.withLock { guarded -> Bool in
                if guarded.lifecycle.state == .ready && guarded.connection != nil { return true }
                guarded.waiters[id] = continuation
                return false
            }
            if ready { continuation.resume() }
        }
        timer.cancel()
        return snapshot.connection != nil
    }

    private func resumeWaiter(_ id: UInt64) {
        guarded.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }

    // MARK: Events and actions

    private func handle(_ event: WorkerLifecycle.Event, now: Double = MonotonicClock.seconds()) {
        let (actions, moved) = guarded.withLock { guarded in
            let before = guarded.lifecycle.state
            return (guarded.lifecycle.handle(event, now: now), guarded.lifecycle.state != before)
        }
        for action in actions {
            perform(action, now: now)
        }
        // Ticks and pongs come many times a second: only a change of state is news.
        let routine = event == .tick || { if case .pongReceived = event { return true } else { return false } }()
        if moved || !routine { onChange() }
    }

    private func perform(_ action: WorkerLifecycle.Action, now: Double) {
        switch action {
        case .spawn:
            do {
                let process = try ChildProcess.spawn(
                    path: workerBinary,
                    arguments: ["--socket", socketPath, "--provider", config.name] + (keyDescriptor == nil ? [] : ["--key-fd", "3"]),
                    environment: environment, keyDescriptor: keyDescriptor
                )
                guarded.withLock { $0.process = process }
                logger.info("worker started", metadata: ["provider": "\(config.name)", "pid": "\(process.pid)"])
                handle(.spawned, now: now)
            } catch {
                logger.error("worker could not start", metadata: ["provider": "\(config.name)", "error": "\(error)"])
                handle(.spawnFailed("\(error)"), now: now)
            }
        case .kill:
            let (process, stopping) = guarded.withLock { ($0.process, $0.lifecycle.state == .stopping) }
            if stopping {
                logger.warning("worker did not stop in time; killing it", metadata: ["provider": "\(config.name)"])
            } else {
                logger.warning("killing worker", metadata: ["provider": "\(config.name)", "reason": "\(snapshot.reason ?? "")"])
            }
            process?.signal(SIGKILL)
        case .terminate:
            guarded.withLock { $0.process }?.signal(SIGTERM)
        case .ping(let nonce):
            guarded.withLock { $0.connection }?.send(.ping(nonce: nonce))
        case .scheduleTimer(let at):
            guarded.withLock { $0.timers.append(at) }
        }
    }

    private func connectionReady(_ connection: WorkerConnection, status: WorkerStatus) {
        let previous = guarded.withLock { guarded in
            let previous = guarded.connection.flatMap { $0 === connection ? nil : $0 }
            guarded.connection = connection
            guarded.status = status
            guarded.everReady = true
            return previous
        }
        previous?.close()
        handle(.readyReceived)
        let waiters = guarded.withLock { guarded in
            defer { guarded.waiters.removeAll() }
            return guarded.waiters
        }
        waiters.values.forEach { $0.resume() }
        logger.info(
            "worker ready",
            metadata: [
                "provider": "\(config.name)", "pid": "\(status.pid)",
                "key": "\(config.key == .none ? "not needed" : (status.keyPresent ? "present" : "missing"))",
            ]
        )
    }

    private func pongReceived(_ nonce: UInt32) {
        handle(.pongReceived(nonce))
    }

    private func connectionClosed(_ connection: WorkerConnection) {
        guarded.withLock { guarded in
            if guarded.connection === connection { guarded.connection = nil }
        }
    }
}

extension WorkerSlot {
    /// Whether this worker can answer now, and if not why.
    var availability: Availability {
        let snapshot = snapshot
        let now = MonotonicClock.seconds()
        return Availability(
            state: snapshot.state, connected: snapshot.connection != nil, status: snapshot.status, keySource: config.key,
            lastFailure: snapshot.reason, restarts: snapshot.restarts, pid: snapshot.pid,
            rate: snapshot.connection?.rateReport(now: now)
        )
    }
}
