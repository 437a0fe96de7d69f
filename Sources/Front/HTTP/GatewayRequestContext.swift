import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's own, plus the client's address (for the log line
/// of a refused key, and for tracing).
struct GatewayRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The address as a log line shows it.
    var clientAddress: String { remoteAddress?.ipAddress ?? "unknown" }
}
