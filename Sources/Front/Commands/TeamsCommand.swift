import ArgumentParser
import Foundation

/// `orchestra teams create|list|show|update|delete`: teams share limits and a budget across their keys.
struct TeamsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "teams", abstract: "Create, list, show, update and delete teams.",
        subcommands: [Create.self, List.self, Show.self, Update.self, Delete.self]
    )

    static func find(_ idOrName: String, in store: some AccessStore) throws -> TeamRecord {
        guard let team = try store.team(idOrName) else { throw ValidationError("no team \(idOrName)") }
        return team
    }

    static func view(_ team: TeamRecord, in store: some AccessStore) throws -> TeamView {
        TeamView(team, keys: try store.keys().filter { $0.teamID == team.id }.count)
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team.")

        @OptionGroup var options: ConfigOption

        @Option(help: "The team's unique name.")
        var name: String

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let store = try KeysCommand.store(options)
            var team = TeamRecord(id: TeamRecord.newID(), name: try AccessChange.validName(name), createdAt: Date())
            try limits.change().apply(to: &team)
            try store.insertTeam(team)
            try JSONPrinter.print(try TeamsCommand.view(team, in: store))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List teams.")

        @OptionGroup var options: ConfigOption

        func run() throws {
            let store = try KeysCommand.store(options)
            let keys = try store.keys()
            print("id                 name                  keys  budget           rpm     tpm       parallel")
            for team in try store.teams() {
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

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one team as JSON.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        func run() throws {
            let store = try KeysCommand.store(options)
            try JSONPrinter.print(try TeamsCommand.view(try TeamsCommand.find(team, in: store), in: store))
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a team's name, state or limits.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        @Option(help: "A new name.")
        var name: String?

        @OptionGroup var state: StateFlags

        @OptionGroup var limits: LimitOptions

        func run() throws {
            let store = try KeysCommand.store(options)
            var record = try TeamsCommand.find(team, in: store)
            var change = try limits.change()
            change.name = name
            change.disabled = try state.disabled()
            try change.apply(to: &record)
            try store.updateTeam(record)
            try JSONPrinter.print(try TeamsCommand.view(record, in: store))
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a team that has no keys.")

        @OptionGroup var options: ConfigOption

        @Argument(help: "The team's id or name.")
        var team: String

        func run() throws {
            let store = try KeysCommand.store(options)
            let record = try TeamsCommand.find(team, in: store)
            try store.deleteTeam(id: record.id)
            print("deleted \(record.id)")
        }
    }
}
