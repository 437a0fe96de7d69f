import Testing

@testable import OrchestraFront

/// Pings and the stop escalation, decided by the lifecycle with plain numbers as time.
@Suite("Worker liveness and stop escalation")
struct WorkerLivenessTests {
    let policy = SupervisorConfig(pingInterval: 2, pingTimeout: 5, workerStopGrace: 3)

    func ready(at now: Double = 0) -> WorkerLifecycle { .ready(policy: policy, at: now) }

    @Test("a ready worker is pinged every interval while it answers")
    func pingsWhileAnswered() {
        var machine = ready()
        #expect(machine.handle(.tick, now: 1.9) == [])
        #expect(machine.handle(.tick, now: 2) == [.ping(nonce: 1)])
        #expect(machine.handle(.tick, now: 3) == [])
        #expect(machine.handle(.pongReceived(1), now: 3.1) == [])
        #expect(machine.handle(.tick, now: 4) == [.ping(nonce: 2)])
        #expect(machine.state == .ready)
    }

    @Test("no pong within the timeout: killed as hung, with that reason")
    func unanswered() {
        var machine = ready()
        #expect(machine.handle(.tick, now: 2) == [.ping(nonce: 1)])
        #expect(machine.handle(.tick, now: 7) == [])
        // A pong for another ping does not count.
        #expect(machine.handle(.pongReceived(99), now: 7.01) == [])
        #expect(machine.handle(.tick, now: 7.01) == [.kill])
        #expect(machine.handle(.exited("killed by signal 9"), now: 8) == [.scheduleTimer(at: 8 + 0.1)])
        #expect(machine.lastFailure == "no answer to pings for 5 s")
    }

    @Test("a restarted worker starts its pings afresh")
    func freshAfterRestart() {
        var machine = ready()
        _ = machine.handle(.tick, now: 2)
        _ = machine.handle(.exited("crash"), now: 3)
        _ = machine.handle(.timerFired, now: 3.1)
        _ = machine.handle(.spawned, now: 3.1)
        _ = machine.handle(.readyReceived, now: 3.2)
        #expect(machine.handle(.tick, now: 9) == [.ping(nonce: 2)])
    }

    @Test("no pings before ready")
    func notBeforeReady() {
        var machine = WorkerLifecycle(policy: policy)
        _ = machine.handle(.start, now: 0)
        _ = machine.handle(.spawned, now: 0)
        #expect(machine.handle(.tick, now: 100) == [])
    }

    @Test("stop: SIGTERM once, SIGKILL when the worker outlives its grace, nothing after it exits")
    func escalation() {
        var machine = ready()
        #expect(machine.handle(.stop, now: 10) == [.terminate])
        #expect(machine.handle(.stop, now: 10.5) == [])
        #expect(machine.handle(.tick, now: 13) == [])
        #expect(machine.handle(.tick, now: 13.01) == [.kill])
        #expect(machine.handle(.tick, now: 20) == [])
        #expect(machine.handle(.exited("killed by signal 9"), now: 20.1) == [])
        #expect(machine.state == .stopped)
    }

    @Test("a worker that exits within its grace is never killed")
    func gracefulStop() {
        var machine = ready()
        _ = machine.handle(.stop, now: 10)
        _ = machine.handle(.exited("exited with status 0"), now: 11)
        #expect(machine.handle(.tick, now: 30) == [])
    }
}
