import Foundation
import Testing

/// Client keys with the real binaries: created and revoked with `orchestra keys`, checked by a running
/// gateway on every `/v1` request, stored only as digests.
@Suite("Client keys, end to end", .serialized)
struct ClientKeyTests {
    /// A config naming the database the gateway and the command line share, and the admin key's file
    /// next to it.
    static func config(_ database: String) -> String {
        "[auth]\nenabled = true\nadmin_key_file = \"\(database).admin\"\n[usage]\ndatabase = \"\(database)\"\n"
    }

    /// The admin key of the gateway using `database` (written on first use).
    static func adminKey(_ database: String) throws -> String {
        let path = database + ".admin"
        if let existing = FileManager.default.contents(atPath: path) { return String(decoding: existing, as: UTF8.self) }
        let key = "orch_admin_" + UUID().uuidString + UUID().uuidString
        try key.write(toFile: path, atomically: true, encoding: .utf8)
        return key
    }

    static func keys(_ arguments: [String], database: String) async throws -> Command.Result {
        try await cli(["keys"] + arguments, database: database)
    }

    /// `orchestra ARGUMENTS --config …` on the database the test's gateway uses.
    static func cli(_ arguments: [String], database: String) async throws -> Command.Result {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-keys-\(UUID().uuidString).toml")
        try config(database).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await Command.run(GatewayProcess.orchestraBinary, arguments + ["--config", url.path])
    }

    /// Creates a key with the command line: its id and the key, which is printed only then.
    static func create(_ name: String, database: String, extra: [String] = []) async throws -> (id: String, key: String) {
        let result = try await keys(["create", "--name", name] + extra, database: database)
        #expect(result.status == 0, "\(result.output)")
        func field(_ label: String) -> String {
            result.output.split(separator: "\n").first { $0.hasPrefix(label) }.map { String($0.dropFirst(label.count)) } ?? ""
        }
        return (field("id:   "), field("key:  "))
    }

    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-keys-\(UUID().uuidString).sqlite").path
    }

    @Test("keys on: a key passes as a bearer token or x-api-key; none, unknown, revoked and expired keys get a 401 in the client's shape")
    func gate() async throws {
        let database = Self.database()
        let alice = try await Self.create("alice", database: database)
        let bob = try await Self.create("bob", database: database)
        let brief = try await Self.create("brief", database: database, extra: ["--expires-in-days", "0.00005"])  // ~4.3 s
        #expect(alice.key.hasPrefix("orch_") && alice.id.hasPrefix("key_") && alice.key != bob.key)
        let admin = "Authorization: Bearer \(try Self.adminKey(database))"
        try await withGateway(extraConfig: Self.config(database)) { gateway, _ in
            let body = chatBody(model: "fake/ok")
            #expect(await gateway.chat(body, headers: ["Authorization: Bearer \(brief.key)"]).status == 200, "not expired yet")
            #expect(await gateway.chat(body, headers: ["Authorization: Bearer \(alice.key)"]).status == 200)
            let messages = #"{"model":"demo/echo","max_tokens":20,"messages":[{"role":"user","content":"hi"}]}"#
            let anthropic = await TestHTTPClient.post(gateway.url("/v1/messages"), json: messages, headers: ["x-api-key: \(bob.key)"])
            #expect(anthropic.status == 200, "\(anthropic.text)")

            let none = await gateway.chat(body)
            #expect(none.status == 401 && none.error["code"] as? String == "invalid_api_key")
            let unknown = await gateway.chat(body, headers: ["Authorization: Bearer orch_notakey"])
            #expect(unknown.status == 401 && unknown.error["code"] as? String == "invalid_api_key")
            let anthropicRefused = await TestHTTPClient.post(gateway.url("/v1/messages"), json: messages)
            #expect(anthropicRefused.status == 401)
            #expect((anthropicRefused.json["error"] as? [String: Any])?["type"] as? String == "authentication_error")
            #expect(await TestHTTPClient.get(gateway.url("/health")).status == 200, "health stays open")
            let info = await TestHTTPClient.get(gateway.url("/v1/key/info"), headers: ["Authorization: Bearer \(bob.key)"])
            #expect(info.status == 200 && info.json["id"] as? String == bob.id && info.json["name"] as? String == "bob")
            #expect(!info.text.contains(bob.key) && (info.json["prefix"] as? String).map(bob.key.hasPrefix) == true)

            // Revoked from the command line: refused within a second.
            let revoke = try await Self.keys(["revoke", alice.id], database: database)
            #expect(revoke.status == 0, "\(revoke.output)")
            let revokedAt = Date()
            var refusedAfter: Double?
            while Date().timeIntervalSince(revokedAt) < 3 {
                if await gateway.chat(body, headers: ["Authorization: Bearer \(alice.key)"]).status == 401 {
                    refusedAfter = Date().timeIntervalSince(revokedAt)
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect((refusedAfter ?? 99) <= 1.0, "refused \(refusedAfter.map { "\($0) s" } ?? "never") after revoking")
            #expect(await gateway.chat(body, headers: ["Authorization: Bearer \(bob.key)"]).status == 200, "others keep working")

            // Expired: its time passes while the gateway runs.
            var expired = false
            let deadline = Date().addingTimeInterval(8)
            while !expired && Date() < deadline {
                expired = await gateway.chat(body, headers: ["Authorization: Bearer \(brief.key)"]).status == 401
                if !expired { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(expired)

            // Usage is attributed to the key's id (and only the id).
            var byKey: [String: Int] = [:]
            let flushed = Date().addingTimeInterval(5)
            while byKey[alice.id] == nil && Date() < flushed {
                let report = await TestHTTPClient.get(gateway.url("/api/usage?group_by=key"), headers: [admin]).json
                for row in report["rows"] as? [[String: Any]] ?? [] {
                    if let key = row["key"] as? String { byKey[key] = row["requests"] as? Int }
                }
                if byKey[alice.id] == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            // Bob's two requests; Alice's and the brief key's as many as passed before revocation and expiry.
            #expect(byKey[bob.id] == 2 && (byKey[alice.id] ?? 0) >= 1 && (byKey[brief.id] ?? 0) >= 1, "\(byKey)")
            #expect(byKey["anonymous"] == nil, "refused requests are not served, so not recorded as anyone's")
            #expect(gateway.logText.contains("client=\(alice.id)"))

            let metrics = await TestHTTPClient.get(gateway.url("/metrics")).text
            #expect(metrics.contains("orchestra_auth_failures_total"))
            // The keys themselves are nowhere: not in the database (digests only), not in the log.
            let stored = ["", "-wal"].compactMap { FileManager.default.contents(atPath: database + $0) }.reduce(Data(), +)
            for key in [alice.key, bob.key, brief.key] {
                #expect(stored.range(of: Data(key.utf8)) == nil)
                #expect(!gateway.logText.contains(key))
            }
            #expect(stored.range(of: Data(alice.id.utf8)) != nil, "positive control: the database does hold the key's record")
        }
        let listed = try await Self.keys(["list"], database: database)
        #expect(listed.output.contains(alice.id) && listed.output.contains("revoked") && !listed.output.contains(alice.key))
    }

    @Test("keys off on a network address: the gateway refuses to start, and says how to turn keys on")
    func openOnNetworkRefused() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("open-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("config.toml")
        try "[server]\nlisten = \"0.0.0.0:0\"\nruntime_dir = \"\(directory.path)\"\n".write(to: config, atomically: true, encoding: .utf8)
        let refused = try await Command.run(GatewayProcess.orchestraBinary, ["serve", "--config", config.path])
        #expect(refused.status != 0)
        #expect(
            refused.output.contains("refusing to listen on 0.0.0.0") && refused.output.contains("[auth] enabled = true"),
            "\(refused.output)")
    }

    @Test("continue-config --key writes the key and only the models it may use; an unknown or revoked key is refused")
    func continueConfigWithKey() async throws {
        let database = Self.database()
        let limited = try await Self.create("editor", database: database, extra: ["--models", "demo/echo"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-continue-\(UUID().uuidString).toml")
        try Self.config(database).write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let written = try await Command.run(
            GatewayProcess.orchestraBinary, ["continue-config", "--config", url.path, "--key", limited.key])
        #expect(written.status == 0, "\(written.output)")
        #expect(written.output.contains("apiKey: \"\(limited.key)\"") && written.output.contains("demo/echo"))
        #expect(!written.output.contains("demo/slow") && !written.output.contains("mistral/"), "only its models")
        let unknown = try await Command.run(
            GatewayProcess.orchestraBinary, ["continue-config", "--config", url.path, "--key", "orch_nope"])
        #expect(unknown.status != 0 && unknown.output.contains("not a client key"))
        _ = try await Self.keys(["revoke", limited.id], database: database)
        let revoked = try await Command.run(
            GatewayProcess.orchestraBinary, ["continue-config", "--config", url.path, "--key", limited.key])
        #expect(revoked.status != 0 && revoked.output.contains("revoked"))
    }

    @Test("the CLI manages teams and key state: a disabled key is refused within a second, enabled again it passes")
    func teamsAndStateFromTheCLI() async throws {
        let database = Self.database()
        let team = try await Self.cli(["teams", "create", "--name", "platform", "--budget-usd", "5", "--rpm", "100"], database: database)
        #expect(team.status == 0 && team.output.contains("\"budget_usd\" : 5"), "\(team.output)")
        let key = try await Self.create("ops", database: database, extra: ["--team", "platform", "--budget-usd", "1", "--period", "day"])
        let shown = try await Self.keys(["show", key.id], database: database)
        #expect(
            shown.output.contains("\"spent_usd\" : 0") && shown.output.contains("\"period\" : \"day\"") && !shown.output.contains(key.key))
        let listed = try await Self.cli(["teams", "list"], database: database)
        #expect(listed.output.contains("platform") && listed.output.contains("$5.00/month"), "\(listed.output)")
        _ = try Self.adminKey(database)
        try await withGateway(extraConfig: Self.config(database)) { gateway, _ in
            let body = chatBody(model: "demo/echo")
            #expect(await gateway.chat(body, headers: ["Authorization: Bearer \(key.key)"]).status == 200)
            let disabled = try await Self.keys(["update", key.id, "--disable"], database: database)
            #expect(disabled.status == 0, "\(disabled.output)")
            let disabledAt = Date()
            var refused = false
            while !refused && Date().timeIntervalSince(disabledAt) < 1 {
                refused = await gateway.chat(body, headers: ["Authorization: Bearer \(key.key)"]).status == 401
            }
            #expect(refused, "refused within a second of --disable")
            let enabled = try await Self.keys(["update", key.id, "--enable"], database: database)
            #expect(enabled.status == 0, "\(enabled.output)")
            let enabledAt = Date()
            var passed = false
            while !passed && Date().timeIntervalSince(enabledAt) < 1 {
                passed = await gateway.chat(body, headers: ["Authorization: Bearer \(key.key)"]).status == 200
            }
            #expect(passed, "accepted again within a second of --enable")
        }
        let deleted = try await Self.cli(["teams", "delete", "platform"], database: database)
        #expect(deleted.status != 0 && deleted.output.contains("still has 1 key"), "a team with keys stays: \(deleted.output)")
    }

    @Test("keys off: /v1/key/info has no key to describe")
    func infoWithoutKeys() async throws {
        try await withGateway { gateway, _ in
            let info = await TestHTTPClient.get(gateway.url("/v1/key/info"))
            #expect(info.status == 404 && info.error["code"] as? String == "not_found")
        }
    }

    @Test("keys off: listening beyond loopback refuses to start and says how to turn keys on")
    func openRefused() async throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("orchestra-open-\(UUID().uuidString).toml")
        try "[server]\nlisten = \"0.0.0.0:0\"\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let result = try await Command.run(GatewayProcess.orchestraBinary, ["serve", "--config", url.path])
        #expect(result.status != 0)
        #expect(result.output.contains("[auth] enabled = true") && result.output.contains("orchestra keys create"))
    }
}
