import Testing

@testable import OrchestraFront

/// The supervisor's restart policy, driven with plain numbers as time: no processes, no sleeps.
@Suite("Worker lifecycle")
struct WorkerLifecycleTests {
    let policy = SupervisorConfig(
        backoffInitial: 0.1, backoffMax: 1, maxRestarts: 3, restartWindow: 60, failedRetry: 30, readyTimeout: 10,
        pingInterval: 2, pingTimeout: 5
    )

    func started(at now: Double = 0) -> WorkerLifecycle { .ready(policy: policy, at: now) }

    @Test("start spawns and arms a readiness deadline; ready is reached only by the readiness message")
    func startup() {
        var machine = WorkerLifecycle(policy: policy)
        #expect(machine.handle(.start, now: 0) == [.spawn, .scheduleTimer(at: 10)])
        #expect(machine.handle(.spawned, now: 0.01) == [])
        #expect(machine.state == .starting(deadline: 10))
        #expect(machine.handle(.timerFired, now: 5) == [])
        #expect(machine.handle(.readyReceived, now: 0.2) == [])
        #expect(machine.state == .ready)
        // The old readiness timer firing later changes nothing.
        #expect(machine.handle(.timerFired, now: 10) == [])
        #expect(machine.state == .ready)
    }

    @Test("exits restart with exponential backoff from 100 ms, capped")
    func backoff() {
        var machine = started()
        var delays: [Double] = []
        var now = 100.0
        for _ in 0..<3 {
            let actions = machine.handle(.exited("killed by signal 9"), now: now)
            guard case .scheduleTimer(let at) = actions.first else {
                Issue.record("no timer")
                return
            }
            delays.append(((at - now) * 1000).rounded() / 1000)
            #expect(machine.handle(.timerFired, now: at) == [.spawn, .scheduleTimer(at: at + 10)])
            _ = machine.handle(.spawned, now: at)
            _ = machine.handle(.readyReceived, now: at)
            now = at + 1
        }
        #expect(delays == [0.1, 0.2, 0.4])
        #expect(machine.totalRestarts == 3)
        #expect(machine.lastFailure == "killed by signal 9")
    }

    @Test("more than max restarts within the window marks the worker failed, then retries slowly")
    func restartIntensity() {
        var machine = started()
        var now = 1.0
        for _ in 0..<3 {
            guard case .scheduleTimer(let at) = machine.handle(.exited("exited with status 1"), now: now).first else { return }
            _ = machine.handle(.timerFired, now: at)
            _ = machine.handle(.spawned, now: at)
            now = at + 0.5
        }
        #expect(machine.handle(.exited("exited with status 1"), now: now) == [.scheduleTimer(at: now + 30)])
        #expect(machine.state == .failed(until: now + 30))
        #expect(machine.lastFailure?.hasPrefix("4 exits in 60 s") == true)
        #expect(abs((machine.retryAfter(now: now + 10) ?? 0) - 20) < 1e-9)
        // Nothing happens before the slow retry is due; then it is spawned again.
        #expect(machine.handle(.timerFired, now: now + 29) == [])
        #expect(machine.handle(.timerFired, now: now + 30) == [.spawn, .scheduleTimer(at: now + 40)])
    }

    @Test("exits spread beyond the window do not add up to failure")
    func windowForgets() {
        var machine = started()
        var now = 0.0
        for _ in 0..<10 {
            now += 61
            guard case .scheduleTimer(let at) = machine.handle(.exited("crash"), now: now).first else { return }
            #expect(abs(at - now - 0.1) < 1e-9)
            _ = machine.handle(.timerFired, now: at)
            _ = machine.handle(.spawned, now: at)
            _ = machine.handle(.readyReceived, now: at)
        }
        #expect(machine.state == .ready)
    }

    @Test("a hung worker is killed and restarted, and the reason says it was hung")
    func hung() {
        var machine = started()
        #expect(machine.handle(.unresponsive, now: 50) == [.kill])
        #expect(machine.handle(.exited("killed by signal 9"), now: 50.01) == [.scheduleTimer(at: 50.11)])
        #expect(machine.lastFailure == "no answer to pings for 5 s")
    }

    @Test("a worker that never reports ready is killed at the deadline and counts as a failed start")
    func neverReady() {
        var machine = WorkerLifecycle(policy: policy)
        _ = machine.handle(.start, now: 0)
        _ = machine.handle(.spawned, now: 0)
        #expect(machine.handle(.timerFired, now: 10) == [.kill])
        #expect(machine.handle(.exited("killed by signal 9"), now: 10.1) == [.scheduleTimer(at: 10.2)])
        #expect(machine.lastFailure == "not ready within 10 s")
    }

    @Test("a spawn that fails goes through the same backoff")
    func spawnFailure() {
        var machine = WorkerLifecycle(policy: policy)
        _ = machine.handle(.start, now: 0)
        #expect(machine.handle(.spawnFailed("cannot start /nope"), now: 0) == [.scheduleTimer(at: 0.1)])
        #expect(machine.state == .backingOff(until: 0.1))
    }

    @Test("stop terminates a running worker and ends when it exits; a stopped worker is not restarted")
    func stop() {
        var machine = started()
        #expect(machine.handle(.stop, now: 5) == [.terminate])
        #expect(machine.state == .stopping)
        #expect(machine.handle(.exited("exited with status 0"), now: 5.2) == [])
        #expect(machine.state == .stopped)
        #expect(machine.handle(.timerFired, now: 100) == [])
        #expect(machine.handle(.start, now: 100) == [])

        var backingOff = started()
        _ = backingOff.handle(.exited("crash"), now: 1)
        #expect(backingOff.handle(.stop, now: 1.05) == [])
        #expect(backingOff.state == .stopped)
    }
}

extension WorkerLifecycle {
    /// A machine whose worker was started, spawned and reported ready at `now`.
    static func ready(policy: SupervisorConfig, at now: Double) -> WorkerLifecycle {
        var machine = WorkerLifecycle(policy: policy)
        _ = machine.handle(.start, now: now)
        _ = machine.handle(.spawned, now: now)
        _ = machine.handle(.readyReceived, now: now)
        return machine
    }
}
