import Shared
import Testing

@testable import OrchestraFront

@Suite("Retry policy")
struct RetryPolicyTests {
    let policy = RetryPolicy(attempts: 3, backoff: 0.25, maxTime: 20)

    func error(_ code: GatewayError.Code, _ headers: [(String, String)] = []) -> GatewayError {
        GatewayError(code, message: "x", headers: headers.map { HTTPHeader(name: $0.0, value: $0.1) })
    }

    @Test("5xx and transport failures back off exponentially with full jitter")
    func backoff() {
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamServerError), timeLeft: 20, jitter: 1) == 0.25)
        #expect(policy.delay(beforeAttempt: 3, after: error(.upstreamUnreachable), timeLeft: 20, jitter: 1) == 0.5)
        #expect(policy.delay(beforeAttempt: 3, after: error(.upstreamUnreachable), timeLeft: 20, jitter: 0.5) == 0.25)
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamServerError), timeLeft: 20, jitter: 0) == 0)
    }

    @Test("no attempt past the configured number")
    func attemptsBound() {
        #expect(policy.delay(beforeAttempt: 4, after: error(.upstreamServerError), timeLeft: 20, jitter: 1) == nil)
        let once = RetryPolicy(attempts: 1)
        #expect(once.delay(beforeAttempt: 2, after: error(.upstreamServerError), timeLeft: 20, jitter: 1) == nil)
    }

    @Test("a wait longer than the time left ends the request instead")
    func timeBound() {
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamServerError), timeLeft: 0.1, jitter: 1) == nil)
    }

    @Test("throttling waits what retry-after says when it is short, else gives up; 1 s when unsaid")
    func retryAfter() {
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamRateLimited, [("retry-after", "2")]), timeLeft: 20, jitter: 0) == 2)
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamRateLimited, [("Retry-After", "30")]), timeLeft: 20, jitter: 0) == nil)
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamRateLimited), timeLeft: 20, jitter: 0) == 1)
        #expect(policy.delay(beforeAttempt: 2, after: error(.upstreamRateLimited, [("retry-after", "2")]), timeLeft: 1.5, jitter: 0) == nil)
    }

    @Test(
        "never retried: the client's mistakes, spent quotas, the gateway's own limit, its timeout, a lost worker",
        arguments: [
            GatewayError.Code.invalidJSON, .modelNotFound, .quotaExhausted, .rateLimited, .upstreamTimeout, .workerLost, .missingKey,
        ])
    func final(_ code: GatewayError.Code) {
        #expect(policy.delay(beforeAttempt: 2, after: error(code), timeLeft: 20, jitter: 1) == nil)
    }

    @Test("an upstream that says x-should-retry: false is not retried")
    func shouldRetryFalse() {
        let refused = error(.upstream(status: 429, type: "rate_limit_error", code: nil), [("x-should-retry", "false")])
        #expect(policy.delay(beforeAttempt: 2, after: refused, timeLeft: 20, jitter: 1) == nil)
    }
}
