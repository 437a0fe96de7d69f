import Foundation
import Testing

/// The gateway under a pretend systemd: a datagram socket bound by the test stands in for
/// `NOTIFY_SOCKET`, and the unit files are checked by `systemd-analyze verify`.
@Suite("systemd", .serialized)
struct SystemdTests {
    @Test("READY, STATUS, WATCHDOG, RELOADING and STOPPING arrive in order")
    func notifications() async throws {
        let recorder = try NotifySocketRecorder()
        defer { recorder.close() }
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        var environment = TestConfig.environment
        environment["NOTIFY_SOCKET"] = recorder.path
        environment["WATCHDOG_USEC"] = "400000"
        let gateway = try await GatewayProcess.start(config: TestConfig.providers(upstream: upstream.baseURL), environment: environment)
        defer { gateway.stop() }

        let ready = try #require(await recorder.waitFor { $0.contains("READY=1") })
        #expect(ready.contains("STATUS=4 providers: 4 ready"))
        #expect(await recorder.waitFor { $0 == "WATCHDOG=1" } != nil)

        kill(gateway.process.processIdentifier, SIGHUP)
        let reloading = try #require(await recorder.waitFor { $0.contains("RELOADING=1") })
        #expect(reloading.range(of: #"MONOTONIC_USEC=[0-9]+"#, options: .regularExpression) != nil)
        let deadline = Date().addingTimeInterval(10)
        var readyAgain = false
        while !readyAgain && Date() < deadline {
            let messages = recorder.received
            if let reload = messages.firstIndex(of: reloading) {
                readyAgain = messages[(reload + 1)...].contains { $0.contains("READY=1") }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(readyAgain)

        // A worker restart shows up in STATUS.
        let other = try #require(await gateway.workerPIDs()["other"])
        kill(other, SIGKILL)
        #expect(await recorder.waitFor { $0.contains("STATUS=") && $0.contains("other restarting (1)") } != nil)

        #expect(gateway.stop() == 0)
        let messages = recorder.received
        let order = ["READY=1", "WATCHDOG=1", "RELOADING=1", "STOPPING=1"].map { token in messages.firstIndex { $0.contains(token) } }
        #expect(order.allSatisfy { $0 != nil }, "got: \(messages)")
        #expect(order.compactMap { $0 } == order.compactMap { $0 }.sorted(), "got: \(messages)")
    }

    @Test("a bad config on SIGHUP is rejected and the old one keeps serving")
    func badReload() async throws {
        try await withGateway { gateway, _ in
            let configURL = gateway.directory.appendingPathComponent("config.toml")
            let good = try String(contentsOf: configURL, encoding: .utf8)
            try (good + "\n[providers.broken]\nbase_url = 12\n").write(to: configURL, atomically: true, encoding: .utf8)
            kill(gateway.process.processIdentifier, SIGHUP)
            let deadline = Date().addingTimeInterval(5)
            while !gateway.logText.contains("configuration not reloaded") && Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(gateway.logText.contains("providers.broken.base_url: expected a string"))
            #expect(await gateway.chat(chatBody(model: "fake/ok")).status == 200)
        }
    }

    @Test("SIGHUP reload: a changed provider gets a new worker, an unchanged one keeps its worker, a new one starts")
    func reload() async throws {
        try await withGateway { gateway, upstream in
            let before = await gateway.workerPIDs()
            let configURL = gateway.directory.appendingPathComponent("config.toml")
            var text = try String(contentsOf: configURL, encoding: .utf8)
            text = text.replacingOccurrences(of: "headers = { \"X-Title\" = \"Orchestra tests\" }", with: "headers = { \"X-Title\" = \"Reloaded\" }")
            text += "\n[providers.added]\nbase_url = \"\(upstream.baseURL)\"\n"
            try text.write(to: configURL, atomically: true, encoding: .utf8)
            kill(gateway.process.processIdentifier, SIGHUP)

            var after: [String: Int32] = [:]
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                after = await gateway.workerPIDs()
                if let fake = after["fake"], fake != before["fake"], after["added"] != nil { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(after["fake"] != nil && after["fake"] != before["fake"])
            #expect(after["other"] == before["other"])
            #expect(after["demo"] == before["demo"])
            #expect(await gateway.chat(chatBody(model: "fake/ok")).status == 200)
            #expect(upstream.requests.last?.headers[.init("X-Title")!] == "Reloaded")
            #expect(await gateway.chat(chatBody(model: "added/ok")).status == 200)
            // The replaced worker drained and exited.
            let old = try #require(before["fake"])
            let gone = Date().addingTimeInterval(10)
            while FileManager.default.fileExists(atPath: "/proc/\(old)/stat"), Date() < gone {
                let state = (try? String(contentsOfFile: "/proc/\(old)/stat", encoding: .utf8))?.split(separator: " ")[2]
                if state == "Z" { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            let state = (try? String(contentsOfFile: "/proc/\(old)/stat", encoding: .utf8))?.split(separator: " ")[2]
            #expect(state == nil || state == "Z")
        }
    }
}
