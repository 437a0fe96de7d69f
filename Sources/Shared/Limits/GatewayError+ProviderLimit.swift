extension GatewayError {
    /// Marks a 429 the gateway's own limiter gave, for clients and logs (the front reads the code).
    public static let gatewayLimitHeader = "x-orchestra-rate-limit"

    /// A provider's limit reached (by its worker's windows, or the fleet's): a 429 that says when to come
    /// back; a spent daily quota also says not to retry (`x-should-retry`).
    public static func providerLimit(provider: String, until: Double, now: Double, quota: Bool, window: RateLimits.Window?) -> GatewayError
    {
        let wait = until.isFinite ? max(1, Int((until - now).rounded(.up))) : 1
        var headers = [
            HTTPHeader(name: gatewayLimitHeader, value: "gateway"),
            HTTPHeader(name: "retry-after", value: String(wait)),
            HTTPHeader(name: "x-ratelimit-remaining-requests", value: "0"),
            HTTPHeader(name: "x-ratelimit-reset-requests", value: "\(wait)s"),
        ]
        if let requests = window?.requests { headers.append(HTTPHeader(name: "x-ratelimit-limit-requests", value: String(requests))) }
        if let tokens = window?.tokens { headers.append(HTTPHeader(name: "x-ratelimit-limit-tokens", value: String(tokens))) }
        if quota { headers.append(HTTPHeader(name: "x-should-retry", value: "false")) }
        let what: String
        if let window {
            let parts = [window.requests.map { "\($0) requests" }, window.tokens.map { "\($0) tokens" }].compactMap { $0 }
            what = "the gateway's limit of \(parts.joined(separator: " and ")) per \(Self.format(window.seconds))"
        } else if !until.isFinite {
            what = "the gateway's limit of concurrent requests"
        } else {
            what = "the upstream's rate limit (every key is resting)"
        }
        return GatewayError(
            quota ? .quotaExhausted : .rateLimited,
            message: "\(provider): \(what) is reached; retry after \(wait) s.", headers: headers
        )
    }

    private static func format(_ seconds: Double) -> String {
        switch seconds {
        case 60: return "minute"
        case 3600: return "hour"
        case 86_400: return "day"
        default: return "\(seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)) s"
        }
    }
}
