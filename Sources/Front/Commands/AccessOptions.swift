import ArgumentParser
import Foundation

/// The limit options `keys create|update` and `teams create|update` share. A value of `none` clears
/// a limit on update; an option left out keeps it.
struct LimitOptions: ParsableArguments {
    @Option(help: "Models it may use: ids, globs (mistral/*) and route names, comma-separated; `all` lifts the list.")
    var models: String?

    @Option(name: .customLong("budget-usd"), help: "US dollars per period, or `none`.")
    var budgetUSD: String?

    @Option(help: "The budget's period: day, week, month (calendar, in [auth] budget_time_zone) or total.")
    var period: String?

    @Option(name: .customLong("allow-unpriced"), help: "true: models without a known price may be used under a budget.")
    var allowUnpriced: Bool?

    @Option(help: "Requests per minute, or `none`.")
    var rpm: String?

    @Option(help: "Tokens per minute, or `none`.")
    var tpm: String?

    @Option(name: .customLong("max-parallel"), help: "Requests at once, or `none`.")
    var maxParallel: String?

    @Option(name: .customLong("meta"), help: "A metadata entry KEY=VALUE (repeat it); replaces all entries.")
    var metadata: [String] = []

    /// The change these options describe.
    func change() throws -> AccessChange {
        var change = AccessChange()
        if let models {
            let list = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            change.models = models == "all" ? .some(nil) : .some(list)
        }
        change.budgetUSD = try budgetUSD.map { text throws -> Double? in try Self.number(text, "--budget-usd", Double.init) }
        if let period {
            guard let value = BudgetPeriod(rawValue: period) else { throw ValidationError("--period must be day, week, month or total") }
            change.period = value
        }
        change.allowUnpriced = allowUnpriced
        change.rpm = try rpm.map { text throws -> Int? in try Self.number(text, "--rpm", { Int($0) }) }
        change.tpm = try tpm.map { text throws -> Int? in try Self.number(text, "--tpm", { Int($0) }) }
        change.maxParallel = try maxParallel.map { text throws -> Int? in try Self.number(text, "--max-parallel", { Int($0) }) }
        if !metadata.isEmpty {
            var entries: [String: String] = [:]
            for entry in metadata {
                let parts = entry.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { throw ValidationError("--meta takes KEY=VALUE, got \(entry)") }
                entries[String(parts[0])] = String(parts[1])
            }
            change.metadata = entries
        }
        return change
    }

    private static func number<Value>(_ text: String, _ option: String, _ parse: (String) -> Value?) throws -> Value? {
        if text == "none" { return nil }
        guard let value = parse(text) else { throw ValidationError("\(option) takes a number or `none`, got \(text)") }
        return value
    }
}

/// `--disable` / `--enable` for `keys update` and `teams update`: off without revoking, or on again.
struct StateFlags: ParsableArguments {
    @Flag(help: "Turn it off (a key is refused; a team's keys are all refused) without revoking anything.")
    var disable = false

    @Flag(help: "Turn it on again.")
    var enable = false

    /// `true` to disable, `false` to enable, `nil` to leave as it is.
    func disabled() throws -> Bool? {
        if disable && enable { throw ValidationError("--disable and --enable exclude each other") }
        return disable ? true : enable ? false : nil
    }
}

/// Prints a value as the admin API shows it.
enum JSONPrinter {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
