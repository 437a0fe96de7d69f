import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared

/// Assembles the running gateway: the worker supervisor and the HTTP application, as one service group.
struct Gateway {
    let config: GatewayConfig
    let logger: Logger

    func run() async throws {
        let runtimeDirectory = try RuntimeDirectory.create(configured: config.server.runtimeDirectory)
        let supervisor = WorkerSupervisor(
            config: config, workerBinary: try WorkerBinary.locate(configured: config.server.workerBinary),
            runtimeDirectory: runtimeDirectory, group: MultiThreadedEventLoopGroup.singleton, logger: logger
        )
        let providerRouter = ProviderRouter(config: config, supervisor: supervisor)
        let chat = ChatCompletionsRoute(router: providerRouter, maxBodyBytes: config.server.maxBodyBytes)
        let status = StatusRoutes(config: config, supervisor: supervisor)

        let router = Router()
        router.add(middleware: OpenAIErrorMiddleware(maxBodyBytes: config.server.maxBodyBytes))
        router.post("/v1/chat/completions") { request, context in try await chat.handle(request, context: context) }
        router.get("/v1/models") { request, context in try status.models(request, context: context) }
        router.get("/health") { request, context in try status.health(request, context: context) }

        let logger = self.logger
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(config.server.host, port: config.server.port), serverName: "orchestra"),
            onServerRunning: { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
                logger.notice("listening on http://\(address)")
                Task {
                    await supervisor.waitUntilAllReady()
                    logger.notice("ready: \(supervisor.orderedSlots.count) providers")
                }
            },
            logger: logger
        )
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: supervisor), .init(service: app)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            )
        )
        try await group.run()
    }
}

/// Where worker sockets live: a private directory nobody else can enter.
enum RuntimeDirectory {
    static func create(configured: String?) throws -> String {
        let base = configured ?? ProcessInfo.processInfo.environment["RUNTIME_DIRECTORY"]
        let path: String
        if let base {
            path = "\(base)/workers-\(getpid())"
        } else {
            path = "\(NSTemporaryDirectory())orchestra-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return path
    }
}

/// Finds `orchestra-worker`: configured path, else next to the running `orchestra` binary.
enum WorkerBinary {
    struct NotFound: Error, CustomStringConvertible {
        var path: String
        var description: String { "worker binary not found at \(path); set server.worker_binary" }
    }

    static func locate(configured: String?) throws -> String {
        if let configured { return configured }
        let own = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("orchestra-worker").path
        guard FileManager.default.isExecutableFile(atPath: path) else { throw NotFound(path: path) }
        return path
    }
}
