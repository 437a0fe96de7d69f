import TOMLKit

/// Typed, path-aware reads from one TOML table. Every read names the key's full path in its error,
/// and `rejectUnknownKeys` turns a typo into an error instead of a silently ignored setting.
struct TOMLReader {
    let table: TOMLTable
    let path: String

    func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func rejectUnknownKeys(allowed: Set<String>, hint: [String: String] = [:]) throws(ConfigError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            let extra = hint[key].map { ": \($0)" } ?? " (known keys: \(allowed.sorted().joined(separator: ", ")))"
            throw ConfigError(path: child(key), message: "unknown key\(extra)")
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw mismatch(key, expected: "a string", got: value) }
        return string
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let bool = value.bool else { throw mismatch(key, expected: "true or false", got: value) }
        return bool
    }

    func int(_ key: String) throws(ConfigError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let int = value.int else { throw mismatch(key, expected: "an integer", got: value) }
        return int
    }

    /// A number; integers are accepted where a fraction is allowed.
    func double(_ key: String) throws(ConfigError) -> Double? {
        guard let value = table[key] else { return nil }
        if let double = value.double { return double }
        if let int = value.int { return Double(int) }
        throw mismatch(key, expected: "a number", got: value)
    }

    func table(_ key: String) throws(ConfigError) -> TOMLReader? {
        guard let value = table[key] else { return nil }
        guard let table = value.table else { throw mismatch(key, expected: "a table", got: value) }
        return TOMLReader(table: table, path: child(key))
    }

    /// A table whose values are all strings, e.g. `headers = { "X-Title" = "Orchestra" }`.
    func stringTable(_ key: String) throws(ConfigError) -> [(String, String)]? {
        guard let reader = try table(key) else { return nil }
        var pairs: [(String, String)] = []
        for name in reader.table.keys.sorted() {
            guard let value = try reader.string(name) else { continue }
            pairs.append((name, value))
        }
        return pairs
    }

    /// An array of tables, e.g. `windows = [{ requests = 900, seconds = 3600 }]`.
    func tables(_ key: String) throws(ConfigError) -> [TOMLReader]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw mismatch(key, expected: "an array of tables", got: value) }
        var readers: [TOMLReader] = []
        for (index, element) in array.enumerated() {
            guard let table = element.table else { throw mismatch(key, expected: "an array of tables", got: value) }
            readers.append(TOMLReader(table: table, path: "\(child(key))[\(index)]"))
        }
        return readers
    }

    /// An array whose elements are all strings, e.g. `drop_fields = ["logprobs", "n"]`.
    func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw mismatch(key, expected: "an array of strings", got: value) }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else { throw mismatch(key, expected: "an array of strings", got: value) }
            strings.append(string)
        }
        return strings
    }

    private func mismatch(_ key: String, expected: String, got value: any TOMLValueConvertible) -> ConfigError {
        ConfigError(path: child(key), message: "expected \(expected), found \(Self.describe(value.type))")
    }

    private static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: return "a table"
        case .array: return "an array"
        case .string: return "a string"
        case .int: return "an integer"
        case .double: return "a floating-point number"
        case .bool: return "a boolean"
        default: return "a date or time"
        }
    }
}
