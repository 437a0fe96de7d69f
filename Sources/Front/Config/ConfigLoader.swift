import Foundation
import Shared
import TOMLKit

/// Reads `config.toml` and merges it over the built-in catalog into a validated `GatewayConfig`.
///
/// Keys are only ever locations (`api_key_env`, `api_key_file`): an inline `api_key` is rejected so
/// that secrets do not end up in config files, backups or `check-config` output.
enum ConfigLoader {
    static func load(path: String?) throws(ConfigError) -> GatewayConfig {
        guard let path else { return defaults() }
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(path: "", message: "cannot read config file \(path): \(error.localizedDescription)")
        }
        return try parse(text)
    }

    static func defaults() -> GatewayConfig {
        GatewayConfig(
            providers: BuiltinCatalog.providers.map(ProviderConfig.init(builtin:)),
            routes: Dictionary(uniqueKeysWithValues: BuiltinRoutes.all.map { ($0.name, $0) })
        )
    }

    static func parse(_ text: String) throws(ConfigError) -> GatewayConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(
                path: "",
                message: "invalid TOML at line \(error.source.begin.line), column \(error.source.begin.column): \(error.description)"
            )
        } catch {
            throw ConfigError(path: "", message: "invalid TOML: \(error)")
        }
        let root = TOMLReader(table: table, path: "")
        try root.rejectUnknownKeys(allowed: [
            "server", "supervisor", "providers", "routes", "retries", "usage", "telemetry", "auth", "storage", "responses",
        ])
        var config = defaults()
        if let server = try root.table("server") {
            config.server = try parseServer(server)
        }
        if let supervisor = try root.table("supervisor") {
            config.supervisor = try parseSupervisor(supervisor)
        }
        if let providers = try root.table("providers") {
            for name in providers.table.keys.sorted() {
                guard let reader = try providers.table(name) else { continue }
                let existing = config.providers.firstIndex { $0.name == name }
                let provider = try ProviderConfigParser.parse(
                    reader, name: name, base: existing.map { config.providers[$0] }
                )
                if let existing {
                    config.providers[existing] = provider
                } else {
                    config.providers.append(provider)
                }
            }
        }
        if let routes = try root.table("routes") {
            for name in routes.table.keys.sorted() {
                guard let reader = try routes.table(name) else { continue }
                config.routes[name] = try RoutesParser.parseRoute(reader, name: name, providers: config.providers)
            }
        }
        if let retries = try root.table("retries") {
            config.retries = try RoutesParser.parseRetries(retries)
        }
        if let usage = try root.table("usage") {
            config.usage = try parseUsage(usage)
        }
        if let auth = try root.table("auth") {
            try auth.rejectUnknownKeys(allowed: [
                "enabled", "allow_open", "admin_key_file", "metrics_token_file", "budget_time_zone", "max_wait",
            ])
            config.auth.enabled = try auth.bool("enabled") ?? false
            config.auth.allowOpen = try auth.bool("allow_open") ?? false
            config.auth.adminKeyFile = try auth.string("admin_key_file")
            config.auth.metricsTokenFile = try auth.string("metrics_token_file")
            if let zone = try auth.string("budget_time_zone") {
                guard let timeZone = TimeZone(identifier: zone) else {
                    throw ConfigError(path: auth.child("budget_time_zone"), message: "unknown time zone (e.g. UTC, Europe/Paris)")
                }
                config.auth.budgetTimeZone = timeZone
            }
            if let maxWait = try auth.double("max_wait") {
                guard maxWait >= 0 else { throw ConfigError(path: auth.child("max_wait"), message: "must be 0 or more seconds") }
                config.auth.maxWait = maxWait
            }
        }
        if let storage = try root.table("storage") {
            config.storage = try parseStorage(storage)
        }
        if let responses = try root.table("responses") {
            try responses.rejectUnknownKeys(allowed: ["retention_days"])
            config.responses.retentionDays = try responses.double("retention_days", .positive) ?? config.responses.retentionDays
        }
        if let telemetry = try root.table("telemetry") {
            try telemetry.rejectUnknownKeys(allowed: ["otlp_endpoint", "service_name", "encoding", "export_interval"])
            if let endpoint = try telemetry.string("otlp_endpoint") {
                guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                    throw ConfigError(path: telemetry.child("otlp_endpoint"), message: "must start with http:// or https://")
                }
                config.telemetry.otlpEndpoint = endpoint
            }
            config.telemetry.serviceName = try telemetry.string("service_name") ?? config.telemetry.serviceName
            if let encoding = try telemetry.string("encoding") {
                guard encoding == "json" || encoding == "protobuf" else {
                    throw ConfigError(path: telemetry.child("encoding"), message: "expected \"json\" or \"protobuf\"")
                }
                config.telemetry.encoding = encoding
            }
            if let interval = try telemetry.double("export_interval"), interval > 0 { config.telemetry.exportInterval = interval }
        }
        return config
    }

    private static func parseStorage(_ reader: TOMLReader) throws(ConfigError) -> StorageConfig {
        try reader.rejectUnknownKeys(
            allowed: ["postgres_url", "postgres_password_file", "lease", "budget_fail_open", "spool_file", "instance_name"],
            hint: ["postgres_password": "passwords are never written in config; name a file with postgres_password_file"])
        var storage = StorageConfig()
        let passwordFile = try reader.string("postgres_password_file")
        if let url = try reader.string("postgres_url") {
            switch PostgresLocation.parse(url) {
            case .success(var location):
                location.passwordFile = passwordFile
                storage.postgres = location
            case .failure(let error):
                throw ConfigError(path: reader.child("postgres_url"), message: error.message)
            }
        } else if passwordFile != nil {
            throw ConfigError(path: reader.child("postgres_password_file"), message: "needs postgres_url")
        }
        if let lease = try reader.double("lease", .positiveSeconds) {
            guard lease >= 2 else { throw ConfigError(path: reader.child("lease"), message: "must be at least 2 seconds") }
            storage.lease = lease
        }
        storage.budgetFailOpen = try reader.bool("budget_fail_open") ?? false
        storage.spoolFile = try reader.string("spool_file")
        storage.instanceName = try reader.string("instance_name")
        return storage
    }

    private static func parseServer(_ reader: TOMLReader) throws(ConfigError) -> ServerConfig {
        try reader.rejectUnknownKeys(allowed: [
            "listen", "max_body_bytes", "worker_binary", "runtime_dir", "log_format", "max_connections", "header_timeout",
            "body_timeout", "idle_timeout", "allowed_hosts", "cors_origins",
        ])
        var server = ServerConfig()
        if let format = try reader.string("log_format") {
            guard let parsed = ServerConfig.LogFormat(rawValue: format) else {
                throw ConfigError(path: reader.child("log_format"), message: "expected \"text\" or \"json\", found \"\(format)\"")
            }
            server.logFormat = parsed
        }
        if let listen = try reader.string("listen") {
            guard let (host, port) = parseListen(listen) else {
                throw ConfigError(
                    path: reader.child("listen"), message: "expected \"host:port\" (e.g. \"127.0.0.1:8000\"), found \"\(listen)\"")
            }
            server.host = host
            server.port = port
        }
        server.maxBodyBytes = try reader.int("max_body_bytes", .positive) ?? server.maxBodyBytes
        server.workerBinary = try reader.string("worker_binary")
        server.runtimeDirectory = try reader.string("runtime_dir")
        server.door.maxConnections = try reader.int("max_connections", .atLeastOne)
        let seconds: [(String, WritableKeyPath<FrontDoorConfig, Double>)] = [
            ("header_timeout", \.headerTimeout), ("body_timeout", \.bodyTimeout), ("idle_timeout", \.idleTimeout),
        ]
        for (key, path) in seconds {
            if let value = try reader.double(key, .positiveSeconds) { server.door[keyPath: path] = value }
        }
        server.door.allowedHosts = try reader.stringArray("allowed_hosts") ?? []
        server.door.corsOrigins = try reader.stringArray("cors_origins") ?? []
        return server
    }

    private static func parseSupervisor(_ reader: TOMLReader) throws(ConfigError) -> SupervisorConfig {
        let seconds: [(String, WritableKeyPath<SupervisorConfig, Double>)] = [
            ("backoff_initial", \.backoffInitial), ("backoff_max", \.backoffMax), ("restart_window", \.restartWindow),
            ("failed_retry", \.failedRetry), ("ready_timeout", \.readyTimeout), ("ping_interval", \.pingInterval),
            ("ping_timeout", \.pingTimeout), ("request_wait", \.requestWait), ("shutdown_grace", \.shutdownGrace),
            ("worker_stop_grace", \.workerStopGrace),
        ]
        try reader.rejectUnknownKeys(allowed: Set(seconds.map(\.0) + ["max_restarts"]))
        var supervisor = SupervisorConfig()
        for (key, path) in seconds {
            guard let value = try reader.double(key, .positiveSeconds) else { continue }
            supervisor[keyPath: path] = value
        }
        supervisor.maxRestarts = try reader.int("max_restarts", .nonNegative) ?? supervisor.maxRestarts
        return supervisor
    }

    /// `host:port` or `[v6-host]:port`; port 0 asks the OS for a free port.
    static func parseListen(_ text: String) -> (String, Int)? {
        guard let colon = text.lastIndex(of: ":") else { return nil }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        return (host, port)
    }

    private static func parseUsage(_ reader: TOMLReader) throws(ConfigError) -> UsageConfig {
        try reader.rejectUnknownKeys(allowed: [
            "database", "flush_interval", "retention_days", "max_raw_records", "reference_model", "reference_input_price",
            "reference_output_price",
        ])
        var usage = UsageConfig()
        usage.database = try reader.string("database")
        usage.flushInterval = try reader.double("flush_interval", .positive) ?? usage.flushInterval
        usage.retentionDays = try reader.double("retention_days", .positive) ?? usage.retentionDays
        usage.maxRawRecords = try reader.int("max_raw_records", .positive) ?? usage.maxRawRecords
        usage.referenceModel = try reader.string("reference_model")
        usage.referenceInputPrice = try reader.double("reference_input_price")
        usage.referenceOutputPrice = try reader.double("reference_output_price")
        if usage.referenceModel != nil, usage.referenceInputPrice == nil || usage.referenceOutputPrice == nil {
            throw ConfigError(path: reader.child("reference_model"), message: "needs reference_input_price and reference_output_price")
        }
        return usage
    }
}
