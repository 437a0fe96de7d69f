import Shared

/// Parses `[routes.NAME]` (`models`, `strategy`, `description`) and `[retries]`.
enum RoutesParser {
    static func parseRoute(_ reader: TOMLReader, name: String, providers: [ProviderConfig]) throws(ConfigError) -> RouteConfig {
        try reader.rejectUnknownKeys(allowed: ["models", "strategy", "description"])
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ConfigError(path: reader.path, message: "route names use lowercase letters, digits, '-' and '_' only")
        }
        guard providers.allSatisfy({ $0.name != name }) else {
            throw ConfigError(path: reader.path, message: "'\(name)' is already a provider name")
        }
        guard let models = try reader.stringArray("models"), !models.isEmpty else {
            throw ConfigError(path: reader.child("models"), message: "required: a list of provider/model ids")
        }
        for model in models {
            guard let id = ModelID(model), providers.contains(where: { $0.name == id.provider }) else {
                throw ConfigError(path: reader.child("models"), message: "'\(model)' is not a known provider/model id")
            }
        }
        var strategy = RouteConfig.Strategy.ordered
        if let text = try reader.string("strategy") {
            guard let parsed = RouteConfig.Strategy(rawValue: text) else {
                let known = RouteConfig.Strategy.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: reader.child("strategy"), message: "expected one of \(known), found \"\(text)\"")
            }
            strategy = parsed
        }
        return RouteConfig(name: name, models: models, strategy: strategy, description: try reader.string("description") ?? "")
    }

    static func parseRetries(_ reader: TOMLReader) throws(ConfigError) -> RetryPolicy {
        try reader.rejectUnknownKeys(allowed: ["attempts", "backoff", "max_time"])
        var policy = RetryPolicy()
        policy.attempts = try reader.int("attempts", .atLeastOne) ?? policy.attempts
        policy.backoff = try reader.double("backoff", .nonNegative) ?? policy.backoff
        policy.maxTime = try reader.double("max_time", .positive) ?? policy.maxTime
        return policy
    }
}
