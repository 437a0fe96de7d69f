import Foundation
import GRDB
import Testing

/// The team gateway with the real binaries: keys and teams made through the admin API, allow-lists,
/// budgets reserved before sending, per-key limits in the front, and the operator's surfaces kept for
/// the admin key.
@Suite("Teams, budgets and limits, end to end", .serialized)
struct TeamGatewayTests {
    /// `fake/priced` answers 5 prompt and 5 completion tokens: $0.005 + $1.00 = $1.005 a request.
    static func config(_ database: String, maxWait: Double = 3, auth: String = "") -> String {
        """
        [providers.fake.models.priced]
        input_price = 1000
        output_price = 200000
        max_output = 5

        [providers.fake.models.hang]
        input_price = 1000
        output_price = 200000
        max_output = 5

        [auth]
        enabled = true
        admin_key_file = "\(database).admin"
        max_wait = \(maxWait)
        \(auth)

        [usage]
        database = "\(database)"
        flush_interval = 0.1
        """
    }

    static let costPerRequest = 1.005
    static let pricedBody = #"{"model":"fake/priced","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#

    /// The admin API, signed in with the admin key.
    struct Admin {
        let gateway: GatewayProcess
        let key: String

        var header: String { "Authorization: Bearer \(key)" }

        func call(_ method: String, _ path: String, _ json: String? = nil) async -> TestHTTPClient.Response {
            await TestHTTPClient.send(method, gateway.url("/admin/v1" + path), json: json, headers: [header])
        }

        /// Creates a key and returns its id and the key (shown this once).
        func createKey(_ json: String) async throws -> (id: String, key: String) {
            let created = await call("POST", "/keys", json)
            #expect(created.status == 201, "\(created.text)")
            return (try #require(created.json["id"] as? String), try #require(created.json["key"] as? String))
        }

        func usage(groupBy: String) async -> [String: [String: Any]] {
            let report = await call("GET", "/usage?group_by=\(groupBy)").json
            var rows: [String: [String: Any]] = [:]
            for row in report["rows"] as? [[String: Any]] ?? [] { rows[row["key"] as? String ?? ""] = row }
            return rows
        }
    }

    static func withTeamGateway(maxWait: Double = 3, _ body: (GatewayProcess, Admin, String) async throws -> Void) async throws {
        let database = ClientKeyTests.database()
        let adminKey = try ClientKeyTests.adminKey(database)
        try await withGateway(extraConfig: config(database, maxWait: maxWait)) { gateway, _ in
            try await body(gateway, Admin(gateway: gateway, key: adminKey), database)
        }
    }

    static func bearer(_ key: String) -> String { "Authorization: Bearer \(key)" }

    @Test("30 concurrent requests against a budget that covers 10: 10 answered, 20 refused with insufficient_quota, spend within budget")
    func concurrentBudget() async throws {
        try await Self.withTeamGateway { gateway, admin, _ in
            let key = try await admin.createKey(#"{"name":"spender","limits":{"budget_usd":10.5,"period":"day"}}"#)
            let statuses = await withTaskGroup(of: TestHTTPClient.Response.self) { group in
                for _ in 0..<30 { group.addTask { await gateway.chat(Self.pricedBody, headers: [Self.bearer(key.key)]) } }
                return await group.reduce(into: [TestHTTPClient.Response]()) { $0.append($1) }
            }
            let answered = statuses.filter { $0.status == 200 }
            let refused = statuses.filter { $0.status == 429 }
            #expect(answered.count == 10 && refused.count == 20, "\(statuses.map(\.status))")
            for response in refused {
                #expect(response.error["code"] as? String == "insufficient_quota" && response.headers["x-should-retry"] == "false")
                #expect(response.headers["x-orchestra-budget-reset"]?.hasSuffix("T00:00:00Z") == true)
            }
            var spent = 0.0
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                spent = await admin.usage(groupBy: "key")[key.id]?["cost_usd"] as? Double ?? 0
                if spent >= 10 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(abs(spent - 10 * Self.costPerRequest) < 1e-6 && spent <= 10.5, "recorded \(spent)")
            // Settlements are written by their own tasks: wait until none is outstanding.
            var budget: [String: Any]?
            let settled = Date().addingTimeInterval(5)
            repeat {
                let info = await TestHTTPClient.get(gateway.url("/v1/key/info"), headers: [Self.bearer(key.key)]).json
                budget = (info["budgets"] as? [[String: Any]])?.first
            } while (budget?["reserved_usd"] as? Double ?? 1) > 0 && Date() < settled
            let info = budget ?? [:]
            #expect(abs((budget?["remaining_usd"] as? Double ?? -1) - (10.5 - 10 * Self.costPerRequest)) < 1e-6, "\(info)")
        }
    }

    @Test("a team budget is shared by its keys; a model off the list is 403 and absent from /v1/models; unpriced needs allow_unpriced")
    func teamBudgetAndModels() async throws {
        try await Self.withTeamGateway { gateway, admin, _ in
            let team = await admin.call(
                "POST", "/teams", #"{"name":"research","limits":{"budget_usd":3.2,"models":["fake/priced","fake/ok"]}}"#)
            #expect(team.status == 201, "\(team.text)")
            let teamID = try #require(team.json["id"] as? String)
            let alice = try await admin.createKey(#"{"name":"alice","team_id":"\#(teamID)"}"#)
            let bob = try await admin.createKey(#"{"name":"bob","team_id":"\#(teamID)","limits":{"models":["fake/priced"]}}"#)
            #expect(await gateway.chat(Self.pricedBody, headers: [Self.bearer(alice.key)]).status == 200)
            #expect(await gateway.chat(Self.pricedBody, headers: [Self.bearer(alice.key)]).status == 200)
            #expect(await gateway.chat(Self.pricedBody, headers: [Self.bearer(bob.key)]).status == 200)
            let over = await gateway.chat(Self.pricedBody, headers: [Self.bearer(bob.key)])
            #expect(over.status == 429 && over.error["message"].map { "\($0)".contains("team's budget") } == true, "\(over.text)")
            #expect(await gateway.chat(Self.pricedBody, headers: [Self.bearer(alice.key)]).status == 429)

            // Bob's own list is stricter than his team's.
            let offList = await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(bob.key)])
            #expect(offList.status == 403 && offList.error["code"] as? String == "model_not_allowed", "\(offList.text)")
            let listed = await TestHTTPClient.get(gateway.url("/v1/models"), headers: [Self.bearer(bob.key)]).json
            #expect(((listed["data"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == ["fake/priced"])
            #expect(await TestHTTPClient.get(gateway.url("/v1/models/fake/ok"), headers: [Self.bearer(bob.key)]).status == 404)
            let continueYAML = await TestHTTPClient.get(gateway.url("/continue/config.yaml"), headers: [Self.bearer(bob.key)]).text
            #expect(continueYAML.contains("fake/priced") && !continueYAML.contains("fake/ok"))
            // fake/ok has no price, and the team has a budget: unknown is not free.
            let unpriced = await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(alice.key)])
            #expect(unpriced.status == 403 && unpriced.error["code"] as? String == "unpriced_model", "\(unpriced.text)")
            #expect(await admin.call("PATCH", "/teams/\(teamID)", #"{"limits":{"allow_unpriced":true}}"#).status == 200)
            #expect(await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(alice.key)]).status == 200)

            let byTeam = await admin.usage(groupBy: "team")
            #expect(byTeam[teamID]?["requests"] as? Int ?? 0 >= 4, "\(byTeam)")
            #expect(await admin.call("DELETE", "/teams/\(teamID)").status == 409, "a team with keys stays")
        }
    }

    @Test("rpm and tpm per key: 429 with retry-after and x-ratelimit headers; max_parallel queues up to max_wait")
    func rateLimits() async throws {
        try await Self.withTeamGateway { gateway, admin, _ in
            let rpm = try await admin.createKey(#"{"name":"rpm","limits":{"rpm":2}}"#)
            let first = await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(rpm.key)])
            #expect(first.status == 200 && first.headers["x-ratelimit-limit-requests"] == "2")
            #expect(first.headers["x-ratelimit-remaining-requests"] == "1")
            #expect(await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(rpm.key)]).status == 200)
            let third = await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(rpm.key)])
            #expect(third.status == 429 && third.error["code"] as? String == "rate_limit_exceeded")
            #expect(Int(third.headers["retry-after"] ?? "") ?? 0 > 50, "the window frees in about a minute")

            // Each request reserves about bytes/4 + max_tokens; the first goes into an empty window.
            let tpm = try await admin.createKey(#"{"name":"tpm","limits":{"tpm":20}}"#)
            let tokenBody = #"{"model":"fake/ok","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}"#
            #expect(await gateway.chat(tokenBody, headers: [Self.bearer(tpm.key)]).status == 200)
            #expect(await gateway.chat(tokenBody, headers: [Self.bearer(tpm.key)]).status == 429, "10 used + ~25 reserved > 20")

            // One at a time: the second waits for the first (which times out upstream after 1 s), then goes.
            let single = try await admin.createKey(#"{"name":"single","limits":{"max_parallel":1}}"#)
            async let slow = gateway.chat(chatBody(model: "fake/slow-first-byte"), headers: [Self.bearer(single.key)])
            try await gateway.waitForInFlight(1)
            let started = Date()
            let queued = await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(single.key)])
            #expect(
                queued.status == 200 && Date().timeIntervalSince(started) > 0.3, "it waited for the slot: \(queued.status) \(queued.text)")
            #expect(await slow.status == 504)
        }
    }

    @Test("usage by key equals the upstream's numbers, whole and streamed, with and without include_usage, OpenAI and Anthropic")
    func exactUsageByKey() async throws {
        try await Self.withTeamGateway { gateway, admin, _ in
            let key = try await admin.createKey(#"{"name":"counted"}"#)
            let headers = [Self.bearer(key.key)]
            #expect(await gateway.chat(chatBody(model: "fake/ok"), headers: headers).status == 200)
            #expect(await gateway.chat(chatBody(model: "fake/ok", stream: true), headers: headers).status == 200)
            #expect(await gateway.chat(chatBody(model: "fake/ok", stream: true, includeUsage: true), headers: headers).status == 200)
            let messages = #"{"model":"fake/ok","max_tokens":20,"stream":true,"messages":[{"role":"user","content":"hi"}]}"#
            #expect(await TestHTTPClient.post(gateway.url("/v1/messages"), json: messages, headers: headers).status == 200)
            var row: [String: Any] = [:]
            let deadline = Date().addingTimeInterval(5)
            while (row["requests"] as? Int ?? 0) < 4 && Date() < deadline {
                row = await admin.usage(groupBy: "key")[key.id] ?? [:]
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(row["requests"] as? Int == 4 && row["estimated_requests"] as? Int == 0, "\(row)")
            #expect(row["prompt_tokens"] as? Int == 4 * 5 && row["completion_tokens"] as? Int == 4 * 5, "\(row)")
        }
    }

    @Test("admin surfaces refuse client keys and anonymous callers; the admin API never shows a key after creating it")
    func adminSurfaces() async throws {
        try await Self.withTeamGateway { gateway, admin, database in
            let key = try await admin.createKey(#"{"name":"member","metadata":{"owner":"ana"}}"#)
            for path in ["/api/usage", "/api/providers", "/admin/v1/keys", "/admin/v1/openapi.json"] {
                let anonymous = await TestHTTPClient.get(gateway.url(path))
                #expect(anonymous.status == 401, "\(path) without a key")
                let client = await TestHTTPClient.get(gateway.url(path), headers: [Self.bearer(key.key)])
                #expect(client.status == 403 && client.error["code"] as? String == "admin_required", "\(path) with a client key")
                #expect(await TestHTTPClient.get(gateway.url(path), headers: [admin.header]).status == 200, "\(path) as admin")
            }
            #expect(await TestHTTPClient.get(gateway.url("/")).status == 200, "the dashboard's page holds no data")
            #expect(await TestHTTPClient.get(gateway.url("/health")).status == 200)
            #expect(gateway.logText.contains("client_address=127.0.0.1"), "refusals are logged with the caller's address")

            let listing = await admin.call("GET", "/keys")
            let shown = await admin.call("GET", "/keys/\(key.id)")
            #expect(shown.json["metadata"] as? [String: String] == ["owner": "ana"] && shown.json["key"] == nil)
            let badTeam = await admin.call("PATCH", "/keys/\(key.id)", #"{"team_id":"team_nope"}"#)
            #expect(badTeam.status == 404 && badTeam.error["param"] as? String == "team_id")
            let badField = await admin.call("POST", "/keys", #"{"name":"x","limits":{"rpm":0}}"#)
            #expect(badField.status == 400, "\(badField.text)")
            #expect(await admin.call("POST", "/keys/\(key.id)/revoke").json["state"] as? String == "revoked")
            #expect(await admin.call("GET", "/keys/key_missing").status == 404)
            #expect(await gateway.chat(chatBody(model: "fake/ok"), headers: [Self.bearer(key.key)]).status == 401)

            let stored = ["", "-wal"].compactMap { FileManager.default.contents(atPath: database + $0) }.reduce(Data(), +)
            for haystack in [stored, Data(gateway.logText.utf8), listing.body, shown.body] {
                #expect(haystack.range(of: Data(key.key.utf8)) == nil)
            }
        }
    }

    @Test("/metrics with a token configured: refused without it, open to it and to the admin key")
    func metricsToken() async throws {
        let database = ClientKeyTests.database()
        let adminKey = try ClientKeyTests.adminKey(database)
        let token = "metrics-" + UUID().uuidString + UUID().uuidString
        try token.write(toFile: database + ".metrics", atomically: true, encoding: .utf8)
        let config = Self.config(database, auth: "metrics_token_file = \"\(database).metrics\"")
        try await withGateway(extraConfig: config) { gateway, _ in
            #expect(await TestHTTPClient.get(gateway.url("/metrics")).status == 401)
            #expect(await TestHTTPClient.get(gateway.url("/metrics"), headers: ["Authorization: Bearer wrong"]).status == 401)
            let scraped = await TestHTTPClient.get(gateway.url("/metrics"), headers: ["Authorization: Bearer \(token)"])
            #expect(scraped.status == 200 && scraped.text.contains("orchestra_auth_failures_total"))
            #expect(await TestHTTPClient.get(gateway.url("/metrics"), headers: ["Authorization: Bearer \(adminKey)"]).status == 200)
            #expect(!gateway.logText.contains(token))
        }
    }

    @Test("a reservation held when the gateway is killed with SIGKILL is released at the next start")
    func killReleasesReservation() async throws {
        let database = ClientKeyTests.database()
        let adminKey = try ClientKeyTests.adminKey(database)
        let upstream = try await FakeUpstream.start()
        defer { upstream.stop() }
        let config = TestConfig.providers(upstream: upstream.baseURL, extra: Self.config(database))
        let first = try await GatewayProcess.start(config: config, environment: TestConfig.environment)
        let key = try await Admin(gateway: first, key: adminKey).createKey(#"{"name":"killed","limits":{"budget_usd":100}}"#)
        let hanging = Task {
            await first.chat(
                #"{"model":"fake/hang","max_tokens":5,"messages":[{"role":"user","content":"x"}]}"#, headers: [Self.bearer(key.key)])
        }
        try await first.waitForInFlight(1, provider: "fake")
        let reservations = { () throws -> Int in
            try DatabaseQueue(path: database).read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM budget_reservations") ?? -1 }
        }
        #expect(try reservations() == 1)
        kill(first.process.processIdentifier, SIGKILL)
        _ = await hanging.value
        _ = await first.stop()
        let second = try await GatewayProcess.start(config: config, environment: TestConfig.environment)
        #expect(try reservations() == 0)
        #expect(second.logText.contains("released 1 budget reservation"))
        #expect(await second.chat(Self.pricedBody, headers: [Self.bearer(key.key)]).status == 200)
        await second.stop()
    }
}
