import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// The shared PostgreSQL database several gateway instances use (`[storage] postgres_url`): where it is,
/// its password read from a file or systemd credential (never from the config or the URL), and
/// `postgres-nio` connections to it.
struct PostgresDatabase: Sendable {
    /// Why the database cannot be used, in words for a log line or `check-config`.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    let location: PostgresLocation
    let password: String?

    init(location: PostgresLocation, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) {
        self.location = location
        password = try Self.password(for: location, environment: environment)
    }

    /// Runs `body` on one connection of its own, closed after: for commands, where a refused connection or
    /// a wrong password must be an error at once, not a pool retrying in the background.
    func withConnection<Result: Sendable>(
        logger: Logger, _ body: @Sendable (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let tls: PostgresConnection.Configuration.TLS =
            switch clientTLS {
            case .none: .disable
            case .some((let configuration, preferred: true)): .prefer(try NIOSSLContext(configuration: configuration))
            case .some((let configuration, preferred: false)): .require(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: password, database: location.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The TLS `sslmode` asks for (`nil`: none), for a connection of its own and for the pool alike.
    var clientTLS: (configuration: TLSConfiguration, preferred: Bool)? {
        switch location.tls {
        case .disable: nil
        case .prefer: (.makeClientConfiguration(), preferred: true)
        case .require: (.makeClientConfiguration(), preferred: false)
        }
    }

    /// `$CREDENTIALS_DIRECTORY/postgres` when systemd passed it, else `postgres_password_file`, else none
    /// (trust or peer authentication).
    static func password(for location: PostgresLocation, environment: [String: String]) throws(Problem) -> String? {
        guard let path = SecretFile.location(configured: location.passwordFile, credential: "postgres", environment: environment)
        else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "cannot read the PostgreSQL password from \(path)")
        }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
