import Foundation
import Logging
import Shared

/// Decides whether a caller's request may go, before anything is sent: the model must be on every
/// allow-list in force, the worst-case cost must fit every budget (and is reserved), and the key's and
/// team's rpm, tpm and parallel limits must have room (waiting up to `max_wait`). Callers without
/// limits (no keys, the admin key, keys without limits) pass without a lookup.
struct AccessGate: Sendable {
    let config: GatewayConfig
    let pricing: Pricing
    let ledger: (any BudgetLedger)?
    let limiter: CallerLimiter
    let logger: Logger
    /// With the shared database unreachable, admit budgeted requests unchecked (`budget_fail_open`).
    var budgetFailOpen = false
    /// The wall clock, for budget periods (injected by tests).
    var now: @Sendable () -> Date = { Date() }

    /// What the gate reads of a request.
    struct Ask: Sendable {
        var model: String
        var endpoint: Endpoint
        var bodyBytes: Int
        var maxTokens: Int?
    }

    func admit(_ caller: Caller, _ ask: Ask, requestID: String) async throws(GatewayError) -> Admission? {
        guard !caller.isUnlimited else { return nil }
        let scopes = caller.scopes
        guard caller.mayUse(ask.model) else {
            throw GatewayError(
                .modelNotAllowed, message: "Your key may not use the model '\(ask.model)'. GET /v1/models lists the models it may use.",
                param: "model")
        }
        let budget = try budgetAsk(scopes, ask)
        // The rate slot first: a request waiting for its rpm holds no money that others could use. With
        // the fleet's windows, the budget is reserved in the same round trip.
        let acquired = try await limiter.acquire(
            scopes, tokens: ask.bodyBytes / 4 + (ask.maxTokens ?? 256), requestID: requestID, budget: budget)
        let ticket = acquired.ticket
        var claims: [BudgetClaim] = []
        if let budget {
            do throws(GatewayError) {
                let verdict: BudgetVerdict?
                if let reservedWithTheSlot = acquired.budget {
                    verdict = reservedWithTheSlot
                } else {
                    verdict = try await reserve(budget, requestID: requestID)
                }
                if case .refused(let claim, let standing) = verdict {
                    throw refusal(claim, standing, budget: budget, scopes: scopes)
                }
                if verdict != nil { claims = budget.claims }
            } catch {
                if let ticket { limiter.finish(ticket, tokens: 0) }
                throw error
            }
        }
        guard !claims.isEmpty || ticket != nil else { return nil }
        return Admission(
            requestID: requestID, headers: Self.rateHeaders(ticket?.standing ?? limiter.standing(scopes)),
            ledger: claims.isEmpty ? nil : ledger, claims: claims, limiter: limiter, ticket: ticket, logger: logger)
    }

    /// The claims of every budget in force and the request's worst-case cost, or `nil` when none is.
    private func budgetAsk(_ scopes: [Caller.Scope], _ ask: Ask) throws(GatewayError) -> BudgetAsk? {
        let budgeted = scopes.filter { $0.limits.budgetUSD != nil }
        guard !budgeted.isEmpty else { return nil }
        guard ledger != nil else {
            throw GatewayError(.usageUnavailable, message: "Budgets cannot be checked: the gateway's database could not be opened.")
        }
        var worst = 0.0
        for candidate in candidates(ask.model) {
            if let info = pricing.info(candidate),
                let cost = WorstCaseCost.usd(bodyBytes: ask.bodyBytes, maxTokens: ask.maxTokens, model: info, endpoint: ask.endpoint)
            {
                worst = max(worst, cost)
            } else if !budgeted.allSatisfy(\.limits.allowUnpriced) {
                throw GatewayError(
                    .unpricedModel,
                    message:
                        "'\(candidate)' has no known price, and your key has a budget: unknown is not free. Set prices for it in the config, or allow_unpriced on the key.",
                    param: "model")
            }
        }
        let time = now()
        let claims = budgeted.map { scope in
            BudgetClaim(
                subject: scope.subject,
                periodStart: scope.limits.period.bounds(containing: time, in: config.auth.budgetTimeZone).start.timeIntervalSince1970,
                limitUSD: scope.limits.budgetUSD ?? 0)
        }
        return BudgetAsk(claims: claims, amountUSD: worst, time: time)
    }

    /// Reserves the worst case against every claim; `nil` when the database is unreachable and
    /// `budget_fail_open` lets the request go unchecked.
    private func reserve(_ budget: BudgetAsk, requestID: String) async throws(GatewayError) -> BudgetVerdict? {
        guard let ledger else { return nil }
        do {
            return try await ledger.reserve(requestID: requestID, claims: budget.claims, amountUSD: budget.amountUSD, at: budget.time)
        } catch {
            if budgetFailOpen {
                logger.warning("budget not checked (the database is unreachable; budget_fail_open lets \(requestID) go): \(error)")
                return nil
            }
            logger.error("budget reservation failed: \(error)")
            throw GatewayError(.usageUnavailable, message: "The budget could not be checked (database error); nothing was sent.")
        }
    }

    /// The 429 for a budget without room: whose, how much, and when it resets.
    private func refusal(_ claim: BudgetClaim, _ standing: BudgetStanding, budget: BudgetAsk, scopes: [Caller.Scope]) -> GatewayError {
        let scope = scopes.first { $0.subject == claim.subject }
        let period = scope?.limits.period ?? .day
        let reset = period.bounds(containing: budget.time, in: config.auth.budgetTimeZone).end
        let owner = claim.subject.hasPrefix("team:") ? "your team's" : "your key's"
        var message = String(
            format: "You exceeded %@ budget: $%.4f of $%.2f spent or reserved, and this request may cost up to $%.4f.", owner,
            standing.spentUSD + standing.reservedUSD, claim.limitUSD, budget.amountUSD)
        var headers = [HTTPHeader(name: "x-should-retry", value: "false")]
        if let reset {
            let stamp = reset.formatted(.iso8601)
            message += " The \(period.rawValue) budget resets at \(stamp)."
            headers.append(HTTPHeader(name: "x-orchestra-budget-reset", value: stamp))
        }
        return GatewayError(.quotaExhausted, message: message, headers: headers)
    }

    /// The gateway models a name may be served by: a route's members, or the model itself.
    private func candidates(_ model: String) -> [String] {
        if model.hasPrefix("route/"), let route = config.routes[String(model.dropFirst(6))] { return route.models }
        if ModelID(model).map({ config.provider(named: $0.provider) == nil }) ?? true, let route = config.routes[model] {
            return route.models
        }
        return [model]
    }

    /// OpenAI's `x-ratelimit-*` headers for the caller's tightest per-minute window.
    static func rateHeaders(_ standing: CallerWindows.Standing?) -> [HTTPHeader] {
        guard let standing else { return [] }
        let reset = "\(Int(standing.resetIn.rounded(.up)))s"
        var headers: [HTTPHeader] = []
        if let limit = standing.requestLimit, let left = standing.requestsLeft {
            headers += [
                HTTPHeader(name: "x-ratelimit-limit-requests", value: String(limit)),
                HTTPHeader(name: "x-ratelimit-remaining-requests", value: String(left)),
                HTTPHeader(name: "x-ratelimit-reset-requests", value: reset),
            ]
        }
        if let limit = standing.tokenLimit, let left = standing.tokensLeft {
            headers += [
                HTTPHeader(name: "x-ratelimit-limit-tokens", value: String(limit)),
                HTTPHeader(name: "x-ratelimit-remaining-tokens", value: String(left)),
                HTTPHeader(name: "x-ratelimit-reset-tokens", value: reset),
            ]
        }
        return headers
    }
}
