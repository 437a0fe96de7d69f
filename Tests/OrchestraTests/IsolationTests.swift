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
            #expect(Self.parent(of: fake) == gateway.process.processIdentifier)

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

    @Test("a worker's environment holds its own key and no other provider's; keys are never on argv")
    func keyCustody() async throws {
        try await withGateway { gateway, _ in
            let pids = await gateway.workerPIDs()
            let fake = try #require(pids["fake"])
            let other = try #require(pids["other"])
            let fakeEnvironment = try Self.environment(of: fake)
            #expect(fakeEnvironment.contains("FAKE_API_KEY=\(TestConfig.fakeKey)"))
            #expect(!fakeEnvironment.contains(where: { $0.contains(TestConfig.otherKey) }))
            let otherEnvironment = try Self.environment(of: other)
            #expect(!otherEnvironment.contains(where: { $0.contains(TestConfig.fakeKey) }))
            for pid in [fake, other, gateway.process.processIdentifier] {
                let argv = try String(decoding: Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")), as: UTF8.self)
                #expect(!argv.contains(TestConfig.fakeKey) && !argv.contains(TestConfig.otherKey))
            }
            _ = await gateway.chat(chatBody(model: "fake/rate-limited"))
            #expect(!gateway.logText.contains(TestConfig.fakeKey))
            #expect(!gateway.logText.contains(TestConfig.otherKey))
        }
    }

    @Test("worker sockets live in a private directory")
    func privateSockets() async throws {
        try await withGateway { gateway, _ in
            let entries = try FileManager.default.contentsOfDirectory(atPath: gateway.directory.path)
            let runtime = try #require(entries.first { $0.hasPrefix("workers-") })
            let attributes = try FileManager.default.attributesOfItem(atPath: gateway.directory.appendingPathComponent(runtime).path)
            #expect((attributes[.posixPermissions] as? Int) == 0o700)
        }
    }

    @Test("a provider whose worker cannot start gets a fast 503 with retry-after; /health says why")
    func brokenWorker() async throws {
        let gateway = try await GatewayProcess.start(
            config: TestConfig.builtinsOff, server: "worker_binary = \"/bin/false\"",
            waitForReady: false
        )
        defer { gateway.stop() }
        let response = await gateway.chat(chatBody(model: "demo/echo"))
        #expect(response.status == 503)
        #expect(response.error["code"] as? String == "provider_unavailable")
        #expect(response.headers["retry-after"] != nil)
        let health = await TestHTTPClient.get(gateway.url("/health"))
        #expect(health.status == 503)
        #expect((health.json["status"] as? String)?.contains("demo") == true)
    }

    @Test("SIGTERM stops the gateway with status 0 and takes every worker with it")
    func cleanShutdown() async throws {
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let gateway = try await GatewayProcess.start(config: TestConfig.providers(upstream: upstream.baseURL), environment: TestConfig.environment)
        let workers = await gateway.workerPIDs()
        #expect(workers.count == 4)
        #expect(gateway.stop() == 0)
        for (provider, pid) in workers {
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ")[2]
            #expect(state == nil, "worker \(provider) (pid \(pid)) is still there: \(state.map(String.init) ?? "")")
        }
    }

    static func environment(of pid: Int32) throws -> [String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    static func parent(of pid: Int32) -> Int32? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 1 ? Int32(fields[1]) : nil
    }
}
