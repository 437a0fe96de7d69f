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
        var budgets: [BudgetView]
        var metadata: [String: String]
    }

    struct TeamInfo: Encodable {
        var id: String
        var name: String
        var limits: AccessLimits
    }

    func info(_ request: Request, context: some RequestContext) async throws -> Response {
        let caller = Caller.current
        guard let access, let key = caller.key else {
            throw GatewayError(
                .notFound, message: "Client keys are off on this gateway, or this is the admin key: there is no key to describe.")
        }
        let now = gate.now()
        var budgets: [BudgetView] = []
        for scope in caller.scopes {
            if let budget = try await BudgetView.of(
                subject: scope.subject, limits: scope.limits, ledger: access.ledger, now: now, timeZone: gate.config.auth.budgetTimeZone)
            {
                budgets.append(budget)
            }
        }
        let info = Info(
            id: key.id, name: key.name, prefix: key.prefix, created_at: key.createdAt.formatted(.iso8601),
            expires_at: key.expiresAt?.formatted(.iso8601), team: caller.team.map { TeamInfo(id: $0.id, name: $0.name, limits: $0.limits) },
            limits: key.limits, budgets: budgets, metadata: key.metadata)
        return try StatusRoutes.json(info, status: .ok)
    }
}
