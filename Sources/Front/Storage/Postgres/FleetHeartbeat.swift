import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Shared

/// One running gateway in a fleet: a fresh id at every start (so a restarted instance never inherits
/// the leases of the one before) and the name the fleet view shows.
struct FleetInstance: Sendable, Equatable {
    let id: String
    let name: String

    init(name: String) {
        self.name = name
        id = name + "#" + OpenAIIdentifiers.random(8)
    }
}

/// Keeps this instance's lease in the shared database: renewed every third of `lease`, so its budget
/// reservations and parallel slots count while it runs and stop counting one lease after it is killed.
/// Each beat also retries the writes that failed while the database was away and sweeps what dead
/// instances left; at a graceful stop the lease is ended at once.
final class FleetHeartbeat: Service, Sendable {
    let pool: PostgresPool
    let instance: FleetInstance
    let lease: Double
    let pending: PendingWrites
    let health: StorageHealth

    init(pool: PostgresPool, instance: FleetInstance, lease: Double, pending: PendingWrites, health: StorageHealth) {
        self.pool = pool
        self.instance = instance
        self.lease = lease
        self.pending = pending
        self.health = health
    }

    /// Takes (or renews) the lease: the first call before the gateway admits anything.
    func beat() async throws {
        _ = try await pool.query(
            """
            INSERT INTO instances (id, name, started_at, alive_until) VALUES (\(instance.id), \(instance.name), orchestra_now(),
                orchestra_now() + \(lease))
            ON CONFLICT (id) DO UPDATE SET alive_until = excluded.alive_until
            """)
    }

    /// Deletes the reservations and parallel slots of instances whose lease ran out, and instances gone
    /// for a day. (Window rows leave as each window's next admission drops them.)
    func sweep() async throws {
        _ = try await pool.query(
            """
            WITH dead AS (SELECT id FROM instances WHERE alive_until < orchestra_now()),
                released AS (DELETE FROM budget_reservations WHERE instance IN (SELECT id FROM dead) RETURNING 1),
                closed AS (DELETE FROM rate_open WHERE instance IN (SELECT id FROM dead) RETURNING 1)
            SELECT (SELECT count(*) FROM released), (SELECT count(*) FROM closed)
            """)
        _ = try await pool.query("DELETE FROM instances WHERE alive_until < orchestra_now() - 86400")
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(self.lease / 3)) }
            guard !Task.isShuttingDownGracefully && !Task.isCancelled else { break }
            do {
                try await beat()
                health.reached()
                let landed = await pending.retry()
                if landed > 0 { pool.logger.notice("wrote \(landed) settlement(s) held while the database was away") }
                try await sweep()
            } catch {
                health.failed(error)
            }
        }
        // Stopped: everything in flight has been answered; whatever this instance still holds is free now.
        _ = await pending.retry()
        _ = try? await pool.query("UPDATE instances SET alive_until = orchestra_now() WHERE id = \(instance.id)")
    }
}
