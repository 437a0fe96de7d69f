import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared
import Synchronization

/// Runs one worker per enabled provider: starts them, ticks their restart policy, swaps them on
/// reload, and stops them all on shutdown.
///
/// Runs as a `Service` placed before the HTTP server in the service group, so on SIGTERM the server
/// drains its in-flight requests first and the workers are stopped after.
final class WorkerSupervisor: Service, Sendable {
    private let workerBinary: String
    private let runtimeDirectory: String
    private let group: any EventLoopGroup
    private let logger: Logger
    private let keys: KeyVault

    /// The providers being served now, and slots of replaced providers draining their last requests.
    private struct Roster {
        var config: GatewayConfig
        var slots: [String: WorkerSlot] = [:]
        var order: [String] = []
        var retiring: [WorkerSlot] = []
        var generation = 0
        var allReadyAnnounced = false
        var readyWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let roster: Mutex<Roster>
    private let changes: AsyncStream<Void>.Continuation
    /// Yields whenever a worker changes state (for systemd STATUS and readiness).
    let stateChanges: AsyncStream<Void>
    /// When the supervision loop last ran; the systemd watchdog checks it is recent.
    private let heartbeat = Mutex(MonotonicClock.seconds())

    init(config: GatewayConfig, workerBinary: String, runtimeDirectory: String, keys: KeyVault, group: any EventLoopGroup, logger: Logger) {
        self.workerBinary = workerBinary
        self.runtimeDirectory = runtimeDirectory
        self.group = group
        self.logger = logger
        self.keys = keys
        self.roster = Mutex(Roster(config: config, order: config.enabledProviders.map(\.name)))
        (stateChanges, changes) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    var config: GatewayConfig { roster.withLock { $0.config } }

    func slot(for provider: String) -> WorkerSlot? { roster.withLock { $0.slots[provider] } }

    var orderedSlots: [WorkerSlot] { roster.withLock { roster in roster.order.compactMap { roster.slots[$0] } } }

    var lastHeartbeat: Double { heartbeat.withLock { $0 } }

    func run() async throws {
        try await startSlots(for: config.enabledProviders)
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                tickAll()
                try? await Task.sleep(for: .milliseconds(50))
            }
        } onGracefulShutdown: {
        }
        logger.info("stopping workers")
        let all = stopAll()
        while !all.allSatisfy(\.isStopped) {
            let now = MonotonicClock.seconds()
            all.forEach { $0.tick(now: now) }
            if Task.isCancelled {
                // Out of time: no more grace for anyone.
                all.forEach { $0.kill() }
                await Task.yield()
            } else {
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        keys.closeAll()
        try? FileManager.default.removeItem(atPath: runtimeDirectory)
        logger.info("workers stopped")
    }

    /// Asks every worker to stop (SIGTERM, then SIGKILL after the worker grace). Requests still in
    /// flight on them end with an error at once. Returns the slots being stopped.
    @discardableResult
    func stopAll() -> [WorkerSlot] {
        let all = roster.withLock { $0.slots.values.map { $0 } + $0.retiring }
        all.forEach { $0.stop() }
        return all
    }

    /// Applies a new configuration: providers whose settings changed get a new worker (the old one
    /// finishes its in-flight requests, then stops); unchanged providers keep theirs.
    func reload(_ newConfig: GatewayConfig) async throws {
        keys.capture(from: newConfig.providers)
        let (added, retired) = roster.withLock { roster -> ([ProviderConfig], [WorkerSlot]) in
            let wanted = Dictionary(uniqueKeysWithValues: newConfig.enabledProviders.map { ($0.name, $0) })
            var retired: [WorkerSlot] = []
            var added: [ProviderConfig] = []
            for (name, slot) in roster.slots where wanted[name] != slot.config {
                retired.append(slot)
                roster.slots[name] = nil
            }
            for provider in newConfig.enabledProviders where roster.slots[provider.name] == nil {
                added.append(provider)
            }
            roster.retiring += retired
            roster.config = newConfig
            roster.order = newConfig.enabledProviders.map(\.name)
            return (added, retired)
        }
        for slot in retired {
            logger.info("provider changed or removed; its worker drains", metadata: ["provider": "\(slot.config.name)"])
        }
        try await startSlots(for: added)
    }

    /// Returns once every enabled worker has been ready at least once (or has failed for good).
    func waitUntilAllReady() async {
        await withCheckedContinuation { continuation in
            let done = roster.withLock { roster -> Bool in
                if roster.allReadyAnnounced { return true }
                roster.readyWaiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
            stateChanged()
        }
    }

    private func startSlots(for providers: [ProviderConfig]) async throws {
        for provider in providers {
            let generation = roster.withLock { roster -> Int in
                roster.generation += 1
                return roster.generation
            }
            let slot = WorkerSlot(
                config: provider, socketPath: "\(runtimeDirectory)/\(provider.name)-\(generation).sock",
                policy: config.supervisor, workerBinary: workerBinary,
                environment: WorkerEnvironment.build(for: provider, allProviders: config.providers),
                keyDescriptor: keys.descriptor(for: provider.name), logger: logger,
                onChange: { [weak self] in self?.stateChanged() }
            )
            roster.withLock { $0.slots[provider.name] = slot }
            try await slot.start(group: group)
        }
    }

    private func tickAll() {
        let now = MonotonicClock.seconds()
        heartbeat.withLock { $0 = now }
        let (active, retiring) = roster.withLock { ($0.slots.values.map { $0 }, $0.retiring) }
        active.forEach { $0.tick(now: now) }
        for slot in retiring {
            if slot.inFlight == 0 { slot.stop() }
            slot.tick(now: now)
        }
        if retiring.contains(where: \.isStopped) {
            roster.withLock { $0.retiring.removeAll { $0.isStopped } }
        }
    }

    private func stateChanged() {
        changes.yield()
        // Every enabled provider must have its slot: a provider whose worker is not even spawned yet
        // is not settled.
        let (slots, complete) = roster.withLock { roster in
            (roster.order.compactMap { roster.slots[$0] }, roster.order.allSatisfy { roster.slots[$0] != nil })
        }
        guard complete else { return }
        let settled = slots.allSatisfy { slot in
            if slot.everReady { return true }
            if case .failed = slot.snapshot.state { return true }
            return false
        }
        guard settled else { return }
        let waiters = roster.withLock { roster -> [CheckedContinuation<Void, Never>] in
            roster.allReadyAnnounced = true
            defer { roster.readyWaiters.removeAll() }
            return roster.readyWaiters
        }
        waiters.forEach { $0.resume() }
    }
}
