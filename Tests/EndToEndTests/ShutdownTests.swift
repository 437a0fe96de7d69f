import Foundation
import Testing

/// The gateway stops cleanly: SIGTERM finishes what is in flight and takes the workers along; a front
/// killed without warning leaves no orphan workers.
@Suite("Shutdown", .serialized)
struct ShutdownTests {
    @Test("SIGTERM stops the gateway with status 0 and takes every worker with it")
    func cleanShutdown() async throws {
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let gateway = try await GatewayProcess.start(
            config: TestConfig.providers(upstream: upstream.baseURL), environment: TestConfig.environment)
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

    @Test("SIGTERM during streams: every stream completes or ends with an error event, exit status 0")
    func sigtermDuringStreams() async throws {
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let gateway = try await GatewayProcess.start(
            config: TestConfig.providers(upstream: upstream.baseURL), environment: TestConfig.environment)
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
}
