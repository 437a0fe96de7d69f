import ArgumentParser
import Foundation
import Shared

/// Prints the model catalog (built-ins plus config), one model per line.
struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the model catalog.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load()
        let rows = config.enabledProviders.flatMap { provider in
            provider.models.map { model in
                [
                    "\(provider.name)/\(model.id)",
                    model.contextLength.map(Self.tokens) ?? "?",
                    model.maxOutput.map(Self.tokens) ?? "?",
                    Self.capabilities(model),
                    Self.price(model.inputPrice) + " / " + Self.price(model.outputPrice),
                ]
            }
        }
        let header = ["MODEL", "CONTEXT", "MAX OUT", "CAPABILITIES", "$/1M IN / OUT"]
        let widths = (0..<header.count).map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  "))
        }
    }

    static func tokens(_ count: Int) -> String {
        count >= 1_000_000 ? "\(count / 1_048_576)M" : "\(count / 1000)K"
    }

    static func capabilities(_ model: ModelInfo) -> String {
        var tags: [String] = []
        if model.tools { tags.append("tools") }
        if model.vision { tags.append("vision") }
        if model.reasoning { tags.append("reasoning") }
        if model.fim { tags.append("fim") }
        return tags.isEmpty ? "-" : tags.joined(separator: ",")
    }

    static func price(_ value: Double?) -> String {
        guard let value else { return "unknown" }
        return value == 0 ? "free" : String(format: "%.2f", value)
    }
}
