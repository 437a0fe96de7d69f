import ArgumentParser
import Foundation
import Shared

/// Prints usage and cost from the gateway's database as a table (the same numbers as `/api/usage`).
struct UsageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "Show usage and cost per provider, model, key or day.")

    @OptionGroup var options: ConfigOption

    @Option(help: "Start: a date (2026-11-25), an ISO 8601 time or Unix seconds (default: 7 days ago).")
    var from: String?

    @Option(help: "End, same forms (default: now).")
    var to: String?

    @Option(
        name: .customLong("group-by"),
        help: "provider, model, key, team, day, instance (which instance served which provider) or endpoint (chat, messages, responses, …)."
    )
    var groupBy: String = "provider"

    func run() async throws {
        let config = try options.load()
        let path = config.usage.database ?? GatewayDatabase.defaultPath()
        if config.storage.postgres == nil, !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("no usage database at \(path) yet")
        }
        let grouping: UsageGrouping
        let period: (Double, Double)
        do {
            grouping = try UsageQuery.grouping(groupBy)
            period = try UsageQuery.period(from: from, to: to)
        } catch {
            throw ValidationError(error.message)
        }
        let rows: [UsageRow]
        if config.storage.postgres == nil {
            rows = try await SQLiteUsageStore(readingAt: path).report(from: period.0, to: period.1, groupBy: grouping)
        } else {
            let storage = try await options.storage(config)
            defer { storage.close() }
            rows = try await storage.usage.report(from: period.0, to: period.1, groupBy: grouping)
        }
        let total = UsageQuery.total(rows)
        let header = [grouping.rawValue.uppercased(), "REQUESTS", "ERRORS", "PROMPT", "COMPLETION", "COST $", "REFERENCE $", "SAVED $"]
        let lines = (rows + [total]).map { row in
            [
                row.key, String(row.requests), String(row.errors), String(row.prompt_tokens), String(row.completion_tokens),
                Self.money(row.cost_usd) + (row.unpriced_requests > 0 ? " + \(row.unpriced_requests) unpriced" : ""),
                config.usage.referenceModel == nil ? "-" : Self.money(row.reference_cost_usd),
                config.usage.referenceModel == nil ? "-" : Self.money(row.savings_usd),
            ]
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        print(
            "usage \(UsageQuery.format(period.0)) to \(UsageQuery.format(period.1))"
                + (config.usage.referenceModel.map { ", savings against \($0)" } ?? ""))
        for line in [header] + lines {
            print(zip(line, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }

    static func money(_ value: Double) -> String { String(format: "%.4f", value) }
}
