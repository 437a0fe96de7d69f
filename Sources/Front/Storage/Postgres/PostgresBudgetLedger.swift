import Foundation
import PostgresNIO

/// Budget spend and reservations in the shared database, so instances together never spend past a
/// budget. A reservation carries its instance: it counts while that instance's heartbeat lease runs,
/// so one killed with `kill -9` holds budget for one lease at most. Each call is one round trip to a
/// function of the schema that locks the claims' subjects in a fixed order and decides under the lock.
struct PostgresBudgetLedger: BudgetLedger {
    let pool: PostgresPool
    let instance: FleetInstance
    let pending: PendingWrites

    func reserve(requestID: String, claims: [BudgetClaim], amountUSD: Double, at time: Date) async throws -> BudgetVerdict {
        let subjects = claims.map(\.subject)
        let periods = claims.map(\.periodStart)
        let limits = claims.map(\.limitUSD)
        let rows = try await pool.query(
            """
            SELECT refused, spent, reserved FROM orchestra_reserve(\(requestID), \(instance.id), \(subjects), \(periods), \(limits),
                \(amountUSD))
            """)
        let (refused, spent, reserved) = try rows.first?.decode((Int?, Double?, Double?).self) ?? (nil, nil, nil)
        guard let refused, refused >= 1, refused <= claims.count else { return .reserved }
        return .refused(claims[refused - 1], BudgetStanding(spentUSD: spent ?? 0, reservedUSD: reserved ?? 0))
    }

    /// Never fails: a settlement the database cannot take now is retried by the heartbeat until it lands
    /// (the reservation holds the money meanwhile).
    func settle(requestID: String, claims: [BudgetClaim], costUSD: Double) async throws {
        let (pool, subjects, periods) = (self.pool, claims.map(\.subject), claims.map(\.periodStart))
        let write: PendingWrites.Write = {
            _ = try await pool.query("SELECT orchestra_settle(\(requestID), \(subjects), \(periods), \(costUSD))")
        }
        do { try await write() } catch { pending.add(write) }
    }

    /// Deletes the reservations of instances whose lease ran out (the heartbeat also sweeps them).
    func releaseAbandoned() async throws -> Int {
        try await pool.query(
            """
            WITH gone AS (
                DELETE FROM budget_reservations r WHERE NOT EXISTS (
                    SELECT 1 FROM instances i WHERE i.id = r.instance AND i.alive_until >= orchestra_now())
                RETURNING 1)
            SELECT count(*) FROM gone
            """
        ).first?.decode(Int.self) ?? 0
    }

    func standing(subject: String, periodStart: Double) async throws -> BudgetStanding {
        let rows = try await pool.query(
            """
            SELECT coalesce((SELECT spent_usd FROM budget_spend WHERE subject = \(subject) AND period_start = \(periodStart)), 0),
                coalesce((SELECT sum(r.amount_usd) FROM budget_reservations r JOIN instances i ON i.id = r.instance
                    WHERE r.subject = \(subject) AND r.period_start = \(periodStart) AND i.alive_until >= orchestra_now()), 0)
            """)
        let (spent, reserved) = try rows.first?.decode((Double, Double).self) ?? (0, 0)
        return BudgetStanding(spentUSD: spent, reservedUSD: reserved)
    }
}
