import Foundation
import Shared

/// What a client key or a team may do: which models, how much money per period, and how fast. Every
/// field is optional; a key in a team is held to both, so the stricter one applies.
struct AccessLimits: Sendable, Equatable, Codable {
    /// Model ids, globs (`mistral/*`) and route names; `nil` allows every model.
    var models: [String]?
    /// US dollars per `period`; `nil` is no budget.
    var budgetUSD: Double?
    var period: BudgetPeriod = .month
    /// Whether a model with an unknown price may be used under a budget (its cost is not counted).
    var allowUnpriced = false
    var rpm: Int?
    var tpm: Int?
    var maxParallel: Int?

    enum CodingKeys: String, CodingKey {
        case models
        case budgetUSD = "budget_usd"
        case period
        case allowUnpriced = "allow_unpriced"
        case rpm, tpm
        case maxParallel = "max_parallel"
    }

    init(
        models: [String]? = nil, budgetUSD: Double? = nil, period: BudgetPeriod = .month, allowUnpriced: Bool = false, rpm: Int? = nil,
        tpm: Int? = nil, maxParallel: Int? = nil
    ) {
        self.models = models
        self.budgetUSD = budgetUSD
        self.period = period
        self.allowUnpriced = allowUnpriced
        self.rpm = rpm
        self.tpm = tpm
        self.maxParallel = maxParallel
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        models = try container.decodeIfPresent([String].self, forKey: .models)
        budgetUSD = try container.decodeIfPresent(Double.self, forKey: .budgetUSD)
        period = try container.decodeIfPresent(BudgetPeriod.self, forKey: .period) ?? .month
        allowUnpriced = try container.decodeIfPresent(Bool.self, forKey: .allowUnpriced) ?? false
        rpm = try container.decodeIfPresent(Int.self, forKey: .rpm)
        tpm = try container.decodeIfPresent(Int.self, forKey: .tpm)
        maxParallel = try container.decodeIfPresent(Int.self, forKey: .maxParallel)
    }

    /// Nothing to check: no allow-list, no budget, no rate (most keys; checked first on every request).
    var isUnlimited: Bool { models == nil && budgetUSD == nil && rpm == nil && tpm == nil && maxParallel == nil }

    /// The per-minute windows and the parallel cap, as the shared limiter counts them.
    var rateLimits: RateLimits {
        var windows: [RateLimits.Window] = []
        if rpm != nil || tpm != nil { windows.append(RateLimits.Window(requests: rpm, tokens: tpm, seconds: 60)) }
        return RateLimits(windows: windows, maxConcurrent: maxParallel)
    }

    /// Why these limits cannot be stored, or `nil` when they can.
    var problem: String? {
        if let budgetUSD, !(budgetUSD >= 0 && budgetUSD <= 1e12) { return "budget_usd must be a number from 0 to 1e12" }
        for (name, value) in [("rpm", rpm), ("tpm", tpm), ("max_parallel", maxParallel)] {
            if let value, !(1...1_000_000_000).contains(value) { return "\(name) must be from 1 to 1,000,000,000" }
        }
        if let models, models.contains(where: { $0.isEmpty }) { return "models must not contain an empty entry" }
        return nil
    }
}
