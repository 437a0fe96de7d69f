import ArgumentParser
import Foundation

/// `orchestra teams create|list|show|update|delete`: teams share limits and a budget across their keys.
struct TeamsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams", abstract: "Create, list, show, update and delete teams.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self]
    )

    static func find(_ idOrName: String, in store: any AccessStore) async throws -> TeamRecord {
        guard let team = try await store.team(idOrName) else { throw ValidationError("no team \(idOrName)") }
        return team
    }

    static func view(_ team: TeamRecord, in store: any AccessStore) async throws -> TeamView {
        TeamView(team, keys: try await store.keys().filter { $0.teamID == team.id }.count)
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")

        @OptionGroup var options: ConfigOption

        @Option(help: "The team's unique name.")
        var name: String

        @OptionGroup var limits: LimitOptions

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            var team = TeamRecord(id: TeamRecord.newID(), name: try AccessChange.validName(name), createdAt: Date())
            try limits.change().apply(to: &team)
            try await store.insertTeam(team)
            try JSONPrinter.print(try await TeamsCommand.view(team, in: store))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams.")

        @OptionGroup var options: ConfigOption

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            let keys = try await store.keys()
            print("id                 name                  keys  budget           rpm     tpm       parallel")
            for team in try await store.teams() {
                let limits = team.limits
                let budget = limits.budgetUSD.map { String(format: "$%.2f/%@", $0, limits.period.rawValue) } ?? "-"
                let members = keys.filter { $0.teamID == team.id }.count
                let cells: [(String, Int)] = [
                    (team.id, 18), (String(team.name.prefix(21)), 21), (String(members), 5), (budget, 16),
                    (limits.rpm.map { String($0) } ?? "-", 7), (limits.tpm.map { String($0) } ?? "-", 9),
                    (limits.maxParallel.map { String($0) } ?? "-", 0),
                ]
                print(cells.map { $0.1 > 0 ? $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) : $0.0 }.joined(separator: " "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one team as JSON.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            try JSONPrinter.print(try await TeamsCommand.view(try await TeamsCommand.find(team, in: store), in: store))
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a team's name, state or limits.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        @Option(help: "A new name.")
        var name: String?

        @OptionGroup var state: StateFlags

        @OptionGroup var limits: LimitOptions

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            var record = try await TeamsCommand.find(team, in: store)
            var change = try limits.change()
            change.name = name
            change.disabled = try state.disabled()
            try change.apply(to: &record)
            try await store.updateTeam(record)
            try JSONPrinter.print(try await TeamsCommand.view(record, in: store))
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a team that has no keys.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        func run() async throws {
            let storage = try await options.storage()
            defer { storage.close() }
            let store = storage.access
            let record = try await TeamsCommand.find(team, in: store)
            try await store.deleteTeam(id: record.id)
            print("deleted \(record.id)")
        }
    }
}
