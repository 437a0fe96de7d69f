import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared
import Synchronization

/// Spawns one worker per enabled provider, restarts those that exit, and stops them all on shutdown.
///
/// Runs as a `Service` placed before the HTTP server in the service group, so on SIGTERM the server
/// drains its in-flight requests first and the workers are stopped after.
final class WorkerSupervisor: Service, Sendable {
    let config: GatewayConfig
    let slots: [String: WorkerSlot]
    private let order: [String]
    private let workerBinary: String
    private let runtimeDirectory: String
    private let group: any EventLoopGroup
    private let logger: Logger
    private let readiness = Mutex<(announced: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(config: GatewayConfig, workerBinary: String, runtimeDirectory: String, group: any EventLoopGroup, logger: Logger) {
        self.config = config
        self.workerBinary = workerBinary
        self.runtimeDirectory = runtimeDirectory
        self.group = group
        self.logger = logger
        var slots: [String: WorkerSlot] = [:]
        for provider in config.enabledProviders {
            slots[provider.name] = WorkerSlot(
                config: provider, socketPath: "\(runtimeDirectory)/\(provider.name).sock", logger: logger
            )
        }
        self.slots = slots
        self.order = config.enabledProviders.map(\.name)
    }

    func slot(for provider: String) -> WorkerSlot? { slots[provider] }

    var orderedSlots: [WorkerSlot] { order.compactMap { slots[$0] } }

    func run() async throws {
        for slot in orderedSlots {
            try await slot.bind(group: group) { [self] in checkAllReady() }
        }
        await withGracefulShutdownHandler {
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                let now = ContinuousClock.now
                for slot in orderedSlots {
                    slot.reap(now: now)
                    slot.spawnIfDue(workerBinary: workerBinary, allProviders: config.providers, now: now)
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        } onGracefulShutdown: {}
        logger.info("stopping workers")
        await withTaskGroup(of: Void.self) { group in
            for slot in orderedSlots {
                group.addTask { await slot.stop(grace: .seconds(5)) }
            }
        }
        try? FileManager.default.removeItem(atPath: runtimeDirectory)
        logger.info("workers stopped")
    }

    /// Returns once every enabled worker has been ready at least once.
    func waitUntilAllReady() async {
        await withCheckedContinuation { continuation in
            let done = readiness.withLock { state -> Bool in
                if state.announced { return true }
                state.waiters.append(continuation)
                return false
            }
            if done { continuation.resume() }
            checkAllReady()
        }
    }

    private func checkAllReady() {
        guard orderedSlots.allSatisfy(\.everReady) else { return }
        let waiters = readiness.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.announced = true
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}
