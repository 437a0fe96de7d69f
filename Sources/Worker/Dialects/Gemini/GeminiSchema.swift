import Shared

/// Cleans a JSON Schema down to the OpenAPI subset Gemini accepts for function parameters and
/// response schemas: unknown keywords are a 400 there, so only known ones are kept, `$ref`s are
/// inlined, `["T","null"]` types become `nullable`, and `const` becomes a one-value `enum`.
enum GeminiSchema {
    private static let keptKeywords: Set<String> = [
        "type", "format", "title", "description", "nullable", "enum", "maxItems", "minItems", "properties",
        "required", "minProperties", "maxProperties", "minLength", "maxLength", "pattern", "example", "anyOf",
        "propertyOrdering", "default", "items", "minimum", "maximum",
    ]
    /// `$ref` chains deeper than this (recursive schemas) end in a plain object.
    private static let maximumDepth = 12

    static func clean(_ schema: JSONValue) -> JSONValue {
        let definitions = schema["$defs"]?.objectValue ?? schema["definitions"]?.objectValue ?? [:]
        return clean(schema, definitions: definitions, depth: 0)
    }

    private static func clean(_ schema: JSONValue, definitions: [String: JSONValue], depth: Int) -> JSONValue {
        guard case .object(var object) = schema else { return schema }
        if let reference = object["$ref"]?.stringValue {
            guard depth < maximumDepth, let name = reference.split(separator: "/").last,
                let target = definitions[String(name)]
            else {
                return .object(["type": .string("object")])
            }
            var merged = target.objectValue ?? [:]
            for (key, value) in object where key != "$ref" { merged[key] = value }
            object = merged
        }
        var out: [String: JSONValue] = [:]
        if case .array(let types) = object["type"] {
            let named = types.compactMap(\.stringValue)
            if named.contains("null") { out["nullable"] = .bool(true) }
            if let first = named.first(where: { $0 != "null" }) { out["type"] = .string(first) }
            object["type"] = nil
        }
        if let constant = object["const"], object["enum"] == nil {
            object["enum"] = .array([constant])
        }
        if case .array(let options) = object["anyOf"] ?? object["oneOf"] {
            let nonNull = options.filter { $0["type"]?.stringValue != "null" }
            if nonNull.count < options.count { out["nullable"] = .bool(true) }
            if nonNull.count == 1, let only = nonNull.first {
                // `anyOf: [X, null]` is Gemini's `nullable X`.
                if case .object(let inner) = clean(only, definitions: definitions, depth: depth + 1) {
                    for (key, value) in inner where out[key] == nil { out[key] = value }
                }
            } else {
                out["anyOf"] = .array(nonNull.map { clean($0, definitions: definitions, depth: depth + 1) })
            }
            object["anyOf"] = nil
            object["oneOf"] = nil
        }
        for (key, value) in object where keptKeywords.contains(key) && out[key] == nil {
            switch key {
            case "properties":
                guard case .object(let properties) = value else { continue }
                out[key] = .object(properties.mapValues { clean($0, definitions: definitions, depth: depth + 1) })
            case "items":
                out[key] = clean(value, definitions: definitions, depth: depth + 1)
            case "format":
                // Gemini knows `enum` and `date-time` for strings; other formats are refused.
                if let format = value.stringValue, format == "enum" || format == "date-time" { out[key] = value }
            case "enum":
                // Gemini enums are strings only.
                guard case .array(let values) = value else { continue }
                out[key] = .array(
                    values.map { $0.stringValue.map(JSONValue.string) ?? .string(String(decoding: $0.encoded(), as: UTF8.self)) })
            default:
                out[key] = value
            }
        }
        if out["enum"] != nil { out["type"] = .string("string") }
        if case .array(let required) = out["required"], case .object(let properties) = out["properties"] {
            out["required"] = .array(required.filter { $0.stringValue.map { properties[$0] != nil } ?? false })
        }
        return .object(out)
    }
}
