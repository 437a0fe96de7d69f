import Foundation
import GRDB
import Testing

/// Usage records: counts and tokens match what the upstreams reported, nothing is lost on SIGTERM,
/// at most the documented window on `kill -9`, unknown prices stay unknown, savings are computed,
/// retention removes old raw rows while serving goes on, and `/metrics` counts what was served.
@Suite("Usage and cost", .serialized)
struct UsageTests {
    static func usageConfig(_ database: String, flush: Double = 0.2, extra: String = "") -> (FakeProviders) -> String {
        { fakes in
            """
            [usage]
            database = "\(database)"
            flush_interval = \(flush)
            reference_model = "openai/gpt-reference"
            reference_input_price = 2.0
            reference_output_price = 8.0
            [providers.priced]
            base_url = "\(fakes.baseURL(.openai))"
            api_key_env = "FAKE_API_KEY"
            [providers.priced.models.chat]
            input_price = 1.0
            output_price = 4.0
            \(extra)
            """
        }
    }

    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("usage-\(UUID().uuidString).sqlite").path
    }

    static func rows(_ path: String, _ sql: String) throws -> [Row] {
        try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: sql) }
    }

    static func usage(_ gateway: DialectGateway, groupBy: String) async -> [String: [String: Any]] {
        let response = await TestHTTPClient.get(gateway.gateway.url("/api/usage?group_by=\(groupBy)"))
        let rows = response.json["rows"] as? [[String: Any]] ?? []
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["key"] as? String ?? "", $0) })
    }

    @Test("records match the upstream's usage, whole and streamed, in every dialect; cost and savings from prices")
    func countsAndTokens() async throws {
        let path = Self.database()
        try await DialectGateway.run(extra: Self.usageConfig(path)) { gateway in
            for stream in [false, true] {
                for _ in 0..<3 {
                    #expect(
                        await gateway.chat(
                            .openai, model: "chat", stream: stream, ["messages": [["role": "user", "content": "hi"]]], provider: "priced"
                        ).status == 200)
                }
                for flavour in [FakeProviders.Flavour.gemini, .anthropic] {
                    #expect(
                        await gateway.chat(flavour, model: "chat", stream: stream, ["messages": [["role": "user", "content": "hi"]]]).status
                            == 200)
                }
            }
            let byModel = await Self.usage(gateway, groupBy: "model")
            let priced = try #require(byModel["priced/chat"])
            #expect(priced["requests"] as? Int == 6)
            #expect(priced["prompt_tokens"] as? Int == 6 * FakeScript.promptTokens)
            #expect(priced["completion_tokens"] as? Int == 6 * FakeScript.completionTokens)
            let cost = 6 * (Double(FakeScript.promptTokens) * 1.0 + Double(FakeScript.completionTokens) * 4.0) / 1_000_000
            #expect(abs((priced["cost_usd"] as? Double ?? 0) - cost) < 1e-12)
            let reference = 6 * (Double(FakeScript.promptTokens) * 2.0 + Double(FakeScript.completionTokens) * 8.0) / 1_000_000
            #expect(abs((priced["savings_usd"] as? Double ?? 0) - (reference - cost)) < 1e-12)
            #expect(byModel["gemini/chat"]?["completion_tokens"] as? Int == 2 * FakeScript.completionTokens)
            #expect(byModel["kimi/chat"]?["prompt_tokens"] as? Int == 2 * FakeScript.promptTokens)
            #expect(byModel["gemini/chat"]?["estimated_requests"] as? Int == 0)

            // Streams whose client did not ask for usage: the gateway reads the upstream's numbers anyway (it
            // asks an OpenAI upstream for them; Anthropic and Gemini always send them), so nothing is an
            // estimate, and the client sees no usage it did not ask for.
            var requestIDs: [String] = []
            for model in ["priced/chat", "gemini/chat", "kimi/chat"] {
                let streamed = await TestHTTPClient.post(
                    gateway.gateway.url("/v1/chat/completions"),
                    json: #"{"model":"\#(model)","stream":true,"messages":[{"role":"user","content":"hi"}]}"#
                )
                #expect(streamed.status == 200 && streamed.text.contains("[DONE]"), "\(model)")
                #expect(!streamed.text.contains(#""usage":{"#), "\(model): a usage chunk the client did not ask for")
                requestIDs.append(streamed.headers["x-request-id"] ?? "")
            }
            #expect(requestIDs.allSatisfy { $0.hasPrefix("req_") })
            let after = await Self.usage(gateway, groupBy: "model")
            #expect(after["priced/chat"]?["estimated_requests"] as? Int == 0)
            #expect(after["priced/chat"]?["prompt_tokens"] as? Int == 7 * FakeScript.promptTokens)
            #expect(after["gemini/chat"]?["completion_tokens"] as? Int == 3 * FakeScript.completionTokens)
            #expect(after["kimi/chat"]?["prompt_tokens"] as? Int == 3 * FakeScript.promptTokens)
            #expect(after["kimi/chat"]?["completion_tokens"] as? Int == 3 * FakeScript.completionTokens)
            let raw = try Self.rows(path, "SELECT request_id, estimated FROM requests WHERE estimated = 1")
            #expect(raw.isEmpty, "estimated: \(raw)")
        }
    }

    @Test("a model without a price is recorded with cost unknown and flagged, never as $0")
    func unknownPrice() async throws {
        let path = Self.database()
        try await DialectGateway.run(extra: Self.usageConfig(path)) { gateway in
            for _ in 0..<2 { _ = await gateway.chat(.openai, model: "unpriced-model", ["messages": [["role": "user", "content": "hi"]]]) }
            let report = await TestHTTPClient.get(gateway.gateway.url("/api/usage?group_by=model"))
            #expect(report.json["cost_complete"] as? Bool == false)
            let row = (report.json["rows"] as? [[String: Any]])?.first { $0["key"] as? String == "oai/unpriced-model" }
            #expect(row?["unpriced_requests"] as? Int == 2)
            #expect(row?["savings_usd"] as? Double == 0, "no savings are claimed where the cost is unknown")
            let costs = try Self.rows(path, "SELECT cost FROM requests WHERE model = 'unpriced-model'")
            #expect(costs.count == 2 && costs.allSatisfy { ($0["cost"] as Double?) == nil })
        }
    }

    @Test("SIGTERM loses no record; kill -9 loses at most the last flush interval")
    func durability() async throws {
        let path = Self.database()
        let fakes = try await FakeProviders.start()
        defer { fakes.stop() }
        var gateway = try await GatewayProcess.start(
            config: DialectGateway.config(fakes) + Self.usageConfig(path, flush: 30)(fakes),
            environment: ["FAKE_API_KEY": FakeProviders.key]
        )
        for index in 0..<20 {
            _ = await gateway.chat(#"{"model":"priced/chat","stream":\#(index % 2 == 0),"messages":[{"role":"user","content":"hi"}]}"#)
        }
        // A 30 s flush interval: everything is still buffered when SIGTERM comes.
        #expect(await gateway.stop() == 0)
        #expect(try Self.rows(path, "SELECT COUNT(*) AS n FROM requests").first?["n"] as Int? == 20)

        gateway = try await GatewayProcess.start(
            config: DialectGateway.config(fakes) + Self.usageConfig(path, flush: 0.1)(fakes),
            environment: ["FAKE_API_KEY": FakeProviders.key]
        )
        for _ in 0..<10 { _ = await gateway.chat(#"{"model":"priced/chat","messages":[{"role":"user","content":"hi"}]}"#) }
        // Wait until the batch is on disk (the database is the signal), then kill without warning.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, (try Self.rows(path, "SELECT COUNT(*) AS n FROM requests").first?["n"] as Int? ?? 0) < 30 {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(gateway.process.processIdentifier, SIGKILL)
        _ = await gateway.process.exited()
        #expect(try Self.rows(path, "SELECT COUNT(*) AS n FROM requests").first?["n"] as Int? == 30)
        #expect(
            try Self.rows(path, "SELECT SUM(requests) AS n FROM usage_daily").first?["n"] as Int? == 30, "rollups in the same transactions")
    }

    @Test("retention removes old raw rows in small steps while requests are served; rollups stay")
    func retention() async throws {
        let path = Self.database()
        let fakes = try await FakeProviders.start()
        defer { fakes.stop() }
        // Create the schema, then seed 20,000 raw rows 40 days old (retention is 7) and their daily total:
        // ten clean-up steps, so several requests are served while they run, however slow the first one is.
        var gateway = try await GatewayProcess.start(
            config: DialectGateway.config(fakes) + Self.usageConfig(path)(fakes), environment: ["FAKE_API_KEY": FakeProviders.key]
        )
        _ = await gateway.stop()
        let old = Date().timeIntervalSince1970 - 40 * 86400
        try await DatabaseQueue(path: path).write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO names (name) VALUES ('anonymous'), ('priced'), ('chat')")
            for index in 0..<20000 {
                try db.execute(
                    sql: """
                        INSERT INTO request_log (time_ms, request_id, client, provider, model, endpoint, status, prompt_tokens,
                            completion_tokens, reasoning_tokens, cached_tokens, latency_us, attempts, flags)
                        SELECT ?, ?, a.id, p.id, c.id, c.id, 200, 1, 1, 0, 0, 100000, 1, 0
                        FROM names a, names p, names c WHERE a.name = 'anonymous' AND p.name = 'priced' AND c.name = 'chat'
                        """, arguments: [Int64((old + Double(index)) * 1000), "old-\(index)"])
            }
            try db.execute(
                sql: """
                    INSERT INTO usage_daily (bucket, provider, model, client, requests, errors, prompt_tokens, completion_tokens,
                        reasoning_tokens, cached_tokens, estimated, cost, unpriced, reference_cost, latency_sum)
                    VALUES (?, 'priced', 'chat', 'anonymous', 20000, 0, 20000, 20000, 0, 0, 0, 0, 0, 0, 2000)
                    """,
                arguments: [Int(old / 86400) * 86400])
        }
        gateway = try await GatewayProcess.start(
            config: DialectGateway.config(fakes) + Self.usageConfig(path, flush: 0.05)(fakes),
            environment: ["FAKE_API_KEY": FakeProviders.key]
        )
        var statuses: [Int] = []
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            statuses.append(await gateway.chat(#"{"model":"priced/chat","messages":[{"role":"user","content":"hi"}]}"#).status)
            if try Self.rows(path, "SELECT COUNT(*) AS n FROM requests WHERE time < \(old + 30000)").first?["n"] as Int? == 0 { break }
        }
        #expect(try Self.rows(path, "SELECT COUNT(*) AS n FROM requests WHERE time < \(old + 30000)").first?["n"] as Int? == 0)
        #expect(statuses.count >= 2 && statuses.allSatisfy { $0 == 200 }, "serving went on while clean-up ran")
        #expect(
            try Self.rows(path, "SELECT SUM(requests) AS n FROM usage_daily WHERE bucket < \(old + 86400)").first?["n"] as Int? == 20000)
        _ = await gateway.stop()
    }

    @Test("one log line per request with its request id, as JSON when asked")
    func jsonLogs() async throws {
        try await withGateway(server: "log_format = \"json\"") { gateway, _ in
            let response = await gateway.chat(chatBody(model: "fake/ok"))
            let id = try #require(response.headers["x-request-id"])
            _ = await gateway.stop()
            let lines = gateway.logText.split(separator: "\n").filter { !$0.isEmpty }
            let objects = lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            #expect(objects.count == lines.count, "every line is a JSON object")
            let request = objects.first { $0["message"] as? String == "request" && $0["request_id"] as? String == id }
            #expect(
                request?["model"] as? String == "fake/ok" && request?["status"] as? String == "200"
                    && request?["level"] as? String == "info")
            #expect(!gateway.logText.contains(TestConfig.fakeKey))
        }
    }
}
