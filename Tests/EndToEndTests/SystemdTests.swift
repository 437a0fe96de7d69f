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

        #expect(await gateway.stop() == 0)
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
            text = text.replacingOccurrences(
                of: "headers = { \"X-Title\" = \"Orchestra tests\" }", with: "headers = { \"X-Title\" = \"Reloaded\" }")
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
            #expect(await ProcessTree.waitUntilGone([old]).isEmpty)
        }
    }
}

/// Unit files and socket activation, with Debian's systemd tools.
@Suite("systemd units")
struct SystemdUnitTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("systemd-analyze verify accepts the units without a single warning")
    func verifyUnits() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // verify also checks that ExecStart exists: point it at the binary under test.
        let service = try String(contentsOf: Self.repository.appendingPathComponent("deploy/orchestra.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/orchestra", with: GatewayProcess.orchestraBinary)
        #expect(service.contains("Type=notify") && service.contains("WatchdogSec=") && service.contains("LoadCredential="))
        try service.write(to: directory.appendingPathComponent("orchestra.service"), atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: Self.repository.appendingPathComponent("deploy/orchestra.socket"), to: directory.appendingPathComponent("orchestra.socket")
        )
        let result = try await Command.run("/usr/bin/systemd-analyze", ["verify", "orchestra.service", "orchestra.socket"], in: directory)
        let output = result.output
        #expect(result.status == 0)
        // An unknown key only warns, with exit status 0: any output at all is a failure.
        #expect(output.isEmpty, "systemd-analyze said: \(output)")
    }

    @Test("socket activation: the gateway serves on the listening socket systemd hands it")
    func socketActivation() async throws {
        let port = try FreePort.find()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("activated-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.toml")
        // `listen` names another port on purpose: with an activated socket it must not be used.
        try ("[server]\nlisten = \"127.0.0.1:1\"\nruntime_dir = \"\(directory.path)\"\n" + TestConfig.builtinsOff)
            .write(to: config, atomically: true, encoding: .utf8)
        let (process, log) = try await SocketActivation.start(listen: "127.0.0.1:\(port)", config: config)
        let response = await TestHTTPClient.post(
            "http://127.0.0.1:\(port)/v1/chat/completions", json: chatBody(model: "demo/echo", text: "activated"))
        #expect(response.status == 200, "log: \(log.text)")
        #expect(response.text.contains("You said: activated"))
        #expect(await TestHTTPClient.get("http://127.0.0.1:\(port)/health").status == 200)
        // systemd-socket-activate forks the gateway and does not pass SIGTERM on: stop the gateway
        // itself (its child) and wait for it, then the launcher.
        for child in ProcessTree.children(of: process.processIdentifier) { kill(child, SIGTERM) }
        let stopBy = Date().addingTimeInterval(10)
        while !ProcessTree.children(of: process.processIdentifier).isEmpty && Date() < stopBy {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(ProcessTree.children(of: process.processIdentifier).isEmpty)
        kill(process.processIdentifier, SIGKILL)
        _ = await process.exited()
    }
}

/// systemd's socket activation, played by `systemd-socket-activate`.
enum SocketActivation {
    /// `systemd-socket-activate` listening on `listen` for `orchestra serve --config config`, once it says
    /// it listens (the gateway itself starts on the first connection); its log accumulates.
    static func start(listen: String, config: URL) async throws -> (Process, LogBuffer) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
        process.arguments = ["-l", listen, GatewayProcess.orchestraBinary, "serve", "--config", config.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let log = LogBuffer()
        errors.fileHandleForReading.readabilityHandler = { log.append(String(decoding: $0.availableData, as: UTF8.self)) }
        let deadline = Date().addingTimeInterval(10)
        while !log.text.contains("Listening on") && Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return (process, log)
    }
}

extension SystemdTests {
    @Test("socket activation on a network address without client keys: refused like a configured one")
    func activatedOpenSocketRefused() async throws {
        let port = try FreePort.find()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("activated-open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.toml")
        // `listen` says loopback; the socket systemd hands over is on every address.
        try ("[server]\nlisten = \"127.0.0.1:1\"\nruntime_dir = \"\(directory.path)\"\n" + TestConfig.builtinsOff)
            .write(to: config, atomically: true, encoding: .utf8)
        let (process, log) = try await SocketActivation.start(listen: "0.0.0.0:\(port)", config: config)
        let response = await TestHTTPClient.get("http://127.0.0.1:\(port)/health")
        #expect(response.status != 200)
        let refusedBy = Date().addingTimeInterval(10)
        while !log.text.contains("refusing to listen on 0.0.0.0") && Date() < refusedBy {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(log.text.contains("refusing to listen on 0.0.0.0"), "log: \(log.text)")
        for child in ProcessTree.children(of: process.processIdentifier) { kill(child, SIGKILL) }
        kill(process.processIdentifier, SIGKILL)
        _ = await process.exited()
    }
}

/// A TCP port nobody listens on right now (the OS picks it).
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
                guard bind(fd, pointer, length) == 0 else { return -1 }
                return getsockname(fd, pointer, &length)
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
