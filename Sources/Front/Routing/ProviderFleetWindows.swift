import Foundation
import Shared
import Synchronization

/// A provider's own limits (its rpm, tpm, rpd, per model and its parallel cap) counted by the whole
/// fleet before a request goes to this instance's worker, keyed by the provider's key fingerprint (the
/// worker's word; never the key), so N instances sharing a key admit what one would. The worker's own
/// windows still apply: they see this instance's share only, so they never refuse what the fleet
/// admits. While the database does not answer, the worker's windows alone decide.
struct ProviderFleetWindows: Sendable {
    let shared: any SharedRateWindows
    let health: StorageHealth?
    /// How often a request blocked on the provider's parallel cap asks again.
    static let poll = 0.05

    /// One admitted attempt's place in the windows, freed once (when the answer ends, or when this goes).
    final class Slot: Sendable {
        let entry: String
        private let shared: any SharedRateWindows
        private let open = Mutex(true)

        init(entry: String, shared: any SharedRateWindows) {
            self.entry = entry
            self.shared = shared
        }

        func finish(tokens: Int?) {
            let wasOpen = open.withLock { open in
                defer { open = false }
                return open
            }
            guard wasOpen else { return }
            shared.finish(entry: entry, tokens: tokens)
        }

        deinit { finish(tokens: nil) }
    }

    /// The scopes `provider`'s config limits for `model`: the provider's and the model's own.
    static func scopes(_ provider: ProviderConfig, model: String, fingerprint: String?) -> [SharedRateScope] {
        let base = "provider:\(provider.name):\(fingerprint ?? "keyless")"
        var scopes: [SharedRateScope] = []
        if !provider.limits.isEmpty { scopes.append(SharedRateScope(name: base, limits: provider.limits)) }
        if let limits = provider.modelLimits[model], !limits.isEmpty {
            scopes.append(SharedRateScope(name: base + ":" + model, limits: limits))
        }
        return scopes
    }

    /// Admits an attempt at `provider`'s `model`, waiting up to the provider's `max_wait` for room, or
    /// refuses it with the same 429 the worker's windows give; `nil` when the provider has no limits or
    /// the database does not answer.
    func admit(_ provider: ProviderConfig, model: String, fingerprint: String?, tokens: Int) async throws(GatewayError) -> Slot? {
        let scopes = Self.scopes(provider, model: model, fingerprint: fingerprint)
        guard !scopes.isEmpty else { return nil }
        let entry = "attempt_" + OpenAIIdentifiers.random(24)
        let deadline = MonotonicClock.seconds() + provider.queue.maxWait
        while true {
            let verdict: SharedRateVerdict
            do {
                verdict = try await shared.admit(entry: entry, scopes: scopes, tokens: tokens, budget: nil)
                health?.reached()
            } catch {
                health?.failed(error)
                return nil
            }
            let now = MonotonicClock.seconds()
            guard case .blocked(let seconds, let window) = verdict else { return Slot(entry: entry, shared: shared) }
            // (A provider's windows carry no budget: never over one.)
            let quota = (window?.seconds ?? 0) >= 86_400 && seconds > 3600
            if quota || (seconds.isFinite && now + seconds > deadline) || now >= deadline || Task.isCancelled {
                throw GatewayError.providerLimit(
                    provider: provider.name, until: now + seconds, now: now, quota: quota, window: window)
            }
            try? await Task.sleep(for: .seconds(min(seconds.isFinite ? seconds : Self.poll, deadline - now)))
        }
    }
}
