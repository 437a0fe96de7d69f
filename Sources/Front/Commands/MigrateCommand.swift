import ArgumentParser
import Logging

/// `orchestra migrate`: applies the PostgreSQL schema's migrations (`[storage] postgres_url`) and says
/// which it applied; safe to run from several hosts at once (they queue on an advisory lock).
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Apply the PostgreSQL schema's migrations ([storage] postgres_url).")

    @OptionGroup var options: ConfigOption

    func run() async throws {
        let config = try options.load()
        guard let location = config.storage.postgres else {
            throw ValidationError("no [storage] postgres_url: the embedded SQLite database migrates itself when the gateway starts")
        }
        let logger = Logger(label: "orchestra.migrate")
        let database = try PostgresDatabase(location: location)
        let outcome = try await database.withConnection(logger: logger) { connection in
            try await PostgresMigrator.migrate(connection, logger: logger)
        }
        print(
            outcome.applied.isEmpty
                ? "\(location): already at \(outcome.current)"
                : "\(location): applied \(outcome.applied.joined(separator: ", ")); now at \(outcome.current)")
    }
}
