import Foundation

/// One budget a request counts against: a key's or a team's, in the period the request started in.
struct BudgetClaim: Sendable, Equatable {
    /// `key:<id>` or `team:<id>`.
    var subject: String
    var periodStart: Double
    var limitUSD: Double
}

/// Where budget spend and open reservations live. A reservation is taken for every claim of a request
/// in one transaction, or for none; settling it adds the real cost to each claim's spend and drops the
/// reservation in one transaction. So concurrent requests never push spend over a budget, and a
/// reservation left by a killed gateway is released at the next start.
protocol BudgetLedger: Sendable {
    /// Reserves `amountUSD` for `requestID` against every claim, or refuses naming the first claim
    /// without room for it.
    func reserve(requestID: String, claims: [BudgetClaim], amountUSD: Double, at time: Date) async throws -> BudgetVerdict
    /// Turns the request's reservations into spend of `costUSD` against each of its `claims`.
    func settle(requestID: String, claims: [BudgetClaim], costUSD: Double) async throws
    /// Drops the reservations no running gateway holds (their requests died with the process that made
    /// them); returns how many.
    func releaseAbandoned() async throws -> Int
    /// Spent and reserved in a subject's period.
    func standing(subject: String, periodStart: Double) async throws -> BudgetStanding
}

/// What a request asks of its budgets: the worst-case cost against each claim, at the time it came.
struct BudgetAsk: Sendable, Equatable {
    var claims: [BudgetClaim]
    var amountUSD: Double
    var time: Date
}

struct BudgetStanding: Sendable, Equatable {
    var spentUSD: Double
    var reservedUSD: Double
}

enum BudgetVerdict: Sendable, Equatable {
    case reserved
    case refused(BudgetClaim, BudgetStanding)
}
