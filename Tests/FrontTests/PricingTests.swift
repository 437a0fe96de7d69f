import Shared
import Testing

@testable import OrchestraFront

@Suite("Pricing")
struct PricingTests {
    static func config(reference: (Double, Double)? = nil) -> GatewayConfig {
        var priced = ModelInfo(id: "m", inputPrice: 2, outputPrice: 6)
        priced.cachedInputPrice = 0.5
        let provider = ProviderConfig(
            name: "p", displayName: "P", dialect: .openai, baseURL: "http://h", key: .none,
            models: [priced, ModelInfo(id: "unpriced"), ModelInfo(id: "half", inputPrice: 1)]
        )
        var usage = UsageConfig()
        usage.referenceInputPrice = reference?.0
        usage.referenceOutputPrice = reference?.1
        return GatewayConfig(providers: [provider], usage: usage)
    }

    @Test("input, cached input and output priced per million tokens")
    func prices() {
        let pricing = Pricing(config: Self.config())
        let usage = UsageReport(promptTokens: 1_000_000, completionTokens: 500_000, cachedTokens: 400_000)
        // 600k fresh × $2 + 400k cached × $0.5 + 500k × $6
        #expect(pricing.cost(provider: "p", model: "m", usage: usage) == 1.2 + 0.2 + 3.0)
    }

    @Test("cached tokens beyond the prompt are not priced twice")
    func cachedClamp() {
        let pricing = Pricing(config: Self.config())
        let usage = UsageReport(promptTokens: 10, completionTokens: 0, cachedTokens: 50)
        #expect(pricing.cost(provider: "p", model: "m", usage: usage) == 10 * 0.5 / 1_000_000)
    }

    @Test("an unknown price stays unknown, never $0")
    func unknown() {
        let pricing = Pricing(config: Self.config())
        let usage = UsageReport(promptTokens: 10, completionTokens: 10)
        #expect(pricing.cost(provider: "p", model: "unpriced", usage: usage) == nil)
        #expect(pricing.cost(provider: "p", model: "half", usage: usage) == nil)
        #expect(pricing.cost(provider: "p", model: "not-in-catalog", usage: usage) == nil)
        #expect(pricing.referenceCost(usage: usage) == nil)
    }

    @Test("the reference model's cost, for savings")
    func reference() {
        let pricing = Pricing(config: Self.config(reference: (3, 15)))
        #expect(pricing.referenceCost(usage: UsageReport(promptTokens: 1_000_000, completionTokens: 1_000_000)) == 18)
    }
}
