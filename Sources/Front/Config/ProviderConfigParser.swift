import Shared

/// Parses one `[providers.NAME]` table over its built-in definition (if any).
enum ProviderConfigParser {
    static let allowedKeys: Set<String> = [
        "enabled", "dialect", "base_url", "api_key_env", "api_key_file", "headers", "models", "display_name",
        "colour", "connect_timeout", "first_byte_timeout", "idle_timeout", "quirks", "completions", "limits",
        "max_answer_bytes", "max_answer_seconds",
    ]

    static func parse(_ reader: TOMLReader, name: String, base: ProviderConfig?) throws(ConfigError) -> ProviderConfig {
        guard name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ConfigError(path: reader.path, message: "provider names use lowercase letters, digits, '-' and '_' only")
        }
        try reader.rejectUnknownKeys(
            allowed: allowedKeys,
            hint: [
                "api_key": "keys are never written in config; name where the key lives with api_key_env or api_key_file",
                "color": "spelled 'colour'",
            ]
        )
        let dialect: DialectKind
        if let text = try reader.string("dialect") {
            guard let parsed = DialectKind(rawValue: text) else {
                let known = DialectKind.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: reader.child("dialect"), message: "unknown dialect \"\(text)\" (known: \(known))")
            }
            dialect = parsed
        } else {
            dialect = base?.dialect ?? .openai
        }
        let baseURL = try reader.string("base_url") ?? base?.baseURL
        guard let baseURL else {
            throw ConfigError(path: reader.child("base_url"), message: "required for a provider that is not built in")
        }
        guard dialect == .demo || baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw ConfigError(path: reader.child("base_url"), message: "must start with http:// or https://, found \"\(baseURL)\"")
        }
        var provider = base ?? ProviderConfig(name: name, displayName: name, dialect: dialect, baseURL: baseURL, key: .none)
        provider.dialect = dialect
        provider.baseURL = baseURL
        provider.key = try keySource(reader, default: provider.key)
        if let enabled = try reader.bool("enabled") { provider.enabled = enabled }
        if let displayName = try reader.string("display_name") { provider.displayName = displayName }
        if let colour = try reader.string("colour") {
            guard colour.count == 7, colour.first == "#", colour.dropFirst().allSatisfy(\.isHexDigit) else {
                throw ConfigError(path: reader.child("colour"), message: "expected \"#rrggbb\", found \"\(colour)\"")
            }
            provider.colour = colour
        }
        if let headers = try reader.stringTable("headers") {
            for (header, _) in headers where header.lowercased() == "authorization" || header.lowercased() == "x-api-key" {
                throw ConfigError(
                    path: reader.child("headers.\(header)"), message: "credentials never go in headers; use api_key_env or api_key_file")
            }
            provider.headers = headers.map { HTTPHeader(name: $0.0, value: $0.1) }
        }
        provider.timeouts.connect = try reader.double("connect_timeout", .positiveSeconds) ?? provider.timeouts.connect
        provider.timeouts.firstByte = try reader.double("first_byte_timeout", .positiveSeconds) ?? provider.timeouts.firstByte
        provider.timeouts.idle = try reader.double("idle_timeout", .positiveSeconds) ?? provider.timeouts.idle
        provider.timeouts.answer = try reader.double("max_answer_seconds", .positiveSeconds) ?? provider.timeouts.answer
        if let bytes = try reader.int("max_answer_bytes", .positive) {
            guard bytes <= ProviderConfig.maxAnswerBytesLimit else {
                throw ConfigError(
                    path: reader.child("max_answer_bytes"), message: "must be at most \(ProviderConfig.maxAnswerBytesLimit) (48 MiB)")
            }
            provider.maxAnswerBytes = bytes
        }
        if let text = try reader.string("completions") {
            guard let mode = CompletionsMode(rawValue: text) else {
                let known = CompletionsMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw ConfigError(path: reader.child("completions"), message: "expected one of \(known), found \"\(text)\"")
            }
            provider.completions = mode
        }
        if let limits = try reader.table("limits") {
            let (parsed, queue) = try RateLimitsParser.parse(limits, allowQueue: true)
            provider.limits = parsed
            if let queue { provider.queue = queue }
        }
        if let quirks = try reader.table("quirks") {
            provider.quirks = try ProviderQuirksParser.parse(quirks, base: provider.quirks)
        }
        if let models = try reader.table("models") {
            for id in models.table.keys.sorted() {
                guard let model = try models.table(id) else { continue }
                let existing = provider.models.firstIndex { $0.id == id }
                if let limits = try model.table("limits") {
                    provider.modelLimits[id] = try RateLimitsParser.parse(limits, allowQueue: false).0
                }
                let parsed = try parseModel(model, id: id, base: existing.map { provider.models[$0] })
                if let existing { provider.models[existing] = parsed } else { provider.models.append(parsed) }
            }
        }
        return provider
    }

    private static func keySource(_ reader: TOMLReader, default current: KeySource) throws(ConfigError) -> KeySource {
        let env = try reader.string("api_key_env")
        let file = try reader.string("api_key_file")
        switch (env, file) {
        case (.some, .some):
            throw ConfigError(path: reader.child("api_key_file"), message: "set either api_key_env or api_key_file, not both")
        case (.some(let name), nil):
            guard !name.isEmpty, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw ConfigError(path: reader.child("api_key_env"), message: "expected an environment variable name, found \"\(name)\"")
            }
            return .environment(name)
        case (nil, .some(let path)):
            guard path.hasPrefix("/") else {
                throw ConfigError(path: reader.child("api_key_file"), message: "expected an absolute path, found \"\(path)\"")
            }
            return .file(path)
        case (nil, nil):
            return current
        }
    }

    private static func parseModel(_ reader: TOMLReader, id: String, base: ModelInfo?) throws(ConfigError) -> ModelInfo {
        try reader.rejectUnknownKeys(allowed: [
            "context_length", "max_output", "tools", "vision", "reasoning", "fim", "embedding", "input_price", "output_price",
            "cached_input_price", "limits",
        ])
        var model = base ?? ModelInfo(id: id)
        if let value = try reader.int("context_length") { model.contextLength = value }
        if let value = try reader.int("max_output") { model.maxOutput = value }
        if let value = try reader.bool("tools") { model.tools = value }
        if let value = try reader.bool("vision") { model.vision = value }
        if let value = try reader.bool("reasoning") { model.reasoning = value }
        if let value = try reader.bool("fim") { model.fim = value }
        if let value = try reader.bool("embedding") { model.embedding = value }
        model.inputPrice = try reader.double("input_price", .nonNegative) ?? model.inputPrice
        model.cachedInputPrice = try reader.double("cached_input_price", .nonNegative) ?? model.cachedInputPrice
        model.outputPrice = try reader.double("output_price", .nonNegative) ?? model.outputPrice
        return model
    }
}
