import ArgumentParser
import Foundation
import Shared

/// `orchestra keys create|list|revoke`: client keys in the gateway's database. A running gateway
/// sees a change within a second.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Create, list and revoke client keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    static func store(_ options: ConfigOption) throws -> SQLiteClientKeyStore {
        let config = try options.load()
        return try SQLiteClientKeyStore(path: config.usage.database ?? GatewayDatabase.defaultPath())
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key; it is printed once and never stored.")

        @OptionGroup var options: ConfigOption

        @Option(help: "Who or what the key is for, as lists and logs show it.")
        var name: String

        @Option(name: .customLong("expires-in-days"), help: "Days until the key stops working (default: never).")
        var expiresInDays: Double?

        func run() throws {
            if let expiresInDays, expiresInDays <= 0 { throw ValidationError("--expires-in-days must be positive") }
            let key = ClientKey.generate()
            let now = Date()
            let record = ClientKeyRecord(
                id: ClientKeyRecord.newID(), name: name, prefix: key.displayPrefix, digest: key.digest, createdAt: now,
                expiresAt: expiresInDays.map { now.addingTimeInterval($0 * 86_400) }, revokedAt: nil
            )
            try KeysCommand.store(options).insert(record)
            print("id:   \(record.id)")
            print("name: \(record.name)")
            print("key:  \(key.secret)")
            print("Keep the key now: only its digest is stored, so it cannot be shown again.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, names and prefixes, never keys).")

        @OptionGroup var options: ConfigOption

        func run() throws {
            let now = Date()
            print("id                    name                  prefix        state    created               expires")
            for record in try KeysCommand.store(options).all() {
                let expires = record.expiresAt.map { $0.formatted(.iso8601) } ?? "never"
                let columns = [
                    record.id.padding(toLength: 21, withPad: " ", startingAt: 0),
                    String(record.name.prefix(21)).padding(toLength: 21, withPad: " ", startingAt: 0),
                    (record.prefix + "…").padding(toLength: 13, withPad: " ", startingAt: 0),
                    (record.refusal(at: now) ?? "active").padding(toLength: 8, withPad: " ", startingAt: 0),
                    record.createdAt.formatted(.iso8601).padding(toLength: 21, withPad: " ", startingAt: 0), expires,
                ]
                print(columns.joined(separator: " "))
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by id; a running gateway refuses it within a second.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The key's id (key_…).")
        var id: String

        func run() throws {
            guard try KeysCommand.store(options).revoke(id: id, at: Date()) else { throw ValidationError("no key with id \(id)") }
            print("revoked \(id)")
        }
    }
}
