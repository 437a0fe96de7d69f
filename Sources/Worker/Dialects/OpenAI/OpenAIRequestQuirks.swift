import Shared

/// Applies a provider's `ProviderQuirks` to an OpenAI request body before it goes upstream.
struct OpenAIRequestQuirks {
    let quirks: ProviderQuirks
    let reasoning: ReasoningCache?

    func apply(to request: inout [String: JSONValue]) {
        for field in quirks.dropFields { request[field] = nil }
        for (from, to) in quirks.renameFields.sorted(by: { $0.key < $1.key }) {
            if let value = request.removeValue(forKey: from), request[to] == nil { request[to] = value }
        }
        if let field = quirks.maxTokensField {
            for other in ["max_tokens", "max_completion_tokens"] where other != field {
                if let value = request.removeValue(forKey: other), request[field] == nil { request[field] = value }
            }
        }
        if let limit = quirks.maxStopSequences, case .array(let stops) = request["stop"], stops.count > limit {
            request["stop"] = .array(Array(stops.prefix(limit)))
        }
        if let required = quirks.requiredToolChoice, request["tool_choice"] == .string("required") {
            request["tool_choice"] = .string(required)
        }
        if !quirks.stripSchemaKeys.isEmpty, case .array(let tools) = request["tools"] {
            request["tools"] = .array(tools.map(stripSchemaKeys))
        }
        if case .array(let messages) = request["messages"] {
            request["messages"] = .array(messages.map(rewrite))
        }
        if quirks.dropNulls { request = request.filter { $0.value != .null } }
    }

    private func rewrite(message: JSONValue) -> JSONValue {
        guard case .object(var message) = message else { return message }
        let role = message["role"]?.stringValue
        if quirks.developerAsSystem, role == "developer" { message["role"] = .string("system") }
        switch quirks.messageNames {
        case .keep: break
        case .drop: message["name"] = nil
        case .toolOnly: if role != "tool" { message["name"] = nil }
        }
        if let reasoning, role == "assistant", message["reasoning_content"] == nil,
            case .array(let calls) = message["tool_calls"], let first = calls.first?["id"]?.stringValue,
            let remembered = reasoning.value(forToolCall: first)
        {
            message["reasoning_content"] = .string(remembered)
        }
        if quirks.toolCallIDs == .nineAlphanumerics {
            if case .array(let calls) = message["tool_calls"] {
                message["tool_calls"] = .array(
                    calls.map { call in
                        var call = call
                        if let id = call["id"]?.stringValue { call["id"] = .string(Self.nineAlphanumeric(id)) }
                        return call
                    })
            }
            if let id = message["tool_call_id"]?.stringValue { message["tool_call_id"] = .string(Self.nineAlphanumeric(id)) }
        }
        if quirks.dropNulls { message = message.filter { $0.value != .null } }
        return .object(message)
    }

    private func stripSchemaKeys(tool: JSONValue) -> JSONValue {
        guard case .object(var object) = tool, case .object(var function) = object["function"] else { return tool }
        for key in quirks.stripSchemaKeys { function[key] = nil }
        if let parameters = function["parameters"] { function["parameters"] = strip(parameters) }
        object["function"] = .object(function)
        return .object(object)
    }

    /// Removes the quirk's keys at every level of a schema, except from the keys of `properties`
    /// and definition maps: those are names a user chose (a parameter may well be called `strict`).
    private func strip(_ schema: JSONValue, keysAreNames: Bool = false) -> JSONValue {
        switch schema {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for (key, value) in object where keysAreNames || !quirks.stripSchemaKeys.contains(key) {
                let namesBelow = !keysAreNames && (key == "properties" || key == "$defs" || key == "definitions")
                out[key] = strip(value, keysAreNames: namesBelow)
            }
            return .object(out)
        case .array(let values):
            return .array(values.map { strip($0) })
        default:
            return schema
        }
    }

    /// A stable 9-character `[A-Za-z0-9]` id for any tool-call id, so a call and its result still
    /// match after rewriting; ids that already fit are kept.
    static func nineAlphanumeric(_ id: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        if id.utf8.count == 9, id.utf8.allSatisfy({ alphabet.contains($0) }) { return id }
        // FNV-1a, 64 bits: 62^9 < 2^64, so nine base-62 digits use all of it.
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in id.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        var out: [UInt8] = []
        for _ in 0..<9 {
            out.append(alphabet[Int(hash % 62)])
            hash /= 62
        }
        return String(decoding: out, as: UTF8.self)
    }
}
