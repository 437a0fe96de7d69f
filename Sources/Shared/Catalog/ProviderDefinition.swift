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

    public init(
        name: String, displayName: String, dialect: DialectKind, baseURL: String, apiKeyEnv: String?,
        colour: String, quirks: ProviderQuirks = ProviderQuirks(), completions: CompletionsMode = .chat,
        models: [ModelInfo]
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
    }
}
