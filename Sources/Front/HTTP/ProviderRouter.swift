import Shared

/// Resolves a client's model id to the worker that serves it, or to the error the client should get.
struct ProviderRouter: Sendable {
    let config: GatewayConfig
    let supervisor: WorkerSupervisor

    struct Target {
        var provider: String
        var model: String
        var connection: WorkerConnection
    }

    func route(model id: String) throws(GatewayError) -> Target {
        guard let modelID = ModelID(id) else {
            throw .modelNotFound(
                "Model '\(id)' has no provider prefix. Use '<provider>/<model>', e.g. 'demo/echo'. Known providers: \(knownPrefixes)."
            )
        }
        guard let provider = config.provider(named: modelID.provider) else {
            throw .modelNotFound("Unknown provider '\(modelID.provider)' in model '\(id)'. Known providers: \(knownPrefixes).")
        }
        guard provider.enabled, let slot = supervisor.slot(for: provider.name) else {
            throw .modelNotFound("Provider '\(provider.name)' is disabled in the configuration.")
        }
        switch slot.state {
        case .ready(let connection, let status):
            guard status.keyPresent else {
                throw .missingKey(provider: provider.name, source: status.keyProblem ?? provider.key.instructions)
            }
            return Target(provider: provider.name, model: modelID.model, connection: connection)
        case .starting:
            throw .providerUnavailable(provider.name, reason: "its worker is starting")
        case .restarting(let reason):
            throw .providerUnavailable(provider.name, reason: "its worker is restarting (\(reason))")
        case .stopped:
            throw .providerUnavailable(provider.name, reason: "the gateway is shutting down")
        }
    }

    private var knownPrefixes: String {
        config.enabledProviders.map { "\($0.name)/" }.joined(separator: ", ")
    }
}
