import Shared

extension RetryPolicy {
    /// Seconds to wait before attempt `number` after `error`, or `nil` when there is to be no such
    /// attempt: attempts used up, an error another try will not mend, or no time left for the wait.
    ///
    /// A throttled request waits what `retry-after` says (if that is short and fits in the time left);
    /// others back off exponentially with full jitter (`jitter` is a number in 0...1, random in use).
    func delay(beforeAttempt number: Int, after error: GatewayError, timeLeft: Double, jitter: Double) -> Double? {
        guard number <= attempts, error.isRetryable else { return nil }
        if error.status == 429 {
            let retryAfter = error.retryAfter ?? 1
            return retryAfter <= min(2, timeLeft) ? retryAfter : nil
        }
        let delay = jitter * backoff * pow2(number - 2)
        return delay < timeLeft ? delay : nil
    }

    private func pow2(_ exponent: Int) -> Double {
        exponent <= 0 ? 1 : Double(1 << min(exponent, 30))
    }
}
