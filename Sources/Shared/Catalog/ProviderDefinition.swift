/// A provider Orchestra knows out of the box: where it lives, how it authenticates, what it serves.
/// Config can override every field; a provider that is not built in is declared entirely in config.
public struct ProviderDefinition: Sendable, Equatable {
    /// The routing prefix (`mistral` in `mistral/codestral-2501`).
    public var name: String
    public var displayName: String
    public var dialect: DialectKind
    public var baseURL: String
    /// The environment variable that holds the key by default; `nil` for providers that need none.
    public var apiKeyEnv: String?
    /// Colour used by the dashboard and model listings, `#rrggbb`.
    public var colour: String
    public var models: [ModelInfo]
    /// How the provider departs from the OpenAI dialect (OpenAI-compatible providers only).
    public var quirks: ProviderQuirks
    public var completions: CompletionsMode
    public var completionRedirect: CompletionRedirect?

    public init(
        name: String, displayName: String, dialect: DialectKind, baseURL: String, apiKeyEnv: String?,
        colour: String, quirks: ProviderQuirks = ProviderQuirks(), completions: CompletionsMode = .chat,
        completionRedirect: CompletionRedirect? = nil, models: [ModelInfo]
    ) {
        self.name = name
        self.displayName = displayName
        self.dialect = dialect
        self.baseURL = baseURL
        self.apiKeyEnv = apiKeyEnv
        self.colour = colour
        self.models = models
        self.quirks = quirks
        self.completions = completions
        self.completionRedirect = completionRedirect
    }
}

/// Autocomplete (`/v1/completions`, `/v1/fim/completions`) for some of a provider's models served by
/// another provider of the catalog when that one can answer: Mistral's Codestral models by the
/// `codestral` endpoint for IDEs, which has its own key.
public struct CompletionRedirect: Sendable, Equatable, Codable {
    /// Model ids that start with this are redirected.
    public var modelPrefix: String
    /// The provider that serves them.
    public var provider: String

    public init(modelPrefix: String, provider: String) {
        self.modelPrefix = modelPrefix
        self.provider = provider
    }
}
