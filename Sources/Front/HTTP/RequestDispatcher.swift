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

        /// Headers that tell the client who answered.
        var headers: [HTTPHeader] {
            var headers = [HTTPHeader(name: "x-orchestra-provider", value: target.provider), HTTPHeader(name: "x-orchestra-model", value: served)]
            if let route { headers.append(HTTPHeader(name: "x-orchestra-route", value: route)) }
            if attempts > 1 { headers.append(HTTPHeader(name: "x-orchestra-attempts", value: String(attempts))) }
            return headers
        }
    }

    private enum Attempt {
        case answered(Dispatched)
        case failed(GatewayError)
    }

    func dispatch(model: String, endpoint: Endpoint, stream: Bool, body: ByteBuffer) async throws -> Dispatched {
        let policy = router.supervisor.config.retries
        let started = MonotonicClock.seconds()
        var attempts = 0
        if let route = router.routeConfig(named: model) {
            let (candidates, skipped) = router.candidates(route: route, needs: RequestNeeds(body: body), latency: latency)
            var lastError: GatewayError?
            for candidate in candidates where MonotonicClock.seconds() - started < policy.maxTime {
                attempts += 1
                let target = try await router.route(model: candidate.id, endpoint: endpoint)
                switch await attempt(target, endpoint: endpoint, stream: stream, body: body, responseModel: candidate.id) {
                case .answered(var dispatched):
                    dispatched.route = route.name
                    dispatched.attempts = attempts
                    return dispatched
                case .failed(let error):
                    guard Self.retryable(error) else { throw error }
                    lastError = error
                }
            }
            if let lastError { throw lastError }
            throw GatewayError(
                status: 503, type: "server_error", code: "no_route_member",
                message: "No member of route '\(route.name)' can serve this request now (\(skipped.joined(separator: "; ")))."
            )
        }
        while true {
            attempts += 1
            let target = try await router.route(model: model, endpoint: endpoint)
            switch await attempt(target, endpoint: endpoint, stream: stream, body: body, responseModel: nil) {
            case .answered(var dispatched):
                dispatched.attempts = attempts
                return dispatched
            case .failed(let error):
                let left = policy.maxTime - (MonotonicClock.seconds() - started)
                let gatewayLimit = error.headers.contains { $0.name == "x-orchestra-rate-limit" }
                guard attempts < policy.attempts, !gatewayLimit, Self.retryable(error), let delay = Self.delay(before: attempts + 1, after: error, policy: policy, left: left) else {
                    throw error
                }
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// One try on one provider, as a child span of the request's (a no-op unless tracing is on).
    private func attempt(_ target: ProviderRouter.Target, endpoint: Endpoint, stream: Bool, body: ByteBuffer, responseModel: String?) async -> Attempt {
        await withSpan("upstream \(target.provider)", ofKind: .client) { span in
            span.attributes["orchestra.provider"] = target.provider
            span.attributes["orchestra.model"] = target.model
            let result = await send(target, endpoint: endpoint, stream: stream, body: body, responseModel: responseModel)
            switch result {
            case .answered(let dispatched): span.attributes["orchestra.status"] = dispatched.head.status
            case .failed(let error):
                span.attributes["orchestra.status"] = error.status
                span.setStatus(SpanStatus(code: .error, message: error.code))
            }
            return result
        }
    }

    private func send(_ target: ProviderRouter.Target, endpoint: Endpoint, stream: Bool, body: ByteBuffer, responseModel: String?) async -> Attempt {
        let sent = MonotonicClock.seconds()
        let (id, events) = target.connection.submit(
            UpstreamCall(endpoint: endpoint, model: target.model, stream: stream, body: body, responseModel: responseModel)
        )
        var pending = await events.next()[...]
        switch pending.popFirst() {
        case .head(let head):
            let served = "\(target.provider)/\(target.model)"
            latency.record(served, seconds: MonotonicClock.seconds() - sent)
            return .answered(Dispatched(
                head: head, pending: Array(pending), events: events, id: id, target: target, served: served, route: nil, attempts: 1
            ))
        case .failure(let error):
            return .failed(error)
        case .chunk, .end, .usage, nil:
            return .failed(.workerLost(target.provider))
        }
    }

    /// Transport failures, 5xx and throttling may succeed on another try; a spent quota or a bad
    /// request will not. Two 5xx are not retried: the gateway's own upstream timeout (a second wait as
    /// long would double the client's), and a worker that died with the request (it may have died of
    /// it: retrying a poison request would crash the next worker too).
    static func retryable(_ error: GatewayError) -> Bool {
        guard [429, 500, 502, 503, 504].contains(error.status) else { return false }
        guard !["insufficient_quota", "upstream_timeout", "worker_lost"].contains(error.code ?? "") else { return false }
        return !error.headers.contains { $0.name.lowercased() == "x-should-retry" && $0.value == "false" }
    }

    /// Seconds to wait before attempt `number`, or `nil` when waiting is pointless: a throttled request
    /// waits what `retry-after` says (if that is short and fits in the time left), others back off
    /// exponentially with full jitter.
    static func delay(before number: Int, after error: GatewayError, policy: RetryPolicy, left: Double) -> Double? {
        if error.status == 429 {
            let retryAfter = error.headers.first { $0.name.lowercased() == "retry-after" }.flatMap { Double($0.value) } ?? 1
            return retryAfter <= min(2, left) ? retryAfter : nil
        }
        let delay = Double.random(in: 0...(policy.backoff * pow(2, Double(number - 2))))
        return delay < left ? delay : nil
    }
}
