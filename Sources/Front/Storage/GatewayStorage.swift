import Foundation
import Logging
import ServiceLifecycle

/// The gateway's state behind one set of protocols: the embedded SQLite file (one instance, nothing to
/// install) or the fleet's PostgreSQL (`[storage] postgres_url`), with every feature on both. The
/// gateway and the commands open it here and never ask which it is.
struct GatewayStorage: Sendable {
    var access: any AccessStore
    var ledger: any BudgetLedger
    var usage: any UsageRecords
    /// Responses API answers kept for `previous_response_id` and reading back.
    var responses: any ResponseStore
    /// Key and team windows the fleet counts together (PostgreSQL only: one SQLite file is one instance).
    var rates: (any SharedRateWindows)?
    /// Whether the shared database answers (PostgreSQL only).
    var health: StorageHealth?
    /// Where usage records wait while the shared database is away (PostgreSQL only).
    var spool: UsageSpool?
    /// What must run while the gateway runs (the pool, the heartbeat), in start order.
    var services: [any Service] = []
    /// Closes connections (for commands; the gateway's services close their own).
    var close: @Sendable () -> Void = {}

    /// The embedded SQLite file.
    static func sqlite(path: String) throws -> GatewayStorage {
        let pool = try GatewayDatabase.open(path: path)
        return GatewayStorage(
            access: SQLiteAccessStore(pool: pool), ledger: SQLiteBudgetLedger(pool: pool), usage: try SQLiteUsageStore(path: path),
            responses: SQLiteResponseStore(pool: pool))
    }

    /// The store the config names, opened for a command: PostgreSQL must answer and be migrated now.
    static func forCommand(_ config: GatewayConfig, logger: Logger) async throws -> GatewayStorage {
        guard let location = config.storage.postgres else {
            return try sqlite(path: config.usage.database ?? GatewayDatabase.defaultPath())
        }
        let database = try PostgresDatabase(location: location)
        let applied = try await database.withConnection(logger: logger) { try await PostgresMigrator.appliedVersions($0, logger: logger) }
        guard applied.last == PostgresSchema.migrations.last?.version else {
            throw PostgresDatabase.Problem(description: "\(location) is not migrated: run `orchestra migrate` (or start the gateway)")
        }
        return postgres(PostgresPool(database: database, logger: logger), instance: FleetInstance(name: "cli"), pending: PendingWrites())
    }

    /// The PostgreSQL stores on `pool`, as `instance`; `listener` (the gateway's) hears change notices.
    private static func postgres(
        _ pool: PostgresPool, instance: FleetInstance, pending: PendingWrites, listener: PostgresDatabase? = nil
    ) -> GatewayStorage {
        GatewayStorage(
            access: PostgresAccessStore(pool: pool, listener: listener),
            ledger: PostgresBudgetLedger(pool: pool, instance: instance, pending: pending),
            usage: PostgresUsageStore(pool: pool, instance: instance), responses: PostgresResponseStore(pool: pool),
            close: { pool.close() })
    }

    /// The store the config names, for the gateway. PostgreSQL is waited for with backoff (reported to
    /// systemd as `STATUS=`; the gateway is not ready meanwhile), migrated under the advisory lock, and
    /// this instance's lease taken before anything is admitted.
    static func forGateway(
        _ config: GatewayConfig, instanceName: String, status: @Sendable (String) -> Void, logger: Logger
    ) async throws -> GatewayStorage {
        guard let location = config.storage.postgres else {
            let path = config.usage.database ?? GatewayDatabase.defaultPath()
            logger.info("keys, budgets and usage records in \(path)")
            return try sqlite(path: path)
        }
        let database = try PostgresDatabase(location: location)
        let pool = PostgresPool(database: database, logger: logger)
        let instance = FleetInstance(name: config.storage.instanceName ?? instanceName)
        let (pending, health) = (PendingWrites(), StorageHealth(logger: logger))
        let heartbeat = FleetHeartbeat(pool: pool, instance: instance, lease: config.storage.lease, pending: pending, health: health)
        var delay = 0.25
        while true {
            do {
                // A connection of its own: a refused one fails at once, where the pool would keep retrying.
                let outcome = try await database.withConnection(logger: logger) { try await PostgresMigrator.migrate($0, logger: logger) }
                if !outcome.applied.isEmpty { logger.notice("migrated \(location): \(outcome.applied.joined(separator: ", "))") }
                try await heartbeat.beat()
                break
            } catch {
                status("waiting for PostgreSQL at \(location): \(String(reflecting: error))")
                logger.warning("waiting for PostgreSQL at \(location) (again in \(delay) s): \(String(reflecting: error))")
                try await Task.sleep(for: .seconds(delay))
                delay = min(delay * 2, 5)
            }
        }
        logger.notice("keys, budgets, limits and usage records in \(location), shared as instance \(instance.id)")
        let spoolPath =
            config.storage.spoolFile
            ?? ((config.usage.database ?? GatewayDatabase.defaultPath()) as NSString).deletingLastPathComponent + "/usage-spool.jsonl"
        let spool = try UsageSpool(path: spoolPath)
        if spool.count > 0 { logger.notice("\(spool.count) usage records wait in \(spoolPath): replayed now") }
        var storage = postgres(pool, instance: instance, pending: pending, listener: database)
        storage.rates = PostgresRateWindows(pool: pool, instance: instance, pending: pending)
        storage.health = health
        storage.spool = spool
        storage.services = [pool, heartbeat]
        return storage
    }
}
