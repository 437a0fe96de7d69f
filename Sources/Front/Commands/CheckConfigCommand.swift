import ArgumentParser
import Logging
import Shared

/// Validates a config and prints what `serve` would run with it. Keys are shown as locations only.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a config file and show what it runs.")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        print("listen: \(config.server.host):\(config.server.port)")
        print("max body: \(config.server.maxBodyBytes) bytes")
        print("client keys: \(config.auth.enabled ? "on" : config.auth.allowOpen ? "off (open by choice)" : "off (loopback only)")")
        print("providers:")
        for provider in config.providers {
            let state = provider.enabled ? "enabled " : "disabled"
            print(
                "  \(provider.name) [\(state)] dialect=\(provider.dialect.rawValue) base_url=\(provider.baseURL) key=\(provider.key.displayValue) models=\(provider.models.count)"
            )
            if provider.dialect == .openai, provider.quirks != ProviderQuirks() {
                print("    quirks: \(provider.quirks.summary)")
            }
            for header in provider.headers {
                print("    header \(header.name): \(header.value)")
            }
            if !provider.limits.isEmpty {
                print("    limits: \(Self.describe(provider.limits)), wait up to \(provider.queue.maxWait) s")
            }
            for (model, limits) in provider.modelLimits.sorted(by: { $0.key < $1.key }) {
                print("    limits \(model): \(Self.describe(limits))")
            }
        }
        print("routes:")
        for route in config.routes.values.sorted(by: { $0.name < $1.name }) {
            print("  \(route.name) [\(route.strategy.rawValue)]: \(route.models.joined(separator: ", "))")
        }
        print("retries: \(config.retries.attempts) attempts, backoff \(config.retries.backoff) s, within \(config.retries.maxTime) s")
        if let location = config.storage.postgres {
            print("storage: \(try await Self.describe(location))")
        } else {
            print("storage: SQLite at \(config.usage.database ?? GatewayDatabase.defaultPath())")
        }
        print("configuration OK")
    }

    /// Whether the PostgreSQL database answers and how far it is migrated; unreachable is an error.
    static func describe(_ location: PostgresLocation) async throws -> String {
        let logger = Logger(label: "orchestra.check-config")
        let database = try PostgresDatabase(location: location)
        let applied: [String]
        do {
            applied = try await database.withConnection(logger: logger) { connection in
                try await PostgresMigrator.appliedVersions(connection, logger: logger)
            }
        } catch {
            throw ValidationError("storage: PostgreSQL at \(location) is unreachable: \(String(reflecting: error))")
        }
        let latest = PostgresSchema.migrations.map(\.version)
        let state =
            applied == latest
            ? "migrated (\(latest.last ?? ""))"
            : applied.isEmpty ? "not migrated (run `orchestra migrate`)" : "at \(applied.last ?? ""), behind \(latest.last ?? "")"
        return "PostgreSQL at \(location), reachable, \(state)"
    }

    static func describe(_ limits: RateLimits) -> String {
        var parts = limits.windows.map { window in
            let amounts = [window.requests.map { "\($0) requests" }, window.tokens.map { "\($0) tokens" }].compactMap { $0 }
            return amounts.joined(separator: " and ") + " per \(window.seconds) s"
        }
        if let concurrent = limits.maxConcurrent { parts.append("\(concurrent) at once") }
        return parts.joined(separator: ", ")
    }
}
