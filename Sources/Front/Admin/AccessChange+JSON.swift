import Foundation
import Shared

extension AccessChange {
    /// Reads a JSON body of the admin API: fields left out stay, `null` clears an optional one, and
    /// anything unknown or of the wrong type is a 400 naming the field.
    init(json: [String: JSONValue], fields: Set<String>) throws(GatewayError) {
        self.init()
        for name in json.keys where !fields.contains(name) {
            throw .invalidRequest("Unknown field '\(name)'.", code: .invalidValue, param: name)
        }
        if let value = json["name"] { name = try Self.string(value, "name") }
        if let value = json["team_id"] { teamID = .some(value == .null ? nil : try Self.string(value, "team_id")) }
        if let value = json["expires_at"] { expiresAt = .some(value == .null ? nil : try Self.date(value, "expires_at")) }
        if let value = json["disabled"] { disabled = try Self.bool(value, "disabled") }
        if let value = json["metadata"] {
            guard let object = value.objectValue else { throw Self.wrong("metadata", "an object of strings") }
            var entries: [String: String] = [:]
            for (key, entry) in object {
                guard let text = entry.stringValue else { throw Self.wrong("metadata.\(key)", "a string") }
                entries[key] = text
            }
            metadata = entries
        }
        if let value = json["limits"] {
            guard let limits = value.objectValue else { throw Self.wrong("limits", "an object") }
            try read(limits: limits)
        }
    }

    private mutating func read(limits: [String: JSONValue]) throws(GatewayError) {
        let known: Set = ["models", "budget_usd", "period", "allow_unpriced", "rpm", "tpm", "max_parallel"]
        for name in limits.keys where !known.contains(name) {
            throw .invalidRequest("Unknown field 'limits.\(name)'.", code: .invalidValue, param: "limits.\(name)")
        }
        if let value = limits["models"] {
            if value == .null {
                models = .some(nil)
            } else {
                guard let array = value.arrayValue else { throw Self.wrong("limits.models", "an array of strings or null") }
                var list: [String] = []
                for entry in array {
                    guard let text = entry.stringValue else { throw Self.wrong("limits.models", "an array of strings or null") }
                    list.append(text)
                }
                models = .some(list)
            }
        }
        if let value = limits["budget_usd"] { budgetUSD = .some(value == .null ? nil : try Self.number(value, "limits.budget_usd")) }
        if let value = limits["period"] {
            guard let text = value.stringValue, let period = BudgetPeriod(rawValue: text) else {
                throw Self.wrong("limits.period", "one of day, week, month, total")
            }
            self.period = period
        }
        if let value = limits["allow_unpriced"] { allowUnpriced = try Self.bool(value, "limits.allow_unpriced") }
        if let value = limits["rpm"] { rpm = .some(value == .null ? nil : try Self.integer(value, "limits.rpm")) }
        if let value = limits["tpm"] { tpm = .some(value == .null ? nil : try Self.integer(value, "limits.tpm")) }
        if let value = limits["max_parallel"] { maxParallel = .some(value == .null ? nil : try Self.integer(value, "limits.max_parallel")) }
    }

    private static func wrong(_ field: String, _ expected: String) -> GatewayError {
        .invalidRequest("'\(field)' must be \(expected).", code: .invalidType, param: field)
    }

    private static func string(_ value: JSONValue, _ field: String) throws(GatewayError) -> String {
        guard let text = value.stringValue else { throw wrong(field, "a string") }
        return text
    }

    private static func bool(_ value: JSONValue, _ field: String) throws(GatewayError) -> Bool {
        guard let flag = value.boolValue else { throw wrong(field, "true or false") }
        return flag
    }

    private static func number(_ value: JSONValue, _ field: String) throws(GatewayError) -> Double {
        switch value {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: throw wrong(field, "a number or null")
        }
    }

    private static func integer(_ value: JSONValue, _ field: String) throws(GatewayError) -> Int {
        guard case .int(let number) = value, let exact = Int(exactly: number) else { throw wrong(field, "an integer or null") }
        return exact
    }

    private static func date(_ value: JSONValue, _ field: String) throws(GatewayError) -> Date {
        guard let text = value.stringValue, let date = RFC3339.date(text) else {
            throw wrong(field, "an ISO 8601 time such as 2027-01-31T00:00:00Z, or null")
        }
        return date
    }
}
