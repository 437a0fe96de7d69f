import ArgumentParser
import Logging
import Shared

/// `orchestra`: the gateway's command line.
public struct OrchestraCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "orchestra",
        abstract: "One OpenAI-compatible endpoint in front of many LLM providers.",
        subcommands: [
            ServeCommand.self, CheckConfigCommand.self, ModelsCommand.self, ContinueConfigCommand.self, UsageCommand.self, KeysCommand.self,
            TeamsCommand.self, AdminKeyCommand.self, MigrateCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    public init() {}
}

/// Options shared by commands that read the configuration.
struct ConfigOption: ParsableArguments {
    @Option(name: .long, help: "Path of config.toml (built-in defaults when omitted).")
    var config: String?

    /// The configuration, or a usage error naming what is wrong in it.
    func load() throws -> GatewayConfig {
        do {
            return try ConfigLoader.load(path: config)
        } catch {
            throw ValidationError("invalid configuration: \(error)")
        }
    }

    /// The gateway's stores as the configuration (`config` when the caller read it already) names them;
    /// the caller closes them.
    func storage(_ config: GatewayConfig? = nil) async throws -> GatewayStorage {
        var logger = Logger(label: "orchestra.command")
        logger.logLevel = .warning
        do {
            return try await GatewayStorage.forCommand(try config ?? load(), logger: logger)
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot open the gateway's database: \(error)")
        }
    }
}
