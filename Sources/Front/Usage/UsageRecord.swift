import Shared

/// One request as accounted: who asked, who served, what it used and cost, how long it took.
struct UsageRecord: Sendable, Codable {
    var time: Double
    var requestID: String
    var client: String
    /// The caller's team id, if its key belongs to one.
    var team: String?
    var route: String?
    var provider: String
    var model: String
    var endpoint: String
    var status: Int
    var usage: UsageReport
    /// US dollars; `nil` when the model has no price (never recorded as 0).
    var cost: Double?
    /// What the same tokens would have cost on the configured reference model.
    var referenceCost: Double?
    var latency: Double
    var timeToFirstByte: Double?
    var attempts: Int
    var fallback: Bool
}

/// Prices tokens with the catalog's (or config's) prices per million tokens.
struct Pricing: Sendable {
    let config: GatewayConfig
    /// `provider/model` → model, looked up once per request.
    private let models: [String: ModelInfo]

    init(config: GatewayConfig) {
        self.config = config
        var models: [String: ModelInfo] = [:]
        for provider in config.providers {
            for model in provider.models { models["\(provider.name)/\(model.id)"] = model }
        }
        self.models = models
    }

    /// The catalog's (or config's) entry for a gateway model id, `provider/model`.
    func info(_ gatewayModel: String) -> ModelInfo? { models[gatewayModel] }

    /// `nil` when the model's input or output price is unknown.
    func cost(provider: String, model: String, usage: UsageReport) -> Double? {
        guard let info = models["\(provider)/\(model)"], let input = info.inputPrice, let output = info.outputPrice else {
            return nil
        }
        let cached = min(usage.cachedTokens, usage.promptTokens)
        let fresh = usage.promptTokens - cached
        return (Double(fresh) * input + Double(cached) * (info.cachedInputPrice ?? input) + Double(usage.completionTokens) * output)
            / 1_000_000
    }

    func referenceCost(usage: UsageReport) -> Double? {
        guard let input = config.usage.referenceInputPrice, let output = config.usage.referenceOutputPrice else { return nil }
        return (Double(usage.promptTokens) * input + Double(usage.completionTokens) * output) / 1_000_000
    }
}
