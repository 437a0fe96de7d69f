import Foundation
import Shared

/// Resolves a client's model id to the worker that serves it, or to the error the client should get.
struct ProviderRouter: Sendable {
    let supervisor: WorkerSupervisor

    struct Target {
        var provider: String
        var model: String
        var connection: WorkerConnection
        var config: ProviderConfig
        /// The worker's name for its keys, for the fleet's shared provider windows.
        var keyFingerprint: String?
    }

    /// Autocomplete goes where the catalog redirects it (`mistral/codestral-*` to the `codestral`
    /// provider) when that provider can answer; otherwise the named provider serves it itself.
    func route(model id: String, endpoint: Endpoint) async throws(GatewayError) -> Target {
        if endpoint == .completions || endpoint == .fimCompletions, let modelID = ModelID(id),
            let redirect = supervisor.config.provider(named: modelID.provider)?.completionRedirect,
            modelID.model.hasPrefix(redirect.modelPrefix), isUsable(redirect.provider)
        {
            return try await route(model: redirect.provider + "/" + modelID.model)
        }
        return try await route(model: id)
    }

    /// Enabled, with a ready worker that has its key.
    func isUsable(_ name: String) -> Bool {
        guard let provider = supervisor.config.provider(named: name), provider.enabled else { return false }
        return supervisor.slot(for: name)?.availability.usable ?? false
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
        return Target(
            provider: provider.name, model: modelID.model, connection: connection, config: provider, keyFingerprint: status.keyFingerprint)
    }

    private static func prefixes(_ config: GatewayConfig) -> String {
        config.enabledProviders.map { "\($0.name)/" }.joined(separator: ", ")
            + (config.routes.isEmpty ? "" : "; routes: " + config.routes.keys.sorted().joined(separator: ", "))
    }

    // MARK: Routes

    /// A route member: a model of one provider.
    struct Candidate: Equatable {
        var provider: String
        var model: String
        var id: String { "\(provider)/\(model)" }
    }

    /// The route a model name stands for: `NAME` (a name without a provider prefix) or `route/NAME`.
    func routeConfig(named id: String) -> RouteConfig? {
        let routes = supervisor.config.routes
        if id.hasPrefix("route/") { return routes[String(id.dropFirst(6))] }
        guard ModelID(id) == nil || supervisor.config.provider(named: ModelID(id)?.provider ?? "") == nil else { return nil }
        return routes[id]
    }

    /// The members of `route` that can serve a request with `needs` right now, in the order its
    /// strategy gives; for the others, why not. A failed, restarting, keyless or rate-limited provider
    /// is skipped at once rather than tried and waited on.
    func candidates(route: RouteConfig, needs: RequestNeeds, latency: LatencyTracker) -> (usable: [Candidate], skipped: [String]) {
        let config = supervisor.config
        var usable: [RouteOrder.Member] = []
        var skipped: [String] = []
        for member in route.models {
            guard let id = ModelID(member), let provider = config.provider(named: id.provider) else { continue }
            let info = provider.model(id.model)
            // One look at the worker per member: whether it can answer, and whether it is limited now.
            let availability = provider.enabled ? supervisor.slot(for: provider.name)?.availability : nil
            if let unmet = needs.unmet(by: info) {
                skipped.append("\(member): \(unmet)")
            } else if availability?.usable != true {
                skipped.append("\(member): provider not available")
            } else if availability?.isRateLimited(model: id.model) == true {
                skipped.append("\(member): rate-limited")
            } else {
                usable.append(RouteOrder.Member(candidate: Candidate(provider: id.provider, model: id.model), info: info))
            }
        }
        usable = RouteOrder.sorted(usable, by: route.strategy, needs: needs, timeToFirstByte: latency.timeToFirstByte)
        return (usable.map(\.candidate), skipped)
    }
}

extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
