import ArgumentParser
import Foundation
import Logging
import Shared

/// Prints a Continue.dev `config.yaml` for the gateway's models.
struct ContinueConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "continue-config",
        abstract: "Print a Continue.dev config.yaml with one entry per usable model.",
        discussion: "A model is usable when its provider is enabled and its key location is set (the key itself is not read)."
    )

    @OptionGroup var options: ConfigOption

    @Option(name: .customLong("base-url"), help: "The gateway URL as the editor reaches it (default: the configured listen address).")
    var baseURL: String?

    @Option(name: .customLong("key-ref"), help: "Name of the Continue secret holding the gateway key, written as ${{ secrets.NAME }}.")
    var keyRef: String?

    @Option(help: "A client key to write into the config (its models only); better kept in a Continue secret with --key-ref.")
    var key: String?

    func run() async throws {
        let config = try options.load()
        if let keyRef, keyRef.isEmpty || !keyRef.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) {
            throw ValidationError("--key-ref takes a secret name of letters, digits and '_'")
        }
        var caller = Caller.anonymous
        if let key { caller = try await Self.caller(presenting: key, options: options, config: config) }
        let entries = config.enabledProviders.filter(Self.hasKeyLocation).flatMap { provider in
            provider.models.filter { caller.mayUse("\(provider.name)/\($0.id)") }.map {
                ContinueConfig.Entry(provider: provider, model: $0)
            }
        }
        let base = baseURL ?? Self.defaultBaseURL(host: config.server.host, port: config.server.port)
        print(ContinueConfig(baseURL: base, keyReference: keyRef, entries: entries, key: key).render(), terminator: "")
    }

    /// The key's record and team from the gateway's database, so the config lists only its models.
    static func caller(presenting key: String, options: ConfigOption, config: GatewayConfig) async throws -> Caller {
        let storage = try await options.storage(config)
        defer { storage.close() }
        switch try await AccessCache(store: storage.access, logger: Logger(label: "orchestra.continue-config")).authenticate(key) {
        case .success(let caller): return caller
        case .failure(.unusable(let id, let reason)): throw ValidationError("the key \(id) is \(reason)")
        case .failure: throw ValidationError("--key is not a client key of this gateway (orchestra keys create makes one)")
        }
    }

    /// The listen address, with a wildcard host replaced by loopback and IPv6 in brackets.
    static func defaultBaseURL(host: String, port: Int) -> String {
        let reachable = host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host
        return reachable.contains(":") ? "http://[\(reachable)]:\(port)" : "http://\(reachable):\(port)"
    }

    /// Whether the provider's key is where config says it is (without reading it).
    static func hasKeyLocation(_ provider: ProviderConfig) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        if let directory = environment["CREDENTIALS_DIRECTORY"],
            FileManager.default.fileExists(atPath: "\(directory)/\(provider.name)")
        {
            return true
        }
        switch provider.key {
        case .none: return true
        case .environment(let name): return !(environment[name] ?? "").isEmpty
        case .file(let path): return FileManager.default.fileExists(atPath: path)
        }
    }
}
