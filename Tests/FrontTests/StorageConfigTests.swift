import Foundation
import Testing

@testable import OrchestraFront

@Suite("[storage] postgres_url")
struct StorageConfigTests {
    @Test func aURLNamesHostPortUserDatabaseAndTLS() throws {
        let location = try PostgresLocation.parse("postgres://orchestra@db.internal:6432/gateway?sslmode=require").get()
        #expect(location.host == "db.internal" && location.port == 6432 && location.user == "orchestra")
        #expect(location.database == "gateway" && location.tls == .require)
        #expect(location.description == "postgres://orchestra@db.internal:6432/gateway")
        let defaults = try PostgresLocation.parse("postgresql://me@localhost/db").get()
        #expect(defaults.port == 5432 && defaults.tls == .prefer)
    }

    @Test(arguments: [
        ("postgres://u:pw@h/d", "password in the URL"), ("postgres://h/d", "no user"), ("postgres://u@h", "no database"),
        ("http://u@h/d", "expected postgres://"), ("postgres://u@h/d?pool=3", "unknown URL parameter"),
    ])
    func refusedURLsSayWhy(url: String, words: String) {
        guard case .failure(let error) = PostgresLocation.parse(url) else {
            Issue.record("\(url) was accepted")
            return
        }
        #expect(error.message.contains(words), "\(error.message)")
        #expect(!error.message.contains("pw@"))
    }

    @Test func thePasswordFileGoesWithTheURL() throws {
        let config = try ConfigLoader.parse(
            """
            [storage]
            postgres_url = "postgres://orchestra@127.0.0.1:5432/orchestra"
            postgres_password_file = "/etc/orchestra/postgres.password"
            """)
        #expect(config.storage.postgres?.passwordFile == "/etc/orchestra/postgres.password")
        #expect(try ConfigLoader.parse("").storage.postgres == nil)
    }

    @Test func fleetOptionsHaveSafeDefaultsAndAreRead() throws {
        let defaults = try ConfigLoader.parse("").storage
        #expect(defaults.lease == 15 && !defaults.budgetFailOpen && defaults.spoolFile == nil && defaults.instanceName == nil)
        let storage = try ConfigLoader.parse(
            """
            [storage]
            postgres_url = "postgres://orchestra@127.0.0.1/orchestra"
            lease = 4.5
            budget_fail_open = true
            spool_file = "/var/lib/orchestra/spool.jsonl"
            instance_name = "edge-1"
            """
        ).storage
        #expect(storage.lease == 4.5 && storage.budgetFailOpen && storage.instanceName == "edge-1")
        #expect(storage.spoolFile == "/var/lib/orchestra/spool.jsonl")
    }

    @Test("the fleet example in deploy/ is a valid config naming its database and instance")
    func fleetExample() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let config = try ConfigLoader.load(path: repository.appendingPathComponent("deploy/fleet/config.fleet.toml").path)
        #expect(config.storage.postgres?.description == "postgres://orchestra@db.internal:5432/orchestra")
        #expect(config.storage.postgres?.tls == .require && config.storage.instanceName == "gw-1" && config.auth.enabled)
        #expect(config.server.door.allowedHosts == ["gateway.example.com"])
    }
}
