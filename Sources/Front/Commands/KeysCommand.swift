import ArgumentParser
import Foundation
import Shared

/// `orchestra keys create|list|show|update|revoke`: client keys in the gateway's database. A running
/// gateway sees a change within a second.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list, show, update and revoke client keys.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Revoke.self]
    )

    /// A team by id or name, as an option names it.
    static func teamID(_ idOrName: String, in store: any AccessStore) async throws -> String {
        guard let team = try await store.team(idOrName) else { throw ValidationError("no team \(idOrName)") }
        return team.id
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; it is printed once and never stored.")

        @OptionGroup var options: ConfigOption

        @Option(help: "Who or what the key is for, as lists and logs show it.")
        var name: String

        @Option(help: "The team (id or name) the key belongs to.")
        var team: String?

        @Option(name: .customLong("expires-in-days"), help: "Days until the key stops working (default: never).")
        var expiresInDays: Double?

        @OptionGroup var limits: LimitOptions

        func run() async throws {
            if let expiresInDays, expiresInDays <= 0 { throw ValidationError("--expires-in-days must be positive") }
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            var teamID: String?
            if let team { teamID = try await KeysCommand.teamID(team, in: store) }
            let key = ClientKey.generate()
            let now = Date()
            var record = ClientKeyRecord(
                id: ClientKeyRecord.newID(), name: name, prefix: key.displayPrefix, digest: key.digest, createdAt: now,
                expiresAt: expiresInDays.map { now.addingTimeInterval($0 * 86_400) }, revokedAt: nil,
                teamID: teamID
            )
            try limits.change().apply(to: &record)
            try await store.insertKey(record)
            print("id:   \(record.id)")
            print("name: \(record.name)")
            print("key:  \(key.secret)")
            print("Keep the key now: only its digest is stored, so it cannot be shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, names and prefixes, never keys).")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let now = Date()
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            let teams = Dictionary(try await store.teams().map { ($0.id, $0.name) }, uniquingKeysWith: { $1 })
            print("id                    name                  prefix        state    team             created               expires")
            for record in try await store.keys() {
                let expires = record.expiresAt.map { $0.formatted(.iso8601) } ?? "never"
                let columns = [
                    record.id.padding(toLength: 21, withPad: " ", startingAt: 0),
                    String(record.name.prefix(21)).padding(toLength: 21, withPad: " ", startingAt: 0),
                    (record.prefix + "…").padding(toLength: 13, withPad: " ", startingAt: 0),
                    record.state(at: now).padding(toLength: 8, withPad: " ", startingAt: 0),
                    String((record.teamID.flatMap { teams[$0] } ?? "-").prefix(16)).padding(toLength: 16, withPad: " ", startingAt: 0),
                    record.createdAt.formatted(.iso8601).padding(toLength: 21, withPad: " ", startingAt: 0), expires,
                ]
                print(columns.joined(separator: " "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one key's record, team, limits and budget spent as JSON (never the key).")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The key's id (key_…).")
        var id: String

        func run() async throws {
            let config = try options.load()
            let storage = try await options.storage(config)
            defer { storage.close() }
            let store = storage.access
            guard let record = try await store.key(id: id) else { throw ValidationError("no key with id \(id)") }
            let now = Date()
            let budget = try await BudgetView.of(
                subject: "key:" + record.id, limits: record.limits, ledger: storage.ledger, now: now,
                timeZone: config.auth.budgetTimeZone)
            try JSONPrinter.print(KeyView(record, now: now, budget: budget))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a key's name, team, expiry, state or limits; a running gateway applies it within a second.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The key's id (key_…).")
        var id: String

        @Option(help: "A new name.")
        var name: String?

        @Option(help: "The team (id or name), or `none`.")
        var team: String?

        @Option(name: .customLong("expires-in-days"), help: "Days from now until the key stops working, or `never`.")
        var expiresInDays: String?

        @OptionGroup var state: StateFlags

        @OptionGroup var limits: LimitOptions

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            guard var record = try await store.key(id: id) else { throw ValidationError("no key with id \(id)") }
            var change = try limits.change()
            change.name = name
            if let team { change.teamID = team == "none" ? .some(nil) : .some(try await KeysCommand.teamID(team, in: store)) }
            if let expiresInDays {
                if expiresInDays == "never" {
                    change.expiresAt = .some(nil)
                } else {
                    guard let days = Double(expiresInDays), days > 0 else {
                        throw ValidationError("--expires-in-days takes days > 0 or `never`")
                    }
                    change.expiresAt = Date().addingTimeInterval(days * 86_400)
                }
            }
            change.disabled = try state.disabled()
            try change.apply(to: &record)
            try await store.updateKey(record)
            try JSONPrinter.print(KeyView(record, now: Date()))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; a running gateway refuses it within a second.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The key's id (key_…).")
        var id: String

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            try await storage.access.revokeKey(id: id, at: Date())
            print("revoked \(id)")
        }
    }
}
