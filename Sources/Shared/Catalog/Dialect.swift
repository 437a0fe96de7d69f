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

/// How a provider serves the legacy `/v1/completions` (autocomplete) and `/v1/fim/completions` endpoints.
public enum CompletionsMode: String, Sendable, Codable, CaseIterable {
    /// The upstream has OpenAI's `/completions` (vLLM, Ollama, llama.cpp): requests pass through.
    case native
    /// The upstream has Mistral's `/fim/completions` for its FIM models (Codestral); other models
    /// are served through chat.
    case fim
    /// Chat only: the prompt becomes a chat request and the answer is turned back into text.
    case chat
}
