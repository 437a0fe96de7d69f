/// One provider as the gateway will run it: a built-in definition with config overrides applied,
/// or a custom OpenAI-compatible endpoint declared in config.
public struct ProviderConfig: Sendable, Equatable, Codable {
    public var name: String
    public var displayName: String
    public var dialect: DialectKind
    public var baseURL: String
    /// Where the worker finds the key. The key itself never appears in config values.
    public var key: KeySource
    /// Extra headers sent upstream on every request (e.g. OpenRouter's `HTTP-Referer`).
    public var headers: [HTTPHeader]
    public var models: [ModelInfo]
    public var enabled: Bool
    public var colour: String
    public var timeouts: UpstreamTimeouts
    public var quirks: ProviderQuirks
    public var completions: CompletionsMode
    /// Autocomplete for some models is served by another provider when it can answer.
    public var completionRedirect: CompletionRedirect?
    /// Limits for the whole provider (all keys together); per-model limits live in `modelLimits`.
    public var limits: RateLimits
    public var modelLimits: [String: RateLimits]
    public var queue: QueuePolicy
    /// The largest answer relayed, in bytes as the upstream sends them (streamed or not); past it the
    /// answer ends with a 502. Bounded by what one frame carries.
    public var maxAnswerBytes = ProviderConfig.defaultMaxAnswerBytes
    public static let defaultMaxAnswerBytes = 32 << 20
    public static let maxAnswerBytesLimit = 48 << 20

    public init(
        name: String, displayName: String, dialect: DialectKind, baseURL: String, key: KeySource,
        headers: [HTTPHeader] = [], models: [ModelInfo] = [], enabled: Bool = true, colour: String = "#8b949e",
        timeouts: UpstreamTimeouts = UpstreamTimeouts(), quirks: ProviderQuirks = ProviderQuirks(),
        completions: CompletionsMode = .native
    ) {
        self.name = name
        self.displayName = displayName
        self.dialect = dialect
        self.baseURL = baseURL
        self.key = key
        self.headers = headers
        self.models = models
        self.enabled = enabled
        self.colour = colour
        self.timeouts = timeouts
        self.quirks = quirks
        self.completions = completions
        self.limits = RateLimits()
        self.modelLimits = [:]
        self.queue = QueuePolicy()
    }

    public init(builtin definition: ProviderDefinition) {
        self.init(
            name: definition.name, displayName: definition.displayName, dialect: definition.dialect,
            baseURL: definition.baseURL,
            key: definition.apiKeyEnv.map { KeySource.environment($0) } ?? .none,
            models: definition.models, colour: definition.colour, quirks: definition.quirks,
            completions: definition.completions
        )
        completionRedirect = definition.completionRedirect
    }

    public func model(_ id: String) -> ModelInfo? {
        models.first { $0.id == id }
    }

    /// Whether `model` is served by the provider's FIM endpoint (Codestral).
    public func servesFIM(model id: String) -> Bool {
        completions == .fim && (model(id)?.fim ?? false || id.contains("codestral"))
    }
}

/// Where a provider key lives. Config names a location; only the provider's worker reads it.
public enum KeySource: Sendable, Equatable, Codable {
    /// The provider needs no key (the demo provider, a local server).
    case none
    case environment(String)
    case file(String)

    /// How to describe the location to a person, e.g. in a "missing key" error. Never the key.
    public var instructions: String {
        switch self {
        case .none: return "this provider needs no key"
        case .environment(let name): return "set the environment variable \(name)"
        case .file(let path): return "put the key in the file \(path)"
        }
    }

    public var displayValue: String {
        switch self {
        case .none: return "none"
        case .environment(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }
}

/// Upstream time limits, in seconds. A stream that stops moving for `idle` seconds is ended with an error,
/// and so is any answer, streamed or not, still running after `answer` seconds (a stream that never ends).
public struct UpstreamTimeouts: Sendable, Equatable, Codable {
    public var connect: Double
    public var firstByte: Double
    public var idle: Double
    public var answer: Double

    public init(connect: Double = 10, firstByte: Double = 120, idle: Double = 120, answer: Double = 600) {
        self.connect = connect
        self.firstByte = firstByte
        self.idle = idle
        self.answer = answer
    }
}
