/// A connection's one deadline, kept with at most one timer that moves lazily: a later deadline keeps
/// the timer already set (it goes off early and is set again for what is left); only an earlier one
/// replaces it. A keep-alive connection sets three deadlines a request (header, body, idle); this way
/// its requests schedule no timer at all once the first is set, where scheduling and cancelling a
/// NIO timer for each deadline cost the front one of its larger shares of a request.
///
/// Pure: time comes in as a number (seconds on one monotonic clock), so the rules are tested without a
/// clock or an event loop.
struct LazyDeadline: Equatable {
    /// What the owner must do with its timer after a new deadline.
    enum TimerChange: Equatable {
        case none
        /// Replace the timer (if any) by one at this moment.
        case schedule(at: Double)
    }

    /// What the timer going off means.
    enum Firing: Equatable {
        /// The deadline passed: act on it.
        case expired
        /// It went off early (the deadline moved later): set it again for this moment.
        case again(at: Double)
        /// No deadline runs now: nothing to do, no timer left.
        case nothing
    }

    /// The moment the connection must have moved on by, or `nil` when no deadline runs.
    private(set) var deadline: Double?
    /// When the timer set goes off, or `nil` when none is set.
    private(set) var timerAt: Double?

    /// A new deadline, or none (`nil`).
    mutating func set(_ due: Double?) -> TimerChange {
        deadline = due
        guard let due else { return .none }
        if let timerAt, timerAt <= due { return .none }
        timerAt = due
        return .schedule(at: due)
    }

    /// The timer went off at `now`.
    mutating func fired(now: Double) -> Firing {
        timerAt = nil
        guard let deadline else { return .nothing }
        guard now < deadline else {
            self.deadline = nil
            return .expired
        }
        timerAt = deadline
        return .again(at: deadline)
    }
}
