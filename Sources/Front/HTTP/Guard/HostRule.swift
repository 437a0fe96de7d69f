import Glibc

/// Which `Host` names the gateway serves: any IP literal (a DNS-rebinding page always arrives under its
/// own domain name, never an address), the loopback names, the name it listens on, and the operator's
/// `[server] allowed_hosts` (exact names, `*.suffix`, or `*` for any). Every other name is refused, so a
/// web page that rebinds its domain to 127.0.0.1 can neither call the providers nor read usage.
struct HostRule: Sendable {
    private let names: Set<String>
    private let suffixes: [String]
    private let anyHost: Bool

    init(listenHost: String, allowedHosts: [String]) {
        var names: Set<String> = ["localhost"]
        var suffixes = [".localhost"]
        var anyHost = false
        for entry in allowedHosts + [listenHost] {
            let name = Self.normalized(entry)
            if name == "*" {
                anyHost = true
            } else if name.hasPrefix("*.") {
                suffixes.append(String(name.dropFirst()))
            } else if !name.isEmpty {
                names.insert(name)
            }
        }
        self.names = names
        self.suffixes = suffixes
        self.anyHost = anyHost
    }

    /// Whether a request with this `Host` (the authority, with or without a port) is served. A request
    /// without one (HTTP/1.0) is: browsers always send it.
    func admits(authority: String?) -> Bool {
        guard !anyHost, let authority, !authority.isEmpty else { return true }
        let host = Self.hostPart(of: authority)
        if Self.isIPLiteral(host) { return true }
        let name = Self.normalized(host)
        return names.contains(name) || suffixes.contains { name.hasSuffix($0) }
    }

    /// The host of `name:port`, `[v6]:port`, `[v6]` or `name`, without brackets.
    static func hostPart(of authority: some StringProtocol) -> Substring {
        let text = Substring(authority)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return text }
            return text[text.index(after: text.startIndex)..<close]
        }
        guard let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon else { return text }
        return text[..<colon]
    }

    static func isIPLiteral(_ host: Substring) -> Bool {
        var address = in6_addr()
        return String(host).withCString { text in
            inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
        }
    }

    private static func normalized(_ name: some StringProtocol) -> String {
        var lowered = name.lowercased()
        if lowered.hasSuffix(".") { lowered.removeLast() }
        return lowered
    }
}
