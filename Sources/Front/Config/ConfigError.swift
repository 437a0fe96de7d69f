/// A config problem, always naming the key path it is about (`providers.mistral.base_url`).
struct ConfigError: Error, CustomStringConvertible, Equatable {
    var path: String
    var message: String

    var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
