import Foundation
import Shared

/// Resolves a client's model id to the worker that serves it, or to the error the client should get.
struct ProviderRouter: Sendable {
    let supervisor: WorkerSupervisor

    struct Target {
        var provider: String
        var model: String
        var connection: WorkerConnection
    }

    /// Autocomplete for `mistral/codestral-*` goes to the `codestral` provider (Mistral's endpoint for
    /// IDEs, with its own key) when that provider can answer; otherwise Mistral serves it itself.
    func route(model id: String, endpoint: Endpoint) async throws(GatewayError) -> Target {
        if endpoint == .completions || endpoint == .fimCompletions, let modelID = ModelID(id), modelID.provider == "mistral",
           modelID.model.hasPrefix("codestral"), isUsable("codestral") {
            return try await route(model: "codestral/" + modelID.model)
        }
        return try await route(model: id)
    }

    /// Enabled, with a ready worker that has its key.
    func isUsable(_ name: String) -> Bool {
        guard let provider = supervisor.config.provider(named: name), provider.enabled, let slot = supervisor.slot(for: name) else { return false }
        let snapshot = slot.snapshot
        guard snapshot.connection != nil, let status = snapshot.status else { return false }
        return status.keyPresent || provider.key == .none
    }

    func route(model id: String) async throws(GatewayError) -> Target {
        let config = supervisor.config
        guard let modelID = ModelID(id) else {
            throw .modelNotFound(
                "Model '\(id)' has no provider prefix. Use '<provider>/<model>', e.g. 'demo/echo'. Known providers: \(Self.prefixes(config))."
            )
        }
        guard let provider = config.provider(named: modelID.provider) else {
            throw .modelNotFound("Unknown provider '\(modelID.provider)' in model '\(id)'. Known providers: \(Self.prefixes(config)).")
        }
        guard provider.enabled, let slot = supervisor.slot(for: provider.name) else {
            throw .modelNotFound("Provider '\(provider.name)' is disabled in the configuration.")
        }
        var snapshot = slot.snapshot
        switch snapshot.state {
        case .failed:
            // Failed for good (for now): answer at once, and say when to come back.
            throw .providerUnavailable(
                provider.name, reason: "its worker keeps failing (\(snapshot.reason ?? "unknown"))",
                retryAfter: Int((snapshot.retryAfter ?? 1).rounded(.up))
            )
        case .stopping, .stopped:
            throw .providerUnavailable(provider.name, reason: "the gateway is shutting down")
        case .idle, .starting, .backingOff, .ready:
            if snapshot.connection == nil {
                // Restarting: wait a bounded time rather than fail a request a moment too early.
                _ = await slot.waitUntilReady(timeout: config.supervisor.requestWait)
                snapshot = slot.snapshot
            }
        }
        guard let connection = snapshot.connection, let status = snapshot.status else {
            throw .providerUnavailable(
                provider.name, reason: "its worker is restarting (\(snapshot.reason ?? "starting"))",
                retryAfter: Int((snapshot.retryAfter ?? 1).rounded(.up)).clamped(to: 1...60)
            )
        }
        guard status.keyPresent || provider.key == .none else {
            throw .missingKey(provider: provider.name, source: status.keyProblem ?? provider.key.instructions)
        }
        return Target(provider: provider.name, model: modelID.model, connection: connection)
    }

    private static func prefixes(_ config: GatewayConfig) -> String {
        config.enabledProviders.map { "\($0.name)/" }.joined(separator: ", ")
    }
}

extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
