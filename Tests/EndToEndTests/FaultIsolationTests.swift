import Foundation
import Testing

/// Each provider runs in its own worker process, and a crashed, hung, frozen or unstartable one never
/// touches the others. Providers A (`fake`) and B (`other`) point at fake upstreams; A carries steady
/// concurrent load while B is broken in each way.
@Suite("Fault isolation", .serialized)
struct FaultIsolationTests {
    /// Pings fast enough to catch a frozen worker within seconds, but slack enough that a worker
    /// on a loaded 2-core CI machine is not mistaken for a frozen one.
    static let fastSupervision = """
        [supervisor]
        ping_interval = 0.5
        ping_timeout = 2
        request_wait = 3
        """

    @Test("two providers are served by two worker processes; killing one leaves the other serving")
    func separateWorkers() async throws {
        try await withGateway { gateway, upstream in
            let pids = await gateway.workerPIDs()
            let fake = try #require(pids["fake"])
            let other = try #require(pids["other"])
            #expect(fake != other)
            #expect(fake != gateway.process.processIdentifier)
            #expect(ProcessTree.parent(of: fake) == gateway.process.processIdentifier)

            #expect(await gateway.chat(chatBody(model: "other/ok")).status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.otherKey)")

            kill(other, SIGKILL)
            let meanwhile = await gateway.chat(chatBody(model: "fake/ok"))
            #expect(meanwhile.status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.fakeKey)")

            // The supervisor restarts the killed worker; wait for its new pid (bounded), which then serves.
            let replaced = try? await Self.waitForNewPID(gateway, provider: "other", notIn: [other])
            if replaced != nil { #expect(await gateway.chat(chatBody(model: "other/ok")).status == 200) }
            #expect(replaced != nil)
            #expect(await gateway.workerPIDs()["fake"] == fake)
        }
    }

    @Test("kill -9 of B's worker, again and again: zero failed requests on A; B comes back")
    func killRepeatedly() async throws {
        try await withGateway { gateway, _ in
            let load = LoadLoop(gateway: gateway, model: "fake/ok")
            let killed = try await Self.killEachNewWorker(gateway, provider: "other", times: 4)
            let outcomes = await load.stop()
            #expect(outcomes.count > 20)
            let health = await TestHTTPClient.get(gateway.url("/health")).json
            #expect(
                outcomes.allSatisfy { $0.status == 200 },
                "A failed: \(outcomes.filter { $0.status != 200 }.map { "\($0.status) after \($0.seconds) s: \($0.body)" }); client sent \(outcomes.count), gateway counts \(health["requests"] ?? "?")"
            )
            // B recovers: its fifth worker becomes ready and serves.
            _ = try await Self.waitForNewPID(gateway, provider: "other", notIn: killed)
            let recovered = await gateway.chat(chatBody(model: "other/ok"))
            #expect(recovered.status == 200, "\(recovered.text)")
        }
    }

    @Test("B's upstream hangs with many requests queued: A's latency stays where it was")
    func hungUpstream() async throws {
        // A short shutdown grace: the hung requests are cut when the test stops the gateway.
        try await withGateway(extraConfig: "[supervisor]\nshutdown_grace = 0.5\n") { gateway, _ in
            let warmup = LoadLoop(gateway: gateway, model: "fake/ok")
            try await Task.sleep(for: .milliseconds(300))
            _ = await warmup.stop()

            let healthy = LoadLoop(gateway: gateway, model: "fake/ok")
            try await Task.sleep(for: .seconds(1))
            let before = await healthy.stop()

            // 40 requests that B's upstream accepts and never answers.
            let stuck = (0..<40).map { _ in Task { await gateway.chat(chatBody(model: "other/hang")) } }
            try await gateway.waitForInFlight(40, provider: "other")
            let during = LoadLoop(gateway: gateway, model: "fake/ok")
            try await Task.sleep(for: .seconds(1))
            let after = await during.stop()

            #expect(after.allSatisfy { $0.status == 200 })
            let p99Before = LoadLoop.percentile(before, 0.99)
            let p99After = LoadLoop.percentile(after, 0.99)
            // Generous: the machine is shared and this is loopback; a coupled design would be seconds off.
            #expect(p99After < max(p99Before * 4, p99Before + 0.1), "A p99 \(p99Before) s with B healthy, \(p99After) s with B hung")
            #expect(after.count > before.count / 3)
            await gateway.stop()
            for task in stuck { _ = await task.value }
        }
    }

    @Test("B's worker frozen with SIGSTOP: detected by missed pings, replaced, A unaffected")
    func frozenWorker() async throws {
        try await withGateway(extraConfig: Self.fastSupervision) { gateway, _ in
            let frozen = try #require(await gateway.workerPIDs()["other"])
            let load = LoadLoop(gateway: gateway, model: "fake/ok")
            kill(frozen, SIGSTOP)
            let replacement = try await Self.waitForNewPID(gateway, provider: "other", notIn: [frozen])
            let outcomes = await load.stop()
            #expect(replacement != frozen)
            #expect(outcomes.allSatisfy { $0.status == 200 })
            #expect(await gateway.chat(chatBody(model: "other/ok")).status == 200)
            let health = await TestHTTPClient.get(gateway.url("/health"))
            let other = (health.json["providers"] as? [String: [String: Any]])?["other"]
            #expect((other?["reason"] as? String)?.contains("no answer to pings") == true)
            #expect(gateway.logText.contains("no answer to pings"))
        }
    }

    @Test("restart intensity exceeded: B is failed with a fast 503, A unaffected")
    func restartIntensity() async throws {
        let config = "[supervisor]\nmax_restarts = 2\nfailed_retry = 60\n"
        try await withGateway(extraConfig: config) { gateway, _ in
            let load = LoadLoop(gateway: gateway, model: "fake/ok")
            _ = try await Self.killEachNewWorker(gateway, provider: "other", times: 3)
            // The third exit within the window marks B failed.
            let deadline = Date().addingTimeInterval(5)
            var state = ""
            while Date() < deadline && state != "failed" {
                let health = await TestHTTPClient.get(gateway.url("/health"))
                state = ((health.json["providers"] as? [String: [String: Any]])?["other"]?["state"] as? String) ?? ""
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(state == "failed")
            let started = Date()
            let response = await gateway.chat(chatBody(model: "other/ok"))
            #expect(Date().timeIntervalSince(started) < 0.5)
            #expect(response.status == 503)
            #expect(Int(response.headers["retry-after"] ?? "") ?? 0 > 30)
            let outcomes = await load.stop()
            #expect(outcomes.allSatisfy { $0.status == 200 })
        }
    }

    @Test("a worker that cannot start: requests wait a bounded time, then 503; once failed, a fast 503 with retry-after")
    func brokenWorker() async throws {
        let gateway = try await GatewayProcess.start(
            config: TestConfig.builtinsOff + "[supervisor]\nmax_restarts = 2\nrequest_wait = 1\nfailed_retry = 30\n",
            server: "worker_binary = \"/bin/false\"", waitForReady: false
        )
        // Restarting (0.1 s, 0.2 s backoff) then failed after the third exit, well within a second.
        let first = await gateway.chat(chatBody(model: "demo/echo"))
        #expect(first.status == 503)
        #expect(first.error["code"] as? String == "provider_unavailable")
        let started = Date()
        let failed = await gateway.chat(chatBody(model: "demo/echo"))
        #expect(Date().timeIntervalSince(started) < 0.5)
        #expect(failed.status == 503)
        #expect((failed.error["message"] as? String)?.contains("keeps failing") == true)
        let retryAfter = Int(failed.headers["retry-after"] ?? "") ?? 0
        #expect((20...30).contains(retryAfter))
        let health = await TestHTTPClient.get(gateway.url("/health"))
        #expect(health.status == 503)
        #expect((health.json["status"] as? String)?.contains("demo failed") == true)
        let demo = (health.json["providers"] as? [String: [String: Any]])?["demo"]
        #expect((demo?["reason"] as? String)?.contains("3 exits in 60 s") == true)
        await gateway.stop()
    }

    @Test("requests in flight on a worker that dies get a 502 or an in-stream error at once, never a hang")
    func inFlightOnDyingWorker() async throws {
        try await withGateway { gateway, _ in
            let pid = try #require(await gateway.workerPIDs()["other"])
            let whole = Task { await gateway.chat(chatBody(model: "other/hang")) }
            let stream = Task { await gateway.chat(chatBody(model: "other/slow-stream", stream: true)) }
            try await gateway.waitForInFlight(2, provider: "other")
            let killedAt = Date()
            kill(pid, SIGKILL)
            let wholeResult = await whole.value
            let streamResult = await stream.value
            #expect(Date().timeIntervalSince(killedAt) < 3)
            #expect(wholeResult.status == 502)
            #expect(wholeResult.error["code"] as? String == "worker_lost")
            #expect(streamResult.status == 200)
            #expect(streamResult.events.last?.contains("worker_lost") == true, "stream ended with \(streamResult.events.last ?? "nothing")")
        }
    }

    static func killEachNewWorker(_ gateway: GatewayProcess, provider: String, times: Int) async throws -> Set<Int32> {
        var killed: Set<Int32> = []
        for _ in 0..<times {
            let pid = try await waitForNewPID(gateway, provider: provider, notIn: killed)
            kill(pid, SIGKILL)
            killed.insert(pid)
        }
        return killed
    }

    /// The pid of `provider`'s worker once it is ready and not one of `excluded` (bounded wait).
    static func waitForNewPID(_ gateway: GatewayProcess, provider: String, notIn excluded: Set<Int32>) async throws -> Int32 {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let health = await TestHTTPClient.get(gateway.url("/health"))
            let entry = (health.json["providers"] as? [String: [String: Any]])?[provider]
            if entry?["state"] as? String == "ready", let pid = (entry?["pid"] as? Int).map(Int32.init), !excluded.contains(pid) {
                return pid
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let health = await TestHTTPClient.get(gateway.url("/health")).text
        throw TimeoutError(what: "a new ready worker for \(provider); health: \(health)\nlog:\n\(gateway.logText.suffix(3000))")
    }

    struct TimeoutError: Error {
        var what: String
    }
}
