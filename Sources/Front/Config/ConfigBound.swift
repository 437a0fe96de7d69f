/// The range a number in config must fall in, with the words its error uses.
enum ConfigBound {
    /// Greater than zero.
    case positive
    /// Greater than zero, a duration.
    case positiveSeconds
    case nonNegative
    /// A count of at least one.
    case atLeastOne

    func admits(_ value: Double) -> Bool {
        switch self {
        case .positive, .positiveSeconds: return value > 0
        case .nonNegative: return value >= 0
        case .atLeastOne: return value >= 1
        }
    }

    var message: String {
        switch self {
        case .positive: return "must be positive"
        case .positiveSeconds: return "must be a positive number of seconds"
        case .nonNegative: return "must not be negative"
        case .atLeastOne: return "must be at least 1"
        }
    }
}

extension TOMLReader {
    /// `key` as a number within `bound`, or `nil` when absent; out of bounds is an error naming the key.
    func double(_ key: String, _ bound: ConfigBound) throws(ConfigError) -> Double? {
        guard let value = try double(key) else { return nil }
        guard bound.admits(value) else { throw ConfigError(path: child(key), message: bound.message) }
        return value
    }

    func int(_ key: String, _ bound: ConfigBound) throws(ConfigError) -> Int? {
        guard let value = try int(key) else { return nil }
        guard bound.admits(Double(value)) else { throw ConfigError(path: child(key), message: bound.message) }
        return value
    }
}
