import Shared

/// The restart and liveness policy of one worker as a pure state machine: events in, actions out.
///
/// It owns no process and reads no clock: callers pass `now` (seconds on a monotonic clock), so tests
/// drive it with plain numbers. Modelled on Erlang/OTP supervisors and s6: restarts are paced with
/// exponential backoff, and more than `maxRestarts` exits within `restartWindow` marks the worker
/// failed, after which it is retried at a slow pace instead of looping hot or giving up forever. A
/// ready worker is pinged; one that does not answer in time is killed. A worker asked to stop gets
/// SIGTERM, then SIGKILL when it outlives its grace.
public struct WorkerLifecycle: Sendable, Equatable {
    public enum State: Sendable, Equatable {
        /// Not started yet.
        case idle
        /// Spawned; waiting for its readiness message (or for `deadline`, when it counts as failed).
        case starting(deadline: Double)
        case ready
        /// Exited; will be spawned again at `until`.
        case backingOff(until: Double)
        /// Restarted too often; spawned again at `until`, and requests get a fast 503 meanwhile.
        case failed(until: Double)
        /// Asked to stop; waiting for the process to exit.
        case stopping
        case stopped
    }

    public enum Event: Sendable, Equatable {
        case start
        case spawned
        case spawnFailed(String)
        case readyReceived
        case exited(String)
        /// The worker stopped answering pings.
        case unresponsive
        /// A timer the machine asked for is due.
        case timerFired
        case stop
        /// Time passed (the supervisor's regular tick): pings are due or overdue, a stop outlived its grace.
        case tick
        /// The worker answered the ping with this nonce.
        case pongReceived(UInt32)
    }

    public enum Action: Sendable, Equatable {
        case spawn
        /// Kill the running process (SIGKILL): it is hung or never became ready.
        case kill
        /// Ask the process to exit (SIGTERM, then SIGKILL after a grace period).
        case terminate
        /// Deliver `.timerFired` at this time.
        case scheduleTimer(at: Double)
        /// Send a liveness ping; the answer comes back as `.pongReceived(nonce)`.
        case ping(nonce: UInt32)
    }

    public private(set) var state = State.idle
    /// Why the worker last went down, for `/health` and logs.
    public private(set) var lastFailure: String?
    /// Exit times inside the restart window.
    public private(set) var recentExits: [Double] = []
    public private(set) var totalRestarts = 0
    private var processAlive = false
    /// Set when the machine asked for a kill, so the exit keeps the reason for the kill.
    private var killRequested = false
    /// The ping waiting for its pong, and when the last one went out.
    private var outstandingPing: PendingPing?
    private var lastPingAt = 0.0
    private var nextNonce: UInt32 = 1
    /// When SIGTERM was sent; SIGKILL follows after `workerStopGrace`.
    private var terminatedAt: Double?
    public let policy: SupervisorConfig

    public init(policy: SupervisorConfig) {
        self.policy = policy
    }

    public mutating func handle(_ event: Event, now: Double) -> [Action] {
        switch (state, event) {
        case (.idle, .start):
            return beginStart(now: now)

        case (.starting, .spawned):
            processAlive = true
            return []

        case (.starting, .readyReceived):
            state = .ready
            outstandingPing = nil
            lastPingAt = now
            return []

        case (.ready, .tick):
            if let outstanding = outstandingPing {
                guard now - outstanding.sentAt > policy.pingTimeout else { return [] }
                outstandingPing = nil
                return handle(.unresponsive, now: now)
            }
            guard now - lastPingAt >= policy.pingInterval else { return [] }
            let nonce = nextNonce
            nextNonce &+= 1
            outstandingPing = PendingPing(nonce: nonce, sentAt: now)
            lastPingAt = now
            return [.ping(nonce: nonce)]

        case (_, .pongReceived(let nonce)):
            if outstandingPing?.nonce == nonce { outstandingPing = nil }
            return []

        case (.stopping, .tick):
            guard let terminated = terminatedAt, now - terminated > policy.workerStopGrace else { return [] }
            // It outlived its grace: no more asking.
            terminatedAt = nil
            return [.kill]

        case (.starting(let deadline), .timerFired) where now >= deadline:
            lastFailure = "not ready within \(Self.format(policy.readyTimeout)) s"
            // Kill it; its exit then goes through the normal restart path.
            guard processAlive else { return recordExit(reason: lastFailure!, now: now) }
            killRequested = true
            return [.kill]

        case (.ready, .unresponsive):
            lastFailure = "no answer to pings for \(Self.format(policy.pingTimeout)) s"
            killRequested = true
            return [.kill]

        case (.starting, .spawnFailed(let reason)):
            processAlive = false
            return recordExit(reason: reason, now: now)

        case (.starting, .exited(let reason)), (.ready, .exited(let reason)):
            processAlive = false
            outstandingPing = nil
            // A kill we asked for keeps the reason we had for it.
            let why = killRequested ? (lastFailure ?? reason) : reason
            killRequested = false
            return recordExit(reason: why, now: now)

        case (.backingOff(let until), .timerFired) where now >= until,
            (.failed(let until), .timerFired) where now >= until:
            return beginStart(now: now)

        case (.stopping, .exited), (.stopping, .spawnFailed):
            processAlive = false
            terminatedAt = nil
            state = .stopped
            return []

        case (_, .stop):
            guard state != .stopped, state != .stopping else { return [] }
            if processAlive {
                state = .stopping
                terminatedAt = now
                return [.terminate]
            }
            state = .stopped
            return []

        default:
            // Late or duplicate events (a timer for a state already left, an exit already handled).
            return []
        }
    }

    /// Seconds until a failed worker is tried again, for `retry-after`.
    public func retryAfter(now: Double) -> Double? {
        switch state {
        case .failed(let until), .backingOff(let until): return max(0, until - now)
        default: return nil
        }
    }

    private mutating func beginStart(now: Double) -> [Action] {
        let deadline = now + policy.readyTimeout
        state = .starting(deadline: deadline)
        return [.spawn, .scheduleTimer(at: deadline)]
    }

    private mutating func recordExit(reason: String, now: Double) -> [Action] {
        lastFailure = reason
        totalRestarts += 1
        recentExits = recentExits.filter { now - $0 < policy.restartWindow } + [now]
        if recentExits.count > policy.maxRestarts {
            let until = now + policy.failedRetry
            state = .failed(until: until)
            lastFailure = "\(recentExits.count) exits in \(Self.format(policy.restartWindow)) s, last: \(reason)"
            return [.scheduleTimer(at: until)]
        }
        let exponent = Double(recentExits.count - 1)
        let delay = min(policy.backoffMax, policy.backoffInitial * pow2(exponent))
        let until = now + delay
        state = .backingOff(until: until)
        return [.scheduleTimer(at: until)]
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(min(exponent, 30)) { result *= 2 }
        return result
    }

    static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() ? String(Int(seconds)) : String(seconds)
    }
}

/// A ping on its way: its nonce and when it left.
private struct PendingPing: Sendable, Equatable {
    var nonce: UInt32
    var sentAt: Double
}
