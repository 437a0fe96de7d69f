import Foundation
import Hummingbird
import Shared

/// `GET /v1/key/info`: the calling key's own record (id, name, prefix, dates, team, limits; never the
/// key) and, for each budget in force, what is spent, reserved and left in the current period, so a
/// team member sees what is left. With client keys off there is no key to describe: 404.
struct KeyInfoRoute: Sendable {
    let access: Gateway.Access?
    let gate: AccessGate

    struct Info: Encodable {
        var id: String
        var name: String
        var prefix: String
        var created_at: String
        var expires_at: String?
        var team: TeamInfo?
        var limits: AccessLimits
        var budgets: [BudgetInfo]
        var metadata: [String: String]
    }

    struct TeamInfo: Encodable {
        var id: String
        var name: String
        var limits: AccessLimits
    }

    struct BudgetInfo: Encodable {
        /// `key` or `team`.
        var scope: String
        var period: String
        var period_start: String
        var resets_at: String?
        var budget_usd: Double
        var spent_usd: Double
        var reserved_usd: Double
        var remaining_usd: Double
    }

    func info(_ request: Request, context: some RequestContext) throws -> Response {
        let caller = Caller.current
        guard let access, let key = caller.key else {
            throw GatewayError(
                .notFound, message: "Client keys are off on this gateway, or this is the admin key: there is no key to describe.")
        }
        let now = gate.now()
        var budgets: [BudgetInfo] = []
        for scope in caller.scopes {
            guard let budget = scope.limits.budgetUSD else { continue }
            let bounds = scope.limits.period.bounds(containing: now, in: gate.config.auth.budgetTimeZone)
            let standing = try access.ledger.standing(subject: scope.subject, periodStart: bounds.start.timeIntervalSince1970)
            budgets.append(
                BudgetInfo(
                    scope: scope.subject.hasPrefix("team:") ? "team" : "key", period: scope.limits.period.rawValue,
                    period_start: bounds.start.formatted(.iso8601), resets_at: bounds.end?.formatted(.iso8601), budget_usd: budget,
                    spent_usd: standing.spentUSD, reserved_usd: standing.reservedUSD,
                    remaining_usd: max(0, budget - standing.spentUSD - standing.reservedUSD)))
        }
        let info = Info(
            id: key.id, name: key.name, prefix: key.prefix, created_at: key.createdAt.formatted(.iso8601),
            expires_at: key.expiresAt?.formatted(.iso8601), team: caller.team.map { TeamInfo(id: $0.id, name: $0.name, limits: $0.limits) },
            limits: key.limits, budgets: budgets, metadata: key.metadata)
        return try StatusRoutes.json(info, status: .ok)
    }
}
