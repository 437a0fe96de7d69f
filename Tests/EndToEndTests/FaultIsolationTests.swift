import Foundation
import Testing

/// A crashed, hung or frozen provider never touches the others. Providers A (`fake`) and B (`other`)
/// point at fake upstreams; A carries steady concurrent load while B is broken in each way.
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
            try await Self.killEachNewWorker(gateway, provider: "other", times: 3)
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

    @Test("SIGTERM during streams: every stream completes or ends with an error event, exit status 0")
    func sigtermDuringStreams() async throws {
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let gateway = try await GatewayProcess.start(config: TestConfig.providers(upstream: upstream.baseURL), environment: TestConfig.environment)
        let streams = (0..<6).map { index in
            Task { await gateway.chat(chatBody(model: index % 2 == 0 ? "demo/slow" : "fake/slow-stream", stream: true)) }
        }
        // Every stream in flight, then ask the gateway to stop.
        try await gateway.waitForInFlight(6)
        kill(gateway.process.processIdentifier, SIGTERM)
        var results: [TestHTTPClient.Response] = []
        for stream in streams { results.append(await stream.value) }
        #expect(await gateway.process.exited() == 0)
        for result in results {
            #expect(result.status == 200)
            let last = result.events.last ?? ""
            #expect(last == "[DONE]" || last.contains("\"error\""), "stream ended with: \(last)")
        }
        #expect(results.filter { $0.events.last == "[DONE]" }.count == results.count, "in-flight streams finish within the grace period")
        await gateway.stop()
    }

    /// `kill -9`s `provider`'s worker as soon as each replacement is ready; returns the killed pids.
    @discardableResult
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
