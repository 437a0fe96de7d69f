/// What one client connection is doing and how long it may take doing it: the pure part of
/// `ClientDeadlines`, so the rules are tested without sockets or clocks.
///
/// A new or kept-alive connection waits for a request within the idle timeout; from a request's first
/// byte its head must arrive within the header timeout, then its body within the body timeout. While
/// the gateway answers, the client has nothing to send, so no deadline runs (streams have their own).
struct ConnectionPhases: Sendable, Equatable {
    enum Phase: String, Sendable {
        case idle, head, body, answering
    }

    /// What to do with the connection's timer after an event.
    enum Deadline: Equatable {
        case keep
        case cancel
        case after(seconds: Double)
    }

    let timeouts: FrontDoorConfig
    private(set) var phase = Phase.idle
    /// Requests read whose answer is not yet written (more than one when the client pipelines).
    private(set) var answersOwed = 0

    init(timeouts: FrontDoorConfig) {
        self.timeouts = timeouts
    }

    /// The deadline a fresh connection starts with.
    var opened: Deadline { .after(seconds: timeouts.idleTimeout) }

    mutating func bytesArrived() -> Deadline {
        guard phase == .idle else { return .keep }
        phase = .head
        return .after(seconds: timeouts.headerTimeout)
    }

    mutating func headRead() -> Deadline {
        phase = .body
        return .after(seconds: timeouts.bodyTimeout)
    }

    mutating func requestRead() -> Deadline {
        answersOwed += 1
        phase = .answering
        return .cancel
    }

    mutating func answerWritten() -> Deadline {
        answersOwed = max(0, answersOwed - 1)
        guard answersOwed == 0, phase == .answering else { return .keep }
        phase = .idle
        return .after(seconds: timeouts.idleTimeout)
    }
}
