import ArgumentParser
import Shared

/// Validates a config and prints what `serve` would run with it. Keys are shown as locations only.
struct CheckConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check-config", abstract: "Validate a config file and show what it runs.")

    @OptionGroup var options: ConfigOption

    func run() throws {
        let config = try options.load()
        print("listen: \(config.server.host):\(config.server.port)")
        print("max body: \(config.server.maxBodyBytes) bytes")
        print("providers:")
        for provider in config.providers {
            let state = provider.enabled ? "enabled " : "disabled"
            print("  \(provider.name) [\(state)] dialect=\(provider.dialect.rawValue) base_url=\(provider.baseURL) key=\(provider.key.displayValue) models=\(provider.models.count)")
            if provider.dialect == .openai, provider.quirks != ProviderQuirks() {
                print("    quirks: \(provider.quirks.summary)")
            }
            for header in provider.headers {
                print("    header \(header.name): \(header.value)")
            }
        }
        print("configuration OK")
    }
}
