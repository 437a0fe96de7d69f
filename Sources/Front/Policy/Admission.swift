import Foundation
import Logging
import Shared
import Synchronization

/// What an admitted request holds against its caller's limits: a budget reservation and a place in the
/// rate windows. Settled once, with the real cost and tokens, when the answer ends; a request dropped
/// on any other path (a cancelled task) releases both when this goes away.
final class Admission: Sendable {
    let requestID: String
    /// `x-ratelimit-*` for the caller's own key or team.
    let headers: [HTTPHeader]
    private let ledger: (any BudgetLedger)?
    /// The budgets the reservation was taken against: settled against the same ones.
    private let claims: [BudgetClaim]
    private let limiter: CallerLimiter
    private let ticket: CallerWindows.Ticket?
    private let logger: Logger
    private let settled = Mutex(false)

    init(
        requestID: String, headers: [HTTPHeader], ledger: (any BudgetLedger)?, claims: [BudgetClaim] = [], limiter: CallerLimiter,
        ticket: CallerWindows.Ticket?, logger: Logger
    ) {
        self.requestID = requestID
        self.headers = headers
        self.ledger = ledger
        self.claims = claims
        self.limiter = limiter
        self.ticket = ticket
        self.logger = logger
    }

    /// Books the request's real cost (0 when it failed or has no price) and frees its rate slot.
    func settle(costUSD: Double?, tokens: Int?) {
        let first = settled.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        if let ticket, ticket.sharedRequestID != nil, ledger != nil {
            // The fleet reserved the budget with the slot: one write frees the one and settles the other.
            limiter.finish(ticket, tokens: tokens, settling: BudgetSettlement(claims: claims, costUSD: costUSD ?? 0))
            return
        }
        if let ticket { limiter.finish(ticket, tokens: tokens) }
        guard let ledger else { return }
        let (requestID, claims, logger) = (self.requestID, self.claims, self.logger)
        Task {
            do {
                try await ledger.settle(requestID: requestID, claims: claims, costUSD: costUSD ?? 0)
            } catch {
                logger.error("could not settle the budget of \(requestID); its reservation stays until the next start: \(error)")
            }
        }
    }

    deinit {
        settle(costUSD: 0, tokens: nil)
    }
}
