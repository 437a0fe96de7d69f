import Shared

extension ProviderConfig {
    /// The base URL without a trailing slash: endpoints are appended to it.
    var trimmedBaseURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Header lines for every upstream request: the dialect's own, then the config's extra headers.
    func upstreamHeaders(_ dialectHeaders: [String]) -> [String] {
        dialectHeaders + headers.map { "\($0.name): \($0.value)" }
    }
}
