import CProcessShims
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared
import UnixSignals

/// Keeps systemd told the truth and runs the gateway's whole-process transitions:
/// `READY=1` once the listener is up and every worker is ready (or failed for good), `STATUS=` on every
/// worker change, `WATCHDOG=1` only while the front's own loops are healthy, `RELOADING=1` around a
/// SIGHUP reload, and `STOPPING=1` plus the shutdown grace period on SIGTERM.
///
/// It is the last service of the group, so it hears about shutdown first: it reports `STOPPING=1` and
/// arms the grace timer before the HTTP server starts draining.
final class GatewayLifecycle: Service, Sendable {
    private let supervisor: WorkerSupervisor
    private let notifier: SystemdNotifier
    private let configPath: String?
    private let listening: AsyncStream<Void>
    private let logger: Logger

    init(supervisor: WorkerSupervisor, notifier: SystemdNotifier, configPath: String?, listening: AsyncStream<Void>, logger: Logger) {
        self.supervisor = supervisor
        self.notifier = notifier
        self.configPath = configPath
        self.listening = listening
        self.logger = logger
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                group.addTask {
                    await self.announceReady()
                    // The watchdog guards a running service; start-up has TimeoutStartSec= instead.
                    await self.feedWatchdog()
                    return false
                }
                group.addTask {
                    await self.reportStatus()
                    return false
                }
                group.addTask {
                    await self.reloadOnHangup()
                    return false
                }
                group.addTask {
                    try? await gracefulShutdown()
                    return true
                }
                for await shuttingDown in group where shuttingDown {
                    group.cancelAll()
                }
            }
        } onGracefulShutdown: { [self] in
            notifier.notify("STOPPING=1\nSTATUS=Stopping: finishing in-flight requests")
            logger.notice("shutting down: finishing in-flight requests")
            let grace = supervisor.config.supervisor.shutdownGrace
            Task { [supervisor, logger] in
                try? await Task.sleep(for: .seconds(grace))
                logger.warning("shutdown grace of \(grace) s is over; stopping workers, open streams end with an error")
                supervisor.stopAll()
            }
        }
    }

    private func announceReady() async {
        for await _ in listening { break }
        await supervisor.waitUntilAllReady()
        let status = statusLine()
        notifier.notify("READY=1\nSTATUS=\(status)")
        logger.notice("ready: \(status)")
        // What start-up freed (the parsed configuration and catalog, the workers' spawning) goes back to the
        // kernel rather than staying resident for the life of an idle gateway, and so does the code only
        // start-up ran (configuration, migrations, spawning).
        orchestra_return_free_heap()
        _ = orchestra_release_code_pages()
    }

    private func reportStatus() async {
        var last = ""
        for await _ in supervisor.stateChanges {
            let status = statusLine()
            if status != last {
                notifier.notify("STATUS=\(status)")
                last = status
            }
        }
    }

    /// Pets the watchdog at half its interval, but only after checking that the supervision loop ran
    /// recently and that an event loop answers: a wedged front must let systemd restart it.
    private func feedWatchdog() async {
        guard let interval = notifier.watchdogInterval else { return }
        let period = interval / 2
        while !Task.isCancelled {
            if await isHealthy(within: period) {
                notifier.notify("WATCHDOG=1")
            } else {
                logger.error("front is not healthy; withholding the watchdog keep-alive")
            }
            try? await Task.sleep(for: period)
        }
    }

    private func isHealthy(within period: Duration) async -> Bool {
        let age = MonotonicClock.seconds() - supervisor.lastHeartbeat
        guard age < max(1, Double(period.components.seconds)) else { return false }
        let answered = try? await MultiThreadedEventLoopGroup.singleton.any().submit { true }.get()
        return answered == true
    }

    private func reloadOnHangup() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup) {
            let microseconds = UInt64(MonotonicClock.seconds() * 1_000_000)
            notifier.notify("RELOADING=1\nMONOTONIC_USEC=\(microseconds)\nSTATUS=Reloading configuration")
            do {
                let config = try ConfigLoader.load(path: configPath)
                try await supervisor.reload(config)
                logger.notice("configuration reloaded")
            } catch {
                logger.error("configuration not reloaded, the previous one stays in force: \(error)")
            }
            notifier.notify("READY=1\nSTATUS=\(statusLine())")
        }
    }

    /// One line for `systemctl status`, e.g. "8 providers: 7 ready, gemini restarting (3)".
    func statusLine() -> String {
        let slots = supervisor.orderedSlots
        var ready = 0
        var others: [String] = []
        for slot in slots {
            let availability = slot.availability
            if availability.state == "ready" {
                ready += 1
            } else {
                others.append("\(slot.config.name) \(availability.state) (\(availability.restarts))")
            }
        }
        return "\(slots.count) providers: \(ready) ready" + others.map { ", " + $0 }.joined()
    }
}
