import Foundation

/// A client key as the admin API and `orchestra keys show` present it: everything but the digest.
struct KeyView: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var prefix: String
    var state: String
    var created_at: String
    var expires_at: String?
    var revoked_at: String?
    var team_id: String?
    var disabled: Bool
    var limits: AccessLimits
    var metadata: [String: String]
    /// Spend against the key's own budget in the current period, when it has one.
    var budget: BudgetView?
    var last_used_at: String?
    /// Only in the answer that creates the key: shown once, never stored.
    var key: String?

    init(_ record: ClientKeyRecord, now: Date, secret: String? = nil, budget: BudgetView? = nil, lastUsed: Date? = nil) {
        id = record.id
        name = record.name
        prefix = record.prefix
        state = record.state(at: now)
        created_at = record.createdAt.formatted(.iso8601)
        expires_at = record.expiresAt?.formatted(.iso8601)
        revoked_at = record.revokedAt?.formatted(.iso8601)
        team_id = record.teamID
        disabled = record.disabled
        limits = record.limits
        metadata = record.metadata
        self.budget = budget
        last_used_at = lastUsed?.formatted(.iso8601)
        key = secret
    }
}

/// A team as the admin API and `orchestra teams show` present it.
struct TeamView: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var created_at: String
    var disabled: Bool
    var limits: AccessLimits
    var metadata: [String: String]
    var keys: Int
    /// Spend against the team's budget in the current period, when it has one.
    var budget: BudgetView?

    init(_ team: TeamRecord, keys: Int, budget: BudgetView? = nil) {
        id = team.id
        name = team.name
        created_at = team.createdAt.formatted(.iso8601)
        disabled = team.disabled
        limits = team.limits
        metadata = team.metadata
        self.keys = keys
        self.budget = budget
    }
}

/// Changes to a key or team, as the admin API's `PATCH` and the CLI's `update` take them: a field
/// left out stays as it is; `null` clears an optional one.
struct AccessChange: Sendable, Equatable {
    var name: String?
    var teamID: String??
    var expiresAt: Date??
    var disabled: Bool?
    var models: [String]??
    var budgetUSD: Double??
    var period: BudgetPeriod?
    var allowUnpriced: Bool?
    var rpm: Int??
    var tpm: Int??
    var maxParallel: Int??
    var metadata: [String: String]?

    func apply(to limits: inout AccessLimits) {
        if let models { limits.models = models }
        if let budgetUSD { limits.budgetUSD = budgetUSD }
        if let period { limits.period = period }
        if let allowUnpriced { limits.allowUnpriced = allowUnpriced }
        if let rpm { limits.rpm = rpm }
        if let tpm { limits.tpm = tpm }
        if let maxParallel { limits.maxParallel = maxParallel }
    }

    func apply(to key: inout ClientKeyRecord) throws(AccessStoreError) {
        if let name { key.name = try Self.validName(name) }
        if let teamID { key.teamID = teamID }
        if let expiresAt { key.expiresAt = expiresAt }
        if let disabled { key.disabled = disabled }
        if let metadata { key.metadata = metadata }
        apply(to: &key.limits)
        if let problem = key.limits.problem { throw .invalid(problem) }
    }

    func apply(to team: inout TeamRecord) throws(AccessStoreError) {
        if let name { team.name = try Self.validName(name) }
        if let disabled { team.disabled = disabled }
        if let metadata { team.metadata = metadata }
        apply(to: &team.limits)
        if let problem = team.limits.problem { throw .invalid(problem) }
    }

    static func validName(_ name: String) throws(AccessStoreError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw .invalid("name must be 1 to 200 characters") }
        return trimmed
    }
}

/// A budget in its current period: what is spent, reserved by requests under way, and left.
struct BudgetView: Codable, Sendable, Equatable {
    /// `key` or `team`.
    var scope: String
    var period: String
    var period_start: String
    var resets_at: String?
    var budget_usd: Double
    var spent_usd: Double
    var reserved_usd: Double
    var remaining_usd: Double

    /// The standing of `subject`'s budget at `now`, or `nil` when its limits carry none.
    static func of(
        subject: String, limits: AccessLimits, ledger: any BudgetLedger, now: Date, timeZone: TimeZone
    ) async throws -> BudgetView? {
        guard let budget = limits.budgetUSD else { return nil }
        let bounds = limits.period.bounds(containing: now, in: timeZone)
        let standing = try await ledger.standing(subject: subject, periodStart: bounds.start.timeIntervalSince1970)
        return BudgetView(
            scope: subject.hasPrefix("team:") ? "team" : "key", period: limits.period.rawValue,
            period_start: bounds.start.formatted(.iso8601),
            resets_at: bounds.end?.formatted(.iso8601), budget_usd: budget, spent_usd: standing.spentUSD,
            reserved_usd: standing.reservedUSD, remaining_usd: max(0, budget - standing.spentUSD - standing.reservedUSD))
    }
}
