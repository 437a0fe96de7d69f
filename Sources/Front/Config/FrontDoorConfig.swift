/// What the front door lets in: a cap on client connections, how long a client may take to send a
/// request or sit idle, and which `Host` names and browser origins are served. The defaults let no one
/// hold thousands of sockets and no web page spend the keys.
public struct FrontDoorConfig: Sendable, Equatable {
    /// Open client connections at most; `nil` derives it from the file-descriptor limit.
    public var maxConnections: Int?
    /// Seconds from a request's first byte to the end of its head.
    public var headerTimeout: Double = 10
    /// Seconds from a request's head to the end of its body.
    public var bodyTimeout: Double = 60
    /// Seconds a connection may wait for its next request (or its first).
    public var idleTimeout: Double = 30
    /// Seconds a stopping gateway still reads requests already sent on idle connections.
    public var drainGrace: Double = 0.25
    /// `Host` names served besides the listen address and loopback names (`*` serves any).
    public var allowedHosts: [String] = []
    /// Browser origins allowed to call with CORS; none by default (`*` allows any).
    public var corsOrigins: [String] = []

    public init() {}
}
