import Shared

/// The task routes Orchestra ships with: "the right tool for each job" as model names. Each picks
/// among its members by what the request needs (tools, images, context length) and what the front
/// knows now (usable, not rate-limited, measured speed, price). Config can replace any of them.
public enum BuiltinRoutes {
    public static let all: [RouteConfig] = [fast, cheap, code, long]

    public static let fast = RouteConfig(
        name: "fast",
        models: [
            "cerebras/gpt-oss-120b", "groq/openai/gpt-oss-120b", "groq/qwen/qwen3-32b", "gemini/gemini-2.5-flash-lite",
            "mistral/ministral-8b-2410", "cerebras/zai-glm-4.7",
        ],
        strategy: .fastest, description: "Lowest measured time to first byte among fast-inference providers."
    )

    public static let cheap = RouteConfig(
        name: "cheap",
        models: [
            "gemini/gemini-2.5-flash-lite", "mistral/ministral-8b-2410", "siliconflow/Qwen/Qwen3-32B", "groq/openai/gpt-oss-120b",
            "siliconflow/deepseek-ai/DeepSeek-V3.2", "cerebras/gpt-oss-120b", "gemini/gemini-2.5-flash",
        ],
        strategy: .cheapest, description: "Lowest price for the request's tokens; unpriced models last."
    )

    public static let code = RouteConfig(
        name: "code",
        models: [
            "kimi/kimi-for-coding", "mistral/codestral-2501", "nvidia/moonshotai/kimi-k2.5", "siliconflow/deepseek-ai/DeepSeek-V3.2",
            "groq/openai/gpt-oss-120b", "gemini/gemini-2.5-flash",
        ],
        strategy: .ordered, description: "Coding models in order of preference, falling back down the list."
    )

    public static let long = RouteConfig(
        name: "long",
        models: [
            "gemini/gemini-2.5-flash", "gemini/gemini-2.5-pro", "gemini/gemini-3-flash-preview", "kimi/kimi-for-coding",
            "nvidia/moonshotai/kimi-k2.5", "mistral/codestral-2501",
        ],
        strategy: .longest, description: "Largest context window first, for long documents and repositories."
    )
}
