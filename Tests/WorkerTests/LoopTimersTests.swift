import Testing

@testable import OrchestraWorker

@Suite("The worker loop's timers (time as a number)")
struct LoopTimersTests {
    @Test("work runs once it is due, earliest first, and only once")
    func dueInOrder() {
        let timers = LoopTimers()
        var ran: [String] = []
        _ = timers.schedule(at: 2.0) { ran.append("b") }
        _ = timers.schedule(at: 1.0) { ran.append("a") }
        _ = timers.schedule(at: 2.0) { ran.append("c") }
        #expect(timers.nextDue == 1.0)
        for work in timers.takeDue(now: 0.5) { work() }
        #expect(ran.isEmpty)
        for work in timers.takeDue(now: 2.0) { work() }
        #expect(ran == ["a", "b", "c"])
        #expect(timers.takeDue(now: 10).isEmpty)
        #expect(timers.nextDue == nil)
        #expect(timers.isEmpty)
    }

    @Test("cancelled work never runs; work scheduled by due work waits for the next turn")
    func cancelAndReschedule() {
        let timers = LoopTimers()
        var ran: [String] = []
        let cancelled = timers.schedule(at: 1.0) { ran.append("cancelled") }
        _ = timers.schedule(at: 1.0) {
            ran.append("first")
            _ = timers.schedule(at: 1.0) { ran.append("second") }
        }
        timers.cancel(cancelled)
        for work in timers.takeDue(now: 1.0) { work() }
        #expect(ran == ["first"])
        #expect(timers.nextDue == 1.0)
        for work in timers.takeDue(now: 1.0) { work() }
        #expect(ran == ["first", "second"])
    }
}
