import Shared

/// The most a request may cost before its answer is known, for the budget reservation: its prompt at
/// no fewer than two bytes of body per token (JSON framing makes real prompts cheaper than that),
/// plus `max_tokens`, else the model's maximum output, else its context window, at the output price.
enum WorstCaseCost {
    /// Output tokens reserved when neither the request nor the catalog bounds the answer.
    static let unboundedOutputTokens = 32_768

    static func promptTokens(bodyBytes: Int) -> Int { (bodyBytes + 1) / 2 }

    static func outputTokens(maxTokens: Int?, model: ModelInfo, endpoint: Endpoint) -> Int {
        if endpoint == .embeddings { return 0 }
        return maxTokens ?? model.maxOutput ?? model.contextLength ?? unboundedOutputTokens
    }

    /// US dollars; `nil` when the model's price is unknown.
    static func usd(bodyBytes: Int, maxTokens: Int?, model: ModelInfo, endpoint: Endpoint) -> Double? {
        guard let input = model.inputPrice, let output = model.outputPrice else { return nil }
        let prompt = Double(promptTokens(bodyBytes: bodyBytes)) * input
        return (prompt + Double(outputTokens(maxTokens: maxTokens, model: model, endpoint: endpoint)) * output) / 1_000_000
    }
}
