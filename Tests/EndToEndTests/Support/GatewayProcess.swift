import Foundation
import Synchronization

/// The real `orchestra` binary started with a test config, on an ephemeral port.
///
/// Readiness is the gateway's own signal: the test waits for its "ready" log line (printed once every
/// worker reported ready on its socket), never for a fixed sleep.
final class GatewayProcess: Sendable {
    let process: Process
    let baseURL: String
    let directory: URL
    private let log: LogBuffer

    static let binDirectory: URL = {
        if let dir = ProcessInfo.processInfo.environment["ORCHESTRA_BIN_DIR"] { return URL(fileURLWithPath: dir) }
        // The test bundle sits in the build products directory next to both executables.
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("orchestra").path) { return url }
            url.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug")
    }()

    static var orchestraBinary: String { binDirectory.appendingPathComponent("orchestra").path }

    /// Starts `orchestra serve` with `config` (TOML, without a [server] listen line) and waits until ready.
    /// With `waitForReady: false`, returns once the HTTP listener is up (for tests of workers that never get ready).
    static func start(
        config: String, server: String = "", environment: [String: String] = [:], waitForReady: Bool = true
    ) async throws -> GatewayProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configURL = directory.appendingPathComponent("config.toml")
        try ("[server]\nlisten = \"127.0.0.1:0\"\nruntime_dir = \"\(directory.path)\"\n\(server)\n" + config).write(
            to: configURL, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: orchestraBinary)
        process.arguments = ["serve", "--config", configURL.path]
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasSuffix("_API_KEY") { env[key] = nil }
        // Usage records go to this gateway's own directory unless the config names a database.
        env["XDG_STATE_HOME"] = directory.path
        env["STATE_DIRECTORY"] = nil
        env.merge(environment) { $1 }
        process.environment = env
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()

        let log = LogBuffer()
        let (lines, continuation) = AsyncStream<String>.makeStream()
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                continuation.finish()
                handle.readabilityHandler = nil
                return
            }
            let text = String(decoding: data, as: UTF8.self)
            log.append(text)
            continuation.yield(text)
        }
        var seen = ""
        var baseURL: String?
        let deadline = Date().addingTimeInterval(30)
        for await text in lines {
            seen += text
            if baseURL == nil, let range = seen.range(of: #"listening on http://[0-9.]+:[0-9]+"#, options: .regularExpression) {
                baseURL = String(seen[range].dropFirst("listening on ".count))
            }
            if baseURL != nil, seen.contains("ready:") || !waitForReady { break }
            if Date() > deadline { break }
        }
        guard let baseURL, seen.contains("ready:") || !waitForReady else {
            process.terminate()
            throw StartError(log: seen)
        }
        return GatewayProcess(process: process, baseURL: baseURL, directory: directory, log: log)
    }

    struct StartError: Error, CustomStringConvertible {
        var log: String
        var description: String { "gateway did not become ready:\n\(log)" }
    }

    private init(process: Process, baseURL: String, directory: URL, log: LogBuffer) {
        self.process = process
        self.baseURL = baseURL
        self.directory = directory
        self.log = log
    }

    var logText: String { log.text }

    func url(_ path: String) -> String { baseURL + path }

    func chat(_ json: String, headers: [String] = [], abortAfterBytes: Int? = nil) async -> TestHTTPClient.Response {
        await TestHTTPClient.post(url("/v1/chat/completions"), json: json, headers: headers, abortAfterBytes: abortAfterBytes)
    }

    /// Worker pids by provider, from `/health`.
    func workerPIDs() async -> [String: Int32] {
        let health = await TestHTTPClient.get(url("/health")).json
        let providers = health["providers"] as? [String: [String: Any]] ?? [:]
        return providers.compactMapValues { ($0["pid"] as? Int).map(Int32.init) }
    }

    /// Returns once `/health` counts at least `count` requests in flight: the gateway's own word that
    /// they arrived (in the front, or, with `provider`, admitted by that provider's worker). Bounded.
    func waitForInFlight(_ count: Int, provider: String? = nil, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        var seen = 0
        while Date() < deadline {
            let health = await TestHTTPClient.get(url("/health")).json
            if let provider {
                let limits = ((health["providers"] as? [String: [String: Any]])?[provider]?["limits"]) as? [String: Any]
                seen = limits?["in_flight"] as? Int ?? 0
            } else {
                seen = (health["requests"] as? [String: Any])?["in_flight"] as? Int ?? 0
            }
            if seen >= count { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        struct NotInFlight: Error, CustomStringConvertible {
            var description: String
        }
        throw NotInFlight(description: "\(seen) of \(count) requests in flight after \(timeout) s")
    }

    /// Stops the gateway with SIGTERM and returns its exit status (idempotent).
    @discardableResult
    func stop() async -> Int32 {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
        }
        let status = await process.exited()
        try? FileManager.default.removeItem(at: directory)
        return status
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

/// The gateway's stderr as it accumulates.
final class LogBuffer: Sendable {
    private let storage = Mutex("")
    func append(_ text: String) { storage.withLock { $0 += text } }
    var text: String { storage.withLock { $0 } }
}
