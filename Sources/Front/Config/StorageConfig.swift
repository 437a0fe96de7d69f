import Foundation

/// Where the gateway's shared state lives: the embedded SQLite file (the default, one instance), or a
/// PostgreSQL server that several instances share (`[storage] postgres_url`). The password is never in
/// the URL: it comes from `postgres_password_file` or systemd's `LoadCredential=postgres:…`.
public struct StorageConfig: Sendable, Equatable {
    public var postgres: PostgresLocation?
    /// Seconds a budget reservation or a parallel slot of an instance outlives its last heartbeat: an
    /// instance killed with `kill -9` holds them at most this long.
    public var lease: Double = 15
    /// With the database unreachable, let requests under a budget through (unchecked) instead of refusing.
    public var budgetFailOpen = false
    /// Where usage records wait while the database is unreachable (default: next to the SQLite file).
    public var spoolFile: String?
    /// This instance's name in the fleet view (default: host name and listening port).
    public var instanceName: String?

    public init(postgres: PostgresLocation? = nil) {
        self.postgres = postgres
    }
}

/// A PostgreSQL server, database and role, parsed from `postgres://user@host:port/database?sslmode=…`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, CaseIterable {
        case disable, prefer, require
    }

    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// A file holding the password (systemd's `LoadCredential=postgres:…` wins when present).
    public var passwordFile: String?

    /// What logs and `check-config` show: never a password.
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    /// Parses a URL; the error says what is wrong in words a config error can carry.
    public static func parse(_ text: String) -> Result<PostgresLocation, PostgresURLError> {
        guard let components = URLComponents(string: text), let scheme = components.scheme,
            ["postgres", "postgresql"].contains(scheme.lowercased())
        else { return .failure(.init("expected postgres://user@host:port/database")) }
        guard components.password == nil else {
            return .failure(.init("a password in the URL is refused: put it in postgres_password_file or a systemd credential"))
        }
        guard let host = components.host, !host.isEmpty else { return .failure(.init("the URL names no host")) }
        guard let user = components.user, !user.isEmpty else { return .failure(.init("the URL names no user (postgres://user@host/db)")) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { return .failure(.init("the URL names no database (postgres://user@host/db)")) }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            guard item.name == "sslmode", let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                return .failure(.init("unknown URL parameter '\(item.name)=\(item.value ?? "")' (sslmode=disable|prefer|require)"))
            }
            tls = mode
        }
        return .success(
            PostgresLocation(host: host, port: components.port ?? 5432, user: user, database: database, tls: tls, passwordFile: nil))
    }
}

/// Why a `postgres_url` was refused.
public struct PostgresURLError: Error, Sendable, Equatable {
    public var message: String

    init(_ message: String) {
        self.message = message
    }
}
