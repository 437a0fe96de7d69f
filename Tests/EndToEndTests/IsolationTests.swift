import Foundation
import Testing

/// Each provider runs in its own worker process that holds only its own key.
@Suite("Process isolation and key custody", .serialized)
struct IsolationTests {
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

            // The supervisor restarts the killed worker; wait for its new pid (bounded).
            let deadline = Date().addingTimeInterval(10)
            var replaced: Int32?
            while Date() < deadline {
                let now = await gateway.workerPIDs()
                if let pid = now["other"], pid != other, await gateway.chat(chatBody(model: "other/ok")).status == 200 {
                    replaced = pid
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(replaced != nil)
            #expect(await gateway.workerPIDs()["fake"] == fake)
        }
    }

    @Test("keys never sit in the front: not in its environment, argv, memory or logs; a worker gets only its own")
    func keyCustody() async throws {
        try await withGateway { gateway, upstream in
            let front = gateway.process.processIdentifier
            let pids = await gateway.workerPIDs()
            let fake = try #require(pids["fake"])
            let other = try #require(pids["other"])
            let keys = [TestConfig.fakeKey, TestConfig.otherKey]

            // The front moved both keys out of its environment block at start.
            let frontEnvironment = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(front)/environ")), as: UTF8.self)
            for key in keys { #expect(!frontEnvironment.contains(key)) }
            // Workers inherit no key variable at all: each got its own key on a file descriptor.
            for pid in [fake, other] {
                let environment = try Self.environment(of: pid)
                #expect(!environment.contains { $0.hasPrefix("FAKE_API_KEY=") || $0.hasPrefix("OTHER_API_KEY=") })
                for key in keys { #expect(!environment.contains { $0.contains(key) }) }
                let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
                let targets = descriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/fd/\($0)") }
                #expect(!targets.contains { $0.contains("memfd:") }, "worker kept a key descriptor open: \(targets)")
            }
            for pid in [fake, other, front] {
                let argv = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")), as: UTF8.self)
                for key in keys { #expect(!argv.contains(key)) }
            }
            // Each worker used its own key.
            #expect(await gateway.chat(chatBody(model: "fake/ok")).status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.fakeKey)")
            #expect(await gateway.chat(chatBody(model: "other/ok")).status == 200)
            #expect(upstream.requests.last?.authorization == "Bearer \(TestConfig.otherKey)")
            _ = await gateway.chat(chatBody(model: "fake/rate-limited"))
            // Nowhere in the front's memory, after serving requests.
            let memory = try ProcessMemory.contains(pid: front, needles: keys + [upstream.baseURL])
            // The upstream URL is in the front's config: proof that the scan sees the front's heap.
            #expect(memory == [upstream.baseURL], "front memory holds: \(memory)")
            for key in keys { #expect(!gateway.logText.contains(key)) }
        }
    }

    @Test("worker sockets live in a private directory")
    func privateSockets() async throws {
        try await withGateway { gateway, _ in
            let entries = try FileManager.default.contentsOfDirectory(atPath: gateway.directory.path)
            let runtime = try #require(entries.first { $0.hasPrefix("workers-") })
            let runtimeDirectory = gateway.directory.appendingPathComponent(runtime)
            let attributes = try FileManager.default.attributesOfItem(atPath: runtimeDirectory.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
            // Sockets are numbered in start order: demo, then the custom providers by name.
            for socket in ["demo-1.sock", "fake-2.sock", "nokey-3.sock", "other-4.sock"] {
                var info = stat()
                #expect(stat(runtimeDirectory.appendingPathComponent(socket).path, &info) == 0, "no \(socket)")
                #expect(info.st_mode & S_IFMT == S_IFSOCK)
                #expect(info.st_mode & 0o777 == 0o600, "\(socket) has mode \(String(info.st_mode & 0o777, radix: 8))")
            }
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

    @Test("SIGTERM stops the gateway with status 0 and takes every worker with it")
    func cleanShutdown() async throws {
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let gateway = try await GatewayProcess.start(config: TestConfig.providers(upstream: upstream.baseURL), environment: TestConfig.environment)
        let workers = await gateway.workerPIDs()
        #expect(workers.count == 4)
        #expect(await gateway.stop() == 0)
        // The front reaps its workers before it exits: not even a zombie is left.
        for (provider, pid) in workers {
            let state = ProcessTree.state(of: pid)
            #expect(state == nil, "worker \(provider) (pid \(pid)) is still there: \(state.map(String.init) ?? "")")
        }
    }

    @Test("if the front dies without cleaning up (kill -9), its workers exit too: no orphans")
    func frontDeath() async throws {
        let gateway = try await GatewayProcess.start(config: TestConfig.builtinsOff)
        let workers = await gateway.workerPIDs()
        #expect(!workers.isEmpty)
        kill(gateway.process.processIdentifier, SIGKILL)
        _ = await gateway.process.exited()
        let alive = await ProcessTree.waitUntilGone(Array(workers.values))
        #expect(alive.isEmpty, "workers still running: \(alive)")
        try? FileManager.default.removeItem(at: gateway.directory)
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

    static func environment(of pid: Int32) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }
}
