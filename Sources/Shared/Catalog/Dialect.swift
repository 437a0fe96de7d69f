/// The wire language a provider's upstream speaks; it picks the worker's translator.
public enum DialectKind: String, Sendable, Codable, CaseIterable {
    /// OpenAI Chat Completions, passed through (with per-provider quirks).
    case openai
    /// Google's native `generateContent` API.
    case gemini
    /// Anthropic's Messages API.
    case anthropic
    /// The built-in offline provider: answers locally, no network, no key.
    case demo
}
