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

        var label: String {
            switch state {
            case .idle, .starting: return "starting"
            case .ready: return connection == nil ? "starting" : "ready"
            case .backingOff: return "restarting"
            case .failed: return "failed"
            case .stopping, .stopped: return "stopped"
            }
        }
    }

    private struct Guarded {
        var lifecycle: WorkerLifecycle
        var process: ChildProcess?
        var connection: WorkerConnection?
        var status: WorkerStatus?
        var timers: [Double] = []
        var server: (any Channel)?
        var outstandingPing: (nonce: UInt32, sentAt: Double)?
        var lastPingAt = 0.0
        var nextNonce: UInt32 = 1
        var terminatedAt: Double?
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

    /// Turns what happened since the last tick (exits, due timers, missing pongs) into events.
    func tick(now: Double) {
        var events: [WorkerLifecycle.Event] = []
        var ping: (WorkerConnection, UInt32)?
        var escalate: ChildProcess?
        guarded.withLock { guarded in
            if let process = guarded.process, let exit = process.poll() {
                guarded.process = nil
                guarded.connection = nil
                guarded.outstandingPing = nil
                guarded.terminatedAt = nil
                events.append(.exited(exit.description))
            }
            let due = guarded.timers.filter { $0 <= now }
            if !due.isEmpty {
                guarded.timers.removeAll { $0 <= now }
                events.append(.timerFired)
            }
            if guarded.lifecycle.state == .ready, let connection = guarded.connection {
                if let outstanding = guarded.outstandingPing {
                    if now - outstanding.sentAt > policy.pingTimeout {
                        guarded.outstandingPing = nil
                        events.append(.unresponsive)
                    }
                } else if now - guarded.lastPingAt >= policy.pingInterval {
                    let nonce = guarded.nextNonce
                    guarded.nextNonce &+= 1
                    guarded.outstandingPing = (nonce, now)
                    guarded.lastPingAt = now
                    ping = (connection, nonce)
                }
            }
            if let terminatedAt = guarded.terminatedAt, now - terminatedAt > policy.workerStopGrace {
                escalate = guarded.process
                guarded.terminatedAt = nil
            }
        }
        if let (connection, nonce) = ping { connection.send(.ping(nonce: nonce)) }
        if let escalate {
            logger.warning("worker did not stop in time; killing it", metadata: ["provider": "\(config.name)"])
            escalate.signal(SIGKILL)
        }
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
        let actions = guarded.withLock { $0.lifecycle.handle(event, now: now) }
        for action in actions {
            perform(action, now: now)
        }
        onChange()
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
            let process = guarded.withLock { $0.process }
            logger.warning(
                "killing worker", metadata: ["provider": "\(config.name)", "reason": "\(snapshot.reason ?? "")"]
            )
            process?.signal(SIGKILL)
        case .terminate:
            let process = guarded.withLock { guarded in
                guarded.terminatedAt = now
                return guarded.process
            }
            process?.signal(SIGTERM)
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
            guarded.outstandingPing = nil
            guarded.lastPingAt = MonotonicClock.seconds()
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
        guarded.withLock { guarded in
            if guarded.outstandingPing?.nonce == nonce { guarded.outstandingPing = nil }
        }
    }

    private func connectionClosed(_ connection: WorkerConnection) {
        guarded.withLock { guarded in
            if guarded.connection === connection { guarded.connection = nil }
        }
    }
}

extension WorkerSlot {
    /// The worker is connected and has its key (or needs none): a request would be served now.
    var canAnswer: Bool {
        let snapshot = snapshot
        guard snapshot.connection != nil, let status = snapshot.status else { return false }
        return status.keyPresent || config.key == .none
    }
}
