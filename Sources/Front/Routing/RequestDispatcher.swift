import Foundation
import NIOCore
import Shared
import Tracing

/// Sends a request to the model (or route) it names and waits for the first answer, trying again
/// where that is safe: only before anything has reached the client, on transport failures, 5xx and
/// short throttling, bounded in attempts and in time, honouring `retry-after`. A route tries its
/// members in its strategy's order until one answers.
struct RequestDispatcher: Sendable {
    let router: ProviderRouter
    let latency: LatencyTracker
    /// Providers' own limits counted by the fleet (with a shared database), `nil` for one instance.
    var fleet: ProviderFleetWindows? = nil
    /// Whether traces are exported: without them an attempt skips its span (a task-local push, an
    /// attribute table) altogether.
    var traced = false

    /// The first word of an answer that will be relayed to the client.
    struct Dispatched {
        var head: ResponseHead
        var pending: [ResponseEvent]
        var events: ResponseEvents
        var id: UInt32
        var target: ProviderRouter.Target
        /// `provider/model` that served the request.
        var served: String
        var route: String?
        var attempts: Int
        /// The attempt's place in the fleet's provider windows, freed when the answer ends.
        var fleetSlot: ProviderFleetWindows.Slot?

        /// Headers that tell the client who answered.
        var headers: [HTTPHeader] {
            var headers = [
                HTTPHeader(name: "x-orchestra-provider", value: target.provider), HTTPHeader(name: "x-orchestra-model", value: served),
            ]
            if let route { headers.append(HTTPHeader(name: "x-orchestra-route", value: route)) }
            if attempts > 1 { headers.append(HTTPHeader(name: "x-orchestra-attempts", value: String(attempts))) }
            return headers
        }
    }

    private enum Attempt {
        case answered(Dispatched)
        case failed(GatewayError)
    }

    /// `tokens` is the request's estimate, for token windows.
    func dispatch(model: String, endpoint: Endpoint, stream: Bool, body: ByteBuffer, tokens: Int) async throws -> Dispatched {
        let policy = router.supervisor.config.retries
        let started = MonotonicClock.seconds()
        var attempts = 0
        if let route = router.routeConfig(named: model) {
            let (candidates, skipped) = router.candidates(route: route, needs: RequestNeeds(body: body), latency: latency)
            var lastError: GatewayError?
            for candidate in candidates where MonotonicClock.seconds() - started < policy.maxTime {
                attempts += 1
                let target = try await router.route(model: candidate.id, endpoint: endpoint)
                switch await attempt(target, endpoint: endpoint, stream: stream, body: body, tokens: tokens, responseModel: candidate.id) {
                case .answered(var dispatched):
                    dispatched.route = route.name
                    dispatched.attempts = attempts
                    return dispatched
                case .failed(let error):
                    guard error.allowsFallback else { throw error }
                    lastError = error
                }
            }
            if let lastError { throw lastError }
            throw GatewayError(
                .noRouteMember,
                message: "No member of route '\(route.name)' can serve this request now (\(skipped.joined(separator: "; ")))."
            )
        }
        while true {
            attempts += 1
            let target = try await router.route(model: model, endpoint: endpoint)
            switch await attempt(target, endpoint: endpoint, stream: stream, body: body, tokens: tokens, responseModel: nil) {
            case .answered(var dispatched):
                dispatched.attempts = attempts
                return dispatched
            case .failed(let error):
                let left = policy.maxTime - (MonotonicClock.seconds() - started)
                guard let delay = policy.delay(beforeAttempt: attempts + 1, after: error, timeLeft: left, jitter: .random(in: 0...1)) else {
                    throw error
                }
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// One try on one provider, as a child span of the request's when tracing is on.
    private func attempt(
        _ target: ProviderRouter.Target, endpoint: Endpoint, stream: Bool, body: ByteBuffer, tokens: Int, responseModel: String?
    ) async -> Attempt {
        guard traced else {
            return await send(target, endpoint: endpoint, stream: stream, body: body, tokens: tokens, responseModel: responseModel)
        }
        return await withSpan("upstream \(target.provider)", ofKind: .client) { span in
            span.attributes["orchestra.provider"] = target.provider
            span.attributes["orchestra.model"] = target.model
            let result = await send(target, endpoint: endpoint, stream: stream, body: body, tokens: tokens, responseModel: responseModel)
            switch result {
            case .answered(let dispatched): span.attributes["orchestra.status"] = dispatched.head.status
            case .failed(let error):
                span.attributes["orchestra.status"] = error.status
                span.setStatus(SpanStatus(code: .error, message: error.codeName))
            }
            return result
        }
    }

    private func send(
        _ target: ProviderRouter.Target, endpoint: Endpoint, stream: Bool, body: ByteBuffer, tokens: Int, responseModel: String?
    ) async -> Attempt {
        let slot: ProviderFleetWindows.Slot?
        do {
            slot = try await fleet?.admit(target.config, model: target.model, fingerprint: target.keyFingerprint, tokens: tokens)
        } catch {
            return .failed(error)
        }
        let sent = MonotonicClock.seconds()
        let (id, events) = target.connection.submit(
            UpstreamCall(endpoint: endpoint, model: target.model, stream: stream, body: body, responseModel: responseModel)
        )
        var pending = await events.next()[...]
        switch pending.popFirst() {
        case .head(let head):
            let served = "\(target.provider)/\(target.model)"
            latency.record(served, seconds: MonotonicClock.seconds() - sent)
            return .answered(
                Dispatched(
                    head: head, pending: Array(pending), events: events, id: id, target: target, served: served, route: nil, attempts: 1,
                    fleetSlot: slot))
        case .failure(let error):
            slot?.finish(tokens: nil)
            return .failed(error)
        case .chunk, .end, .usage, nil:
            slot?.finish(tokens: nil)
            return .failed(.workerLost(target.provider))
        }
    }
}
