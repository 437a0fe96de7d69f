import Foundation
import Hummingbird
import Synchronization
import Testing

/// OpenTelemetry: with an OTLP endpoint configured, a request's spans reach the collector.
@Suite("Telemetry", .serialized)
struct TelemetryTests {
    /// An OTLP/HTTP collector on 127.0.0.1 that keeps what it receives on `/v1/traces`.
    final class Collector: Sendable {
        let bodies = Mutex<[String]>([])
        let port: Int
        let task: Task<Void, any Error>

        init() async {
            let router = Router()
            let holder = Box()
            router.post("/v1/traces") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 8 << 20)
                holder.collector?.bodies.withLock { $0.append(String(buffer: body)) }
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(string: "{}")))
            }
            (port, task) = await FakeServer.start(router, label: "fake-otlp")
            holder.collector = self
        }

        final class Box: @unchecked Sendable { var collector: Collector? }
    }

    @Test("spans of a request (the HTTP request and its upstream attempt) are exported over OTLP/HTTP")
    func spansExported() async throws {
        let collector = await Collector()
        defer { collector.task.cancel() }
        let config = """
            \(TestConfig.builtinsOff)
            [telemetry]
            otlp_endpoint = "http://127.0.0.1:\(collector.port)"
            encoding = "json"
            export_interval = 0.1
            """
        let gateway = try await GatewayProcess.start(config: config)
        let answer = await gateway.chat(chatBody(model: "demo/echo"))
        #expect(answer.status == 200)
        let deadline = Date().addingTimeInterval(10)
        var exported = ""
        while Date() < deadline {
            exported = collector.bodies.withLock { $0.joined(separator: "\n") }
            // The two spans end apart and may leave in different batches: wait for both.
            if exported.contains("upstream demo") && exported.contains("/v1/chat/completions") { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(exported.contains("upstream demo"), "the upstream attempt's span")
        #expect(exported.contains("orchestra.provider") && exported.contains("\"demo\""))
        #expect(exported.contains("\"orchestra\""), "service name")
        #expect(exported.contains("/v1/chat/completions"), "the HTTP request's span")
        _ = await gateway.stop()
    }
}
