import Shared

/// How the front supervises workers: restart pacing, when to give up for a while, liveness checks.
/// All durations in seconds.
public struct SupervisorConfig: Sendable, Equatable {
    /// First restart delay after a worker exits; doubles with each restart inside `restartWindow`.
    public var backoffInitial: Double
    /// Longest restart delay.
    public var backoffMax: Double
    /// More than `maxRestarts` exits within `restartWindow` marks the provider failed.
    public var maxRestarts: Int
    public var restartWindow: Double
    /// While failed, the supervisor tries again this often (slowly, instead of never).
    public var failedRetry: Double
    /// A spawned worker that does not report ready in time is killed and counts as a failed start.
    public var readyTimeout: Double
    /// Liveness pings to ready workers; no pong within `pingTimeout` means hung: the worker is replaced.
    public var pingInterval: Double
    public var pingTimeout: Double
    /// How long a request waits for a restarting provider before it gets 503.
    public var requestWait: Double
    /// On SIGTERM, how long in-flight requests (streams included) may run before being cut.
    public var shutdownGrace: Double
    /// How long a stopped worker gets between SIGTERM and SIGKILL.
    public var workerStopGrace: Double

    public init(
        backoffInitial: Double = 0.1, backoffMax: Double = 10, maxRestarts: Int = 5, restartWindow: Double = 60,
        failedRetry: Double = 30, readyTimeout: Double = 10, pingInterval: Double = 2, pingTimeout: Double = 5,
        requestWait: Double = 5, shutdownGrace: Double = 30, workerStopGrace: Double = 5
    ) {
        self.backoffInitial = backoffInitial
        self.backoffMax = backoffMax
        self.maxRestarts = maxRestarts
        self.restartWindow = restartWindow
        self.failedRetry = failedRetry
        self.readyTimeout = readyTimeout
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.requestWait = requestWait
        self.shutdownGrace = shutdownGrace
        self.workerStopGrace = workerStopGrace
    }
}
