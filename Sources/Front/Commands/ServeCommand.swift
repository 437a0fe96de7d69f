import ArgumentParser
import CProcessShims
import Foundation
import Logging
import Shared

/// `orchestra serve`: runs the gateway until SIGTERM; keys are moved out of the environment first.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the gateway.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Override server.listen, e.g. 127.0.0.1:8000.")
    var listen: String?

    func run() async throws {
        // The front's threads share a few hot structures; more malloc arenas than that only add RSS.
        orchestra_limit_malloc_arenas(2)
        orchestra_return_large_buffers(256 * 1024)
        // The front holds env-var keys in memfds (for restarted workers) and the admin key: no other
        // process of this user may open /proc/<front>/fd or read its memory.
        _ = orchestra_forbid_inspection()
        var config: GatewayConfig
        do {
            config = try ConfigLoader.load(path: options.config)
        } catch {
            throw ValidationError("invalid configuration: \(error)")
        }
        // First thing after reading the config: move provider keys out of the environment, before
        // anything (Foundation's ProcessInfo, say) copies the environment into the heap.
        let keys = KeyVault()
        keys.capture(from: config.providers)
        let json = config.server.logFormat == .json
        // Workers inherit it and log the same way.
        if json { setenv(GatewayLogHandler.formatVariable, "json", 1) }
        LoggingSystem.bootstrap { label in
            GatewayLogHandler(label: label, format: json ? .json : .text)
        }
        let logger = Logger(label: "orchestra")
        if getenv(ConcurrencyOnEventLoops.switchVariable).map({ String(cString: $0) }) == "pool" {
            logger.notice("tasks run on Swift's own thread pool (\(ConcurrencyOnEventLoops.switchVariable)=pool)")
        } else if !ConcurrencyOnEventLoops.install() {
            logger.warning("Swift concurrency's executor was replaced before: tasks run on its threads")
        }
        if let listen {
            guard let (host, port) = ConfigLoader.parseListen(listen) else { throw ValidationError("--listen expects host:port") }
            config.server.host = host
            config.server.port = port
        }
        try await Gateway(config: config, configPath: options.config, keys: keys, logger: logger).run()
    }
}
