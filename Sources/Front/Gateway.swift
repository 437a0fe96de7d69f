import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared

/// Assembles the running gateway: worker supervisor, HTTP application and systemd lifecycle, as one
/// service group (shut down in reverse: lifecycle reports STOPPING, the server drains, workers stop).
struct Gateway {
    let config: GatewayConfig
    let configPath: String?
    let keys: KeyVault
    let logger: Logger

    func run() async throws {
        let notifier = SystemdNotifier()
        // With a socket from systemd, where it is bound decides whether keys may be off, not `listen`.
        let listenHost =
            notifier.passedSocketCount > 0
            ? BoundAddress.host(of: SystemdNotifier.firstPassedSocket) ?? "an activated socket" : config.server.host
        let storage = try await GatewayStorage.forGateway(
            config, instanceName: "\(ProcessInfo.processInfo.hostName):\(config.server.port)",
            status: { notifier.notify("STATUS=\($0)") }, logger: logger)
        let access = try await openAccess(host: listenHost, storage: storage)
        let runtimeDirectory = try RuntimeDirectory.create(configured: config.server.runtimeDirectory)
        let supervisor = WorkerSupervisor(
            config: config, workerBinary: try WorkerBinary.locate(configured: config.server.workerBinary),
            runtimeDirectory: runtimeDirectory, keys: keys, group: MultiThreadedEventLoopGroup.singleton, logger: logger
        )
        let counters = RequestCounters()
        let providers = ProviderRouter(supervisor: supervisor)
        let telemetry = try Telemetry.bootstrap(config.telemetry, logger: logger)
        let dispatcher = RequestDispatcher(
            router: providers, latency: LatencyTracker(),
            fleet: storage.rates.map { ProviderFleetWindows(shared: $0, health: storage.health) }, traced: telemetry != nil)
        let metrics = GatewayMetrics()
        let recorder = UsageRecorder(
            config: config, store: storage.usage, spool: storage.spool, health: storage.health, metrics: metrics, logger: logger)
        let status = StatusRoutes(supervisor: supervisor, counters: counters, storage: storage.health)
        let gate = AccessGate(
            config: config, pricing: recorder.pricing, ledger: access?.ledger,
            limiter: CallerLimiter(maxWait: config.auth.maxWait, shared: storage.rates, health: storage.health), logger: logger,
            budgetFailOpen: config.storage.budgetFailOpen)
        let answers = AnswerPath(dispatcher: dispatcher, counters: counters, recorder: recorder, gate: gate)

        let router = Router(context: GatewayRequestContext.self)
        if telemetry != nil { router.add(middleware: TracingMiddleware()) }
        router.add(middleware: BrowserGuard(door: config.server.door, listenHost: listenHost))
        if !config.server.door.corsOrigins.isEmpty { router.add(middleware: CORSLayer.middleware(origins: config.server.door.corsOrigins)) }
        router.add(middleware: ErrorMiddleware(maxBodyBytes: config.server.maxBodyBytes))
        if let access {
            router.add(
                middleware: AccessMiddleware(
                    clients: ClientAuthentication(keys: access.cache, admin: access.admin, onRefusal: metrics.authenticationFailed),
                    operators: AdminAuthentication(
                        admin: access.admin, metricsToken: access.metricsToken, onRefusal: metrics.authenticationFailed)))
        }
        for (path, endpoint) in [
            ("/v1/chat/completions", Endpoint.chatCompletions), ("/v1/completions", .completions),
            ("/v1/fim/completions", .fimCompletions), ("/v1/embeddings", .embeddings),
        ] {
            let route = ProxyRoute(endpoint: endpoint, path: answers, maxBodyBytes: config.server.maxBodyBytes)
            router.post(RouterPath(path)) { request, context in try await route.handle(request, context: context) }
        }
        router.get("/v1/models") { request, context in try status.models(request, context: context) }
        let keyInfo = KeyInfoRoute(access: access, gate: gate)
        router.get("/v1/key/info") { request, context in try await keyInfo.info(request, context: context) }
        let messages = MessagesRoute(path: answers, maxBodyBytes: config.server.maxBodyBytes)
        router.post("/v1/messages") { request, context in try await messages.handle(request, context: context) }
        router.post("/v1/messages/count_tokens") { request, context in try await messages.countTokens(request, context: context) }
        let responses = ResponsesRoute(
            path: answers,
            archive: ResponseArchive(store: storage.responses, retention: config.responses.retentionDays * 86_400, logger: logger),
            maxBodyBytes: config.server.maxBodyBytes)
        router.post("/v1/responses") { request, context in try await responses.create(request, context: context) }
        router.get("/v1/responses/:id") { request, context in try await responses.read(request, context: context) }
        router.delete("/v1/responses/:id") { request, context in try await responses.delete(request, context: context) }
        let catalog = CatalogRoutes(supervisor: supervisor)
        router.get("/v1/models/**") { request, context in try catalog.model(request, context: context) }
        router.get("/api/models") { request, context in try catalog.catalog(request, context: context) }
        router.get("/continue/config.yaml") { request, context in try catalog.continueConfig(request, context: context) }
        let usage = UsageRoutes(recorder: recorder, supervisor: supervisor, counters: counters)
        router.get("/api/usage") { request, context in try await usage.usage(request, context: context) }
        router.get("/metrics") { request, context in try usage.metrics(request, context: context) }
        router.get("/api/providers") { request, context in try catalog.providers(request, context: context, stats: recorder.stats) }
        if let access { AdminRoutes(access: access, usage: usage, timeZone: config.auth.budgetTimeZone).register(on: router) }
        DashboardRoutes().register(on: router)
        router.get("/health") { request, context in try status.health(request, context: context) }

        let logger = self.logger
        let (listening, listeningContinuation) = AsyncStream<Void>.makeStream()
        let onServerRunning: @Sendable (any Channel) async -> Void = { channel in
            let address = channel.localAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "?"
            logger.notice("listening on http://\(address)")
            listeningContinuation.yield()
        }
        // Socket activation: systemd owns the listening socket; `[server] listen` is not used.
        let listener: GatewayHTTPServer<RouterResponder<GatewayRequestContext>>.Listener =
            notifier.passedSocketCount > 0
            ? .socket(SystemdNotifier.firstPassedSocket) : .address(host: config.server.host, port: config.server.port)
        let fileLimit = FileDescriptorLimit.raise()
        let connectionCap = config.server.door.maxConnections ?? FileDescriptorLimit.connectionCap(forLimit: fileLimit)
        logger.info("open-file limit \(fileLimit): up to \(connectionCap) client connections")
        let http = GatewayHTTPServer(
            listener: listener, responder: router.buildResponder(), door: config.server.door, connectionCap: connectionCap,
            metrics: FrontDoorMetrics(registry: metrics.registry), logger: logger,
            bodyLimit: max(config.server.maxBodyBytes, AdminRoutes.maxBodyBytes), onServerRunning: onServerRunning)
        let lifecycle = GatewayLifecycle(
            supervisor: supervisor, notifier: notifier, configPath: configPath, listening: listening, logger: logger
        )
        // Stopped in reverse order: the recorder after the last answer (it flushes), the span exporter last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: recorder), .init(service: supervisor), .init(service: http), .init(service: lifecycle),
        ]
        if let telemetry { services.insert(.init(service: telemetry), at: 0) }
        if let access { services.insert(.init(service: access.cache), at: 0) }
        // The database's pool and this instance's lease go last: after the recorder's final flush.
        services.insert(contentsOf: storage.services.map { .init(service: $0) }, at: 0)
        var configuration = ServiceGroupConfiguration(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
        let supervision = config.supervisor
        configuration.maximumGracefulShutdownDuration = .seconds(supervision.shutdownGrace + supervision.workerStopGrace + 5)
        try await ServiceGroup(configuration: configuration).run()
    }
}

extension Gateway {
    /// Client keys, teams, budgets and the operator's secrets in force, or `nil` when keys are off
    /// (then the gateway must be on loopback, or open by explicit choice).
    struct Access {
        var cache: AccessCache
        var ledger: any BudgetLedger
        var admin: SecretFile?
        var metricsToken: SecretFile?
    }

    func openAccess(host: String, storage: GatewayStorage) async throws -> Access? {
        switch try OpenAccess.decide(config.auth, host: host) {
        case .closed:
            let ledger = storage.ledger
            let released = try await ledger.releaseAbandoned()
            if released > 0 { logger.notice("released \(released) budget reservation(s) left by a gateway that did not finish them") }
            let admin = try SecretFile.load(configured: config.auth.adminKeyFile, credential: "admin")
            if admin == nil {
                logger.notice("no admin key: the dashboard, /api and /admin refuse everyone ([auth] admin_key_file turns them on)")
            }
            return Access(
                cache: try await AccessCache(store: storage.access, logger: logger), ledger: ledger, admin: admin,
                metricsToken: try SecretFile.load(configured: config.auth.metricsTokenFile, credential: "metrics"))
        case .openOnLoopback:
            logger.notice("client keys are off: the gateway is open to anyone on this machine ([auth] enabled = true turns them on)")
            return nil
        case .openOnNetwork:
            logger.warning("client keys are off on \(host): anyone who can reach it spends the providers' keys")
            return nil
        }
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
