import Foundation
import GRDB

/// Budget spend and reservations in the gateway's SQLite database. SQLite runs one write transaction
/// at a time, so the check and the reservation of one request cannot interleave with another's.
struct SQLiteBudgetLedger: BudgetLedger {
    let pool: DatabasePool

    func reserve(requestID: String, claims: [BudgetClaim], amountUSD: Double, at time: Date) async throws -> BudgetVerdict {
        try await pool.write { db in
            for claim in claims {
                let standing = try Self.standing(db, subject: claim.subject, periodStart: claim.periodStart)
                if standing.spentUSD + standing.reservedUSD + amountUSD > claim.limitUSD + 1e-9 { return .refused(claim, standing) }
            }
            for claim in claims {
                try db.execute(
                    sql: """
                        INSERT INTO budget_reservations (request_id, subject, period_start, amount_usd, created_at) VALUES (?, ?, ?, ?, ?)
                        """,
                    arguments: [requestID, claim.subject, claim.periodStart, amountUSD, time.timeIntervalSince1970])
            }
            return .reserved
        }
    }

    func settle(requestID: String, claims: [BudgetClaim], costUSD: Double) async throws {
        try await pool.write { db in
            try db.execute(
                sql: """
                    INSERT INTO budget_spend (subject, period_start, spent_usd)
                        SELECT subject, period_start, ? FROM budget_reservations WHERE request_id = ?
                    ON CONFLICT (subject, period_start) DO UPDATE SET spent_usd = spent_usd + excluded.spent_usd
                    """,
                arguments: [costUSD, requestID])
            try db.execute(sql: "DELETE FROM budget_reservations WHERE request_id = ?", arguments: [requestID])
        }
    }

    func releaseAbandoned() throws -> Int {
        try pool.write { db in
            try db.execute(sql: "DELETE FROM budget_reservations")
            return db.changesCount
        }
    }

    func standing(subject: String, periodStart: Double) throws -> BudgetStanding {
        try pool.read { db in try Self.standing(db, subject: subject, periodStart: periodStart) }
    }

    private static func standing(_ db: Database, subject: String, periodStart: Double) throws -> BudgetStanding {
        let spent =
            try Double.fetchOne(
                db, sql: "SELECT spent_usd FROM budget_spend WHERE subject = ? AND period_start = ?", arguments: [subject, periodStart])
            ?? 0
        let reserved =
            try Double.fetchOne(
                db, sql: "SELECT COALESCE(SUM(amount_usd), 0) FROM budget_reservations WHERE subject = ? AND period_start = ?",
                arguments: [subject, periodStart]) ?? 0
        return BudgetStanding(spentUSD: spent, reservedUSD: reserved)
    }
}
