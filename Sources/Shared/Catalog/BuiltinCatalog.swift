/// The eight providers Orchestra ships with, plus the offline `demo` provider.
///
/// Figures come from `shared/reference/providers.md` §5 (prices "as published, date unknown"; limits and
/// model lists change often, so config can add or override any entry).
public enum BuiltinCatalog {
    public static let providers: [ProviderDefinition] = [
        demo, kimi, nvidia, mistral, codestral, openrouter, siliconflow, groq, cerebras, gemini,
    ]

    public static func provider(named name: String) -> ProviderDefinition? {
        providers.first { $0.name == name }
    }

    public static let demo = ProviderDefinition(
        name: "demo", displayName: "Demo (offline)", dialect: .demo, baseURL: "local:", apiKeyEnv: nil,
        colour: "#8b949e",
        models: [
            ModelInfo(id: "echo", contextLength: 8192, maxOutput: 4096, inputPrice: 0, outputPrice: 0),
            ModelInfo(id: "slow", contextLength: 8192, maxOutput: 4096, inputPrice: 0, outputPrice: 0),
            ModelInfo(id: "embed", contextLength: 8192, embedding: true, inputPrice: 0, outputPrice: 0),
        ]
    )

    public static let kimi = ProviderDefinition(
        // Kimi Code's Anthropic-compatible endpoint (`/v1/messages`) is the one its coding agents use.
        name: "kimi", displayName: "Kimi Code", dialect: .anthropic, baseURL: "https://api.kimi.com/coding",
        apiKeyEnv: "KIMI_API_KEY", colour: "#1f6feb", quirks: .kimi,
        models: [
            ModelInfo(
                id: "kimi-for-coding", contextLength: 262_144, maxOutput: 32_768, tools: true, vision: true,
                reasoning: true, inputPrice: 0, outputPrice: 0
            )
        ]
    )

    public static let nvidia = ProviderDefinition(
        name: "nvidia", displayName: "NVIDIA NIM", dialect: .openai, baseURL: "https://integrate.api.nvidia.com/v1",
        apiKeyEnv: "NVIDIA_API_KEY", colour: "#76b900", quirks: .nvidia,
        models: [
            ModelInfo(
                id: "moonshotai/kimi-k2.5", contextLength: 262_144, maxOutput: 262_144, tools: true, vision: true,
                reasoning: true, inputPrice: 0, outputPrice: 0
            ),
            ModelInfo(
                id: "moonshotai/kimi-k2-thinking", contextLength: 262_144, maxOutput: 262_144, tools: true, reasoning: true,
                inputPrice: 0, outputPrice: 0
            ),
        ]
    )

    public static let mistral = ProviderDefinition(
        name: "mistral", displayName: "Mistral", dialect: .openai, baseURL: "https://api.mistral.ai/v1",
        apiKeyEnv: "MISTRAL_API_KEY", colour: "#fa520f", quirks: .mistral, completions: .fim,
        completionRedirect: CompletionRedirect(modelPrefix: "codestral", provider: "codestral"),
        models: [
            ModelInfo(
                id: "codestral-2501", contextLength: 256_000, maxOutput: 4_096, tools: true, fim: true,
                inputPrice: 0.30, outputPrice: 0.90
            ),
            ModelInfo(
                id: "mistral-large-2411", contextLength: 131_072, maxOutput: 16_384, tools: true,
                inputPrice: 2.00, outputPrice: 6.00
            ),
            ModelInfo(
                id: "pixtral-large-2411", contextLength: 128_000, maxOutput: 128_000, tools: true, vision: true,
                inputPrice: 2.00, outputPrice: 6.00
            ),
            ModelInfo(
                id: "ministral-8b-2410", contextLength: 128_000, maxOutput: 128_000, tools: true,
                inputPrice: 0.10, outputPrice: 0.10
            ),
            ModelInfo(id: "mistral-embed", contextLength: 8_192, embedding: true, inputPrice: 0.10, outputPrice: 0),
        ]
    )

    /// Mistral's endpoint for IDE plugins: Codestral chat and FIM with its own (Codestral) key.
    /// Autocomplete for `mistral/codestral-*` goes here when this provider has a key.
    public static let codestral = ProviderDefinition(
        name: "codestral", displayName: "Codestral", dialect: .openai, baseURL: "https://codestral.mistral.ai/v1",
        apiKeyEnv: "CODESTRAL_API_KEY", colour: "#ff8205", quirks: .mistral, completions: .fim,
        models: [
            ModelInfo(
                id: "codestral-latest", contextLength: 256_000, maxOutput: 4_096, tools: true, fim: true,
                inputPrice: 0.30, outputPrice: 0.90
            ),
            ModelInfo(
                id: "codestral-2501", contextLength: 256_000, maxOutput: 4_096, tools: true, fim: true,
                inputPrice: 0.30, outputPrice: 0.90
            ),
        ]
    )

    public static let openrouter = ProviderDefinition(
        name: "openrouter", displayName: "OpenRouter", dialect: .openai, baseURL: "https://openrouter.ai/api/v1",
        apiKeyEnv: "OPENROUTER_API_KEY", colour: "#6467f2", quirks: .openrouter,
        models: [
            // OpenRouter fronts hundreds of models; any `openrouter/<slug>` is routed. These are common picks.
            ModelInfo(
                id: "openai/gpt-oss-120b:free", contextLength: 131_072, maxOutput: 32_768, tools: true,
                reasoning: true, inputPrice: 0, outputPrice: 0),
            ModelInfo(
                id: "qwen/qwen3-coder:free", contextLength: 262_144, maxOutput: 32_768, tools: true,
                inputPrice: 0, outputPrice: 0),
            // A stealth model: its price is not published, so it stays unknown (never shown as free).
            ModelInfo(id: "openrouter/aurora-alpha", contextLength: 128_000),
        ]
    )

    public static let siliconflow = ProviderDefinition(
        name: "siliconflow", displayName: "SiliconFlow", dialect: .openai, baseURL: "https://api.siliconflow.com/v1",
        apiKeyEnv: "SILICONFLOW_API_KEY", colour: "#7c3aed", quirks: .siliconflow,
        models: [
            ModelInfo(
                id: "Qwen/Qwen3-32B", contextLength: 131_000, maxOutput: 131_000, tools: true, reasoning: true,
                inputPrice: 0.14, outputPrice: 0.57),
            ModelInfo(
                id: "deepseek-ai/DeepSeek-V3.2", contextLength: 164_000, maxOutput: 164_000, tools: true,
                reasoning: true, inputPrice: 0.27, outputPrice: 0.42),
        ]
    )

    public static let groq = ProviderDefinition(
        name: "groq", displayName: "Groq", dialect: .openai, baseURL: "https://api.groq.com/openai/v1",
        apiKeyEnv: "GROQ_API_KEY", colour: "#f55036", quirks: .groq,
        models: [
            ModelInfo(id: "groq/compound", contextLength: 131_072, maxOutput: 8_192),
            ModelInfo(
                id: "qwen/qwen3-32b", contextLength: 131_072, maxOutput: 40_960, tools: true, reasoning: true,
                inputPrice: 0.29, outputPrice: 0.59),
            ModelInfo(
                id: "openai/gpt-oss-120b", contextLength: 131_072, maxOutput: 65_536, tools: true,
                reasoning: true, inputPrice: 0.15, outputPrice: 0.60),
        ]
    )

    public static let cerebras = ProviderDefinition(
        name: "cerebras", displayName: "Cerebras", dialect: .openai, baseURL: "https://api.cerebras.ai/v1",
        apiKeyEnv: "CEREBRAS_API_KEY", colour: "#f97316", quirks: .cerebras,
        models: [
            ModelInfo(
                id: "qwen-3-235b-a22b-instruct-2507", contextLength: 131_000, maxOutput: 32_000, tools: true,
                inputPrice: 0.60, outputPrice: 1.20),
            ModelInfo(
                id: "gpt-oss-120b", contextLength: 131_072, maxOutput: 40_960, tools: true, reasoning: true,
                inputPrice: 0.35, outputPrice: 0.75),
            ModelInfo(
                id: "zai-glm-4.7", contextLength: 131_072, maxOutput: 40_960, tools: true, reasoning: true,
                inputPrice: 2.25, outputPrice: 2.75),
        ]
    )

    public static let gemini = ProviderDefinition(
        name: "gemini", displayName: "Google Gemini", dialect: .gemini,
        baseURL: "https://generativelanguage.googleapis.com/v1beta", apiKeyEnv: "GEMINI_API_KEY", colour: "#4285f4",
        models: [
            ModelInfo(
                id: "gemini-2.5-flash-lite", contextLength: 1_048_576, maxOutput: 65_536, tools: true,
                vision: true, reasoning: true, inputPrice: 0.10, outputPrice: 0.40),
            ModelInfo(
                id: "gemini-2.5-flash", contextLength: 1_048_576, maxOutput: 65_536, tools: true, vision: true,
                reasoning: true, inputPrice: 0.30, outputPrice: 2.50),
            ModelInfo(
                id: "gemini-2.5-pro", contextLength: 1_048_576, maxOutput: 65_536, tools: true, vision: true,
                reasoning: true, inputPrice: 1.25, outputPrice: 10.00),
            ModelInfo(
                id: "gemini-3-flash-preview", contextLength: 1_048_576, maxOutput: 65_536, tools: true,
                vision: true, reasoning: true, inputPrice: 0.50, outputPrice: 3.00),
            ModelInfo(id: "gemini-embedding-001", contextLength: 2_048, embedding: true, inputPrice: 0.15, outputPrice: 0),
        ]
    )
}
