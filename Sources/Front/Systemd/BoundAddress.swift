#if canImport(Glibc)
import Glibc
#endif

/// The address a listening socket is bound to: for a socket systemd hands over, where `[server] listen`
/// says nothing, so the rule "open only on loopback" is checked against where the gateway really listens.
enum BoundAddress {
    /// The numeric host (`127.0.0.1`, `::`), or `nil` when the descriptor is not an inet socket.
    static func host(of descriptor: Int32) -> String? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let named = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { return nil }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { address in
                    var raw = address.pointee.sin_addr
                    return inet_ntop(AF_INET, &raw, &text, socklen_t(text.count)).map { _ in String(cString: text) }
                }
            }
        case AF_INET6:
            return withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { address in
                    var raw = address.pointee.sin6_addr
                    return inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count)).map { _ in String(cString: text) }
                }
            }
        default: return nil
        }
    }
}
