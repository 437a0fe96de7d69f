import Foundation
import Logging
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The connections a running gateway (or a command) keeps to the shared database: postgres-nio's
/// `PostgresClient`, run by a task started when the pool is made, so the stores answer before the
/// gateway's services start; it stops last. Every statement has a deadline: a database that does not
/// answer fails a statement in two seconds instead of holding a request.
final class PostgresPool: Service, Sendable {
    /// A statement that did not finish in time.
    struct DeadlineExceeded: Error, CustomStringConvertible {
        var after: Duration
        var description: String { "the database did not answer within \(after)" }
    }

    static let deadline = Duration.seconds(2)
    let client: PostgresClient
    let logger: Logger
    private let runner: Task<Void, Never>

    init(database: PostgresDatabase, logger: Logger) {
        let location = database.location
        let tls: PostgresClient.Configuration.TLS =
            switch database.clientTLS {
            case .none: .disable
            case .some((let configuration, preferred: true)): .prefer(configuration)
            case .some((let configuration, preferred: false)): .require(configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: database.password, database: location.database,
            tls: tls)
        configuration.options.connectTimeout = .seconds(2)
        configuration.options.minimumConnections = 2
        configuration.options.maximumConnections = 16
        configuration.options.keepAliveBehavior = .init(frequency: .seconds(10))
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    /// Runs until the gateway stops, then closes the connections (the service group stops it last).
    func run() async throws {
        try? await gracefulShutdown()
        close()
    }

    func close() {
        runner.cancel()
    }

    /// The rows of one statement, within the deadline.
    func query(_ query: PostgresQuery) async throws -> [PostgresRow] {
        let (client, logger) = (self.client, self.logger)
        return try await Self.withDeadline {
            var rows: [PostgresRow] = []
            for try await row in try await client.query(query, logger: logger) { rows.append(row) }
            return rows
        }
    }

    /// One transaction, within the deadline.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        let (client, logger) = (self.client, self.logger)
        return try await Self.withDeadline { try await client.withTransaction(logger: logger) { try await body($0) } }
    }

    /// `work`'s result, or `DeadlineExceeded` when it takes longer than `deadline`. The work goes on
    /// unobserved when late (a statement cannot be taken back from the wire); its connection is closed
    /// by the pool when the server or the network is gone. The timer ends with the work.
    static func withDeadline<Result: Sendable>(
        _ deadline: Duration = PostgresPool.deadline, _ work: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let outcome = FirstAnswer<Result>()
        return try await withCheckedThrowingContinuation { continuation in
            outcome.waiting(continuation)
            let timer = Task {
                guard (try? await Task.sleep(for: deadline)) != nil else { return }
                outcome.resume(with: .failure(DeadlineExceeded(after: deadline)))
            }
            Task {
                let result: Swift.Result<Result, any Error>
                do { result = .success(try await work()) } catch { result = .failure(error) }
                timer.cancel()
                outcome.resume(with: result)
            }
        }
    }
}

/// A continuation resumed by whichever answer comes first (the work or its deadline); later ones are dropped.
private final class FirstAnswer<Result: Sendable>: Sendable {
    private let continuation = Mutex<CheckedContinuation<Result, any Error>?>(nil)

    func waiting(_ continuation: CheckedContinuation<Result, any Error>) {
        self.continuation.withLock { $0 = continuation }
    }

    /// `true` when this answer was the first.
    @discardableResult
    func resume(with result: Swift.Result<Result, any Error>) -> Bool {
        guard let waiting = continuation.withLock({ $0.take() }) else { return false }
        waiting.resume(with: result)
        return true
    }
}
