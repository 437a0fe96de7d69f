/// Work the worker's one thread must do at a later moment (a queued request's turn in the rate budget,
/// the next budget report, a paced demo stream): kept here and run by `WorkerLoop` between waits.
///
/// Pure: time comes in as a number, so the rules are tested without a clock. Confined to the worker's
/// thread, like everything the loop runs; a class because the rate limiter and the demo share the loop's.
final class LoopTimers {
    /// Names a scheduled piece of work, to cancel it.
    struct Handle: Hashable, Sendable {
        fileprivate let number: UInt64
    }

    private struct Entry {
        var due: Double
        var work: () -> Void
    }

    private var entries: [UInt64: Entry] = [:]
    private var lastNumber: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }

    /// Runs `work` once the clock reaches `due` (seconds on `MonotonicClock`).
    func schedule(at due: Double, _ work: @escaping () -> Void) -> Handle {
        lastNumber += 1
        entries[lastNumber] = Entry(due: due, work: work)
        return Handle(number: lastNumber)
    }

    /// Forgets the work, if it has not run yet.
    func cancel(_ handle: Handle) {
        entries[handle.number] = nil
    }

    /// The earliest moment some work is due, or `nil` when nothing is scheduled.
    var nextDue: Double? { entries.values.lazy.map(\.due).min() }

    /// Removes and returns the work due at `now`, earliest first (in the order scheduled when due
    /// together). The caller runs it: work may schedule more, which waits for the next call.
    func takeDue(now: Double) -> [() -> Void] {
        // Called every round of the loop: nothing is copied or sorted while nothing is due.
        guard entries.values.contains(where: { $0.due <= now }) else { return [] }
        let due = entries.filter { $0.value.due <= now }.sorted { ($0.value.due, $0.key) < ($1.value.due, $1.key) }
        for (number, _) in due { entries[number] = nil }
        return due.map(\.value.work)
    }
}
