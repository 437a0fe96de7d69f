import Foundation
import Shared
import Testing

@testable import OrchestraFront

@Suite("Availability")
struct AvailabilityTests {
    func availability(
        _ state: WorkerLifecycle.State = .ready, connected: Bool = true, keyPresent: Bool? = true, key: KeySource = .environment("K"),
        failure: String? = nil, rate: (RateStatus, Double)? = nil
    ) -> Availability {
        Availability(
            state: state, connected: connected,
            status: keyPresent.map { WorkerStatus(pid: 7, keyPresent: $0, keyProblem: $0 ? nil : "set K") },
            keySource: key, lastFailure: failure, restarts: 2, pid: 7, rate: rate
        )
    }

    @Test("a connected worker with its key is usable; the last failure is still told")
    func usable() {
        let ready = availability(failure: "exited with status 1")
        #expect(ready.usable && ready.state == "ready" && ready.key == "present")
        #expect(ready.unavailable_reason == nil && ready.reason == "exited with status 1")
        #expect(availability(keyPresent: nil, key: .none).key == "not needed")
    }

    @Test("not usable, and why: restarting, failed, no key")
    func unusable() {
        let restarting = availability(.backingOff(until: 5), connected: false, failure: "killed by signal 9")
        #expect(!restarting.usable && restarting.state == "restarting")
        #expect(restarting.unavailable_reason == "worker restarting: killed by signal 9")
        #expect(availability(.failed(until: 9), connected: false).state == "failed")
        #expect(availability(.ready, connected: false).state == "starting")
        let keyless = availability(keyPresent: false)
        #expect(!keyless.usable && keyless.key == "missing" && keyless.unavailable_reason == "no API key: set K")
        #expect(availability(.starting(deadline: 1), connected: false, keyPresent: nil).key == "unknown")
    }

    @Test("limits count down from the worker's report: a rest that has passed is over")
    func countdown() {
        let report = RateStatus(queued: 1, inFlight: 2, keys: 2, restingKeys: 1, limitedFor: 3, requestsLeft: 9, restingModels: ["m": 10])
        let fresh = availability(rate: (report, 1))
        #expect(fresh.limits?.limited_for == 2 && fresh.limits?.resting_models["m"] == 9 && fresh.limits?.requests_left == 9)
        #expect(fresh.isRateLimited(model: "m") && fresh.unavailableReason(model: "m") == "rate-limited: no budget left right now")
        let later = availability(rate: (report, 20))
        #expect(later.limits?.limited_for == nil && later.limits?.resting_models.isEmpty == true && later.limits?.resting_keys == 0)
        #expect(!later.isRateLimited(model: "m") && later.unavailableReason(model: "m") == nil)
        #expect(availability(connected: false, rate: (report, 0)).limits == nil)
    }

    @Test("one JSON shape, snake_case, as /health and /api/providers send it")
    func json() throws {
        let report = RateStatus(keys: 1, requestsLeft: 4)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let encoded = String(decoding: try encoder.encode(availability(rate: (report, 0))), as: UTF8.self)
        #expect(encoded.contains(#""requests_left":4"#) && encoded.contains(#""usable":true"#) && encoded.contains(#""state":"ready""#))
        #expect(!encoded.contains("requestsLeft"))
    }
}
