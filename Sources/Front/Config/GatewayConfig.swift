import Foundation
import Shared

/// The validated configuration the gateway runs with: built-in defaults merged with `config.toml`.
/// Values only; loading and validation live in the front's `ConfigLoader`.
public struct GatewayConfig: Sendable, Equatable {
    public var server: ServerConfig
    public var supervisor: SupervisorConfig
    /// Every known provider, enabled or not, in a stable order (built-ins first, then custom ones).
    public var providers: [ProviderConfig]
    /// Named routes (built-in task routes plus config), by name.
    public var routes: [String: RouteConfig]
    public var retries: RetryPolicy
    public var usage: UsageConfig
    public var telemetry: TelemetryConfig
    public var auth: AuthConfig = AuthConfig()
    public var storage = StorageConfig()
    public var responses = ResponsesConfig()

    public init(
        server: ServerConfig = ServerConfig(), supervisor: SupervisorConfig = SupervisorConfig(), providers: [ProviderConfig],
        routes: [String: RouteConfig] = [:], retries: RetryPolicy = RetryPolicy(), usage: UsageConfig = UsageConfig(),
        telemetry: TelemetryConfig = TelemetryConfig()
    ) {
        self.server = server
        self.supervisor = supervisor
        self.providers = providers
        self.routes = routes
        self.retries = retries
        self.usage = usage
        self.telemetry = telemetry
    }

    public var enabledProviders: [ProviderConfig] { providers.filter(\.enabled) }

    public func provider(named name: String) -> ProviderConfig? {
        providers.first { $0.name == name }
    }
}

/// The HTTP side of the front.
public struct ServerConfig: Sendable, Equatable {
    /// Listening host, `127.0.0.1` by default: a gateway holding keys is not exposed unless asked.
    public var host: String
    public var port: Int
    /// Largest accepted request body in bytes (images make chat bodies big; 10 MiB by default).
    public var maxBodyBytes: Int
    /// Path of the `orchestra-worker` binary; `nil` means "next to the `orchestra` binary".
    public var workerBinary: String?
    /// Directory for the worker sockets; `nil` means `$RUNTIME_DIRECTORY` or a private temp dir.
    public var runtimeDirectory: String?
    public var logFormat: LogFormat = .text
    /// How many clients may connect, how long they may take, and which browsers may call.
    public var door = FrontDoorConfig()

    public enum LogFormat: String, Sendable, Equatable, CaseIterable {
        case text, json
    }

    public init(
        host: String = "127.0.0.1", port: Int = 8000, maxBodyBytes: Int = 10 * 1024 * 1024,
        workerBinary: String? = nil, runtimeDirectory: String? = nil
    ) {
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
        self.workerBinary = workerBinary
        self.runtimeDirectory = runtimeDirectory
    }
}

/// Where usage records go and how long they stay.
public struct UsageConfig: Sendable, Equatable {
    /// The SQLite database; `nil` means `$STATE_DIRECTORY/usage.sqlite` (systemd), else
    /// `$XDG_STATE_HOME/orchestra/usage.sqlite` or `~/.local/state/orchestra/usage.sqlite`.
    public var database: String?
    /// Seconds between batched writes: at most this much is at risk if the front is killed.
    public var flushInterval: Double
    /// Days raw records are kept; hourly and daily totals are kept for good.
    public var retentionDays: Double
    /// The most raw records kept, whatever their age: the bound on disk use of a busy gateway.
    public var maxRawRecords = 20_000_000
    /// The model savings are measured against, with its prices in USD per 1M tokens.
    public var referenceModel: String?
    public var referenceInputPrice: Double?
    public var referenceOutputPrice: Double?

    public init(
        database: String? = nil, flushInterval: Double = 1, retentionDays: Double = 7, referenceModel: String? = nil,
        referenceInputPrice: Double? = nil, referenceOutputPrice: Double? = nil
    ) {
        self.database = database
        self.flushInterval = flushInterval
        self.retentionDays = retentionDays
        self.referenceModel = referenceModel
        self.referenceInputPrice = referenceInputPrice
        self.referenceOutputPrice = referenceOutputPrice
    }
}

/// The Responses API's stored responses (`store`, on by default as at OpenAI).
public struct ResponsesConfig: Sendable, Equatable {
    /// Days a stored response can be read back or chained on (OpenAI keeps them 30 days).
    public var retentionDays: Double = 30

    public init() {}
}

/// OpenTelemetry traces, off unless an OTLP endpoint is set.
public struct TelemetryConfig: Sendable, Equatable {
    /// Base URL of an OTLP/HTTP collector (`http://127.0.0.1:4318`); spans go to `<it>/v1/traces`.
    public var otlpEndpoint: String?
    public var serviceName: String
    /// `json` or `protobuf` (OTLP/HTTP encodings).
    public var encoding: String
    /// Seconds between span exports.
    public var exportInterval: Double

    public init(otlpEndpoint: String? = nil, serviceName: String = "orchestra", encoding: String = "protobuf", exportInterval: Double = 5) {
        self.otlpEndpoint = otlpEndpoint
        self.serviceName = serviceName
        self.encoding = encoding
        self.exportInterval = exportInterval
    }
}

/// Who may call: client keys on or off, and whether an open gateway may listen beyond loopback.
public struct AuthConfig: Sendable, Equatable {
    /// Every `/v1` request needs a client key (`orchestra keys create`).
    public var enabled = false
    /// Lets a gateway without client keys listen on a non-loopback address (a warning at every start).
    public var allowOpen = false
    /// A file holding the admin key (systemd's `LoadCredential=admin:…` wins when present).
    public var adminKeyFile: String?
    /// A file holding the bearer token `/metrics` asks for (`LoadCredential=metrics:…` wins); none: open.
    public var metricsTokenFile: String?
    /// Where a budget's day, week and month begin and end.
    public var budgetTimeZone = TimeZone(identifier: "UTC")!
    /// Seconds a request may wait for its key's or team's rpm, tpm or parallel slot before a 429.
    public var maxWait: Double = 10

    public init(enabled: Bool = false, allowOpen: Bool = false) {
        self.enabled = enabled
        self.allowOpen = allowOpen
    }
}
