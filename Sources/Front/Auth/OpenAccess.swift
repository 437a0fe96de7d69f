import Shared

/// Whether the gateway may start as configured: without client keys it is open to anyone who can
/// reach it, which is allowed on a loopback address (the demo answers in the first minute) and
/// elsewhere only when asked for in so many words.
enum OpenAccess: Equatable {
    /// Client keys are on.
    case closed
    /// No client keys, loopback only: worth a notice.
    case openOnLoopback
    /// No client keys on a network address, as configured with `allow_open`: worth a warning.
    case openOnNetwork

    struct Refused: Error, CustomStringConvertible {
        var host: String
        var description: String {
            """
            refusing to listen on \(host) without client keys: anyone who can reach it could spend every provider's keys. \
            Turn keys on with `[auth] enabled = true` and create one with `orchestra keys create --name NAME`, \
            or listen on 127.0.0.1, or set `[auth] allow_open = true` to run open anyway.
            """
        }
    }

    static func decide(_ auth: AuthConfig, host: String) throws(Refused) -> OpenAccess {
        if auth.enabled { return .closed }
        if isLoopback(host) { return .openOnLoopback }
        guard auth.allowOpen else { throw Refused(host: host) }
        return .openOnNetwork
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return bare == "localhost" || bare == "::1" || bare.hasPrefix("127.")
    }
}
