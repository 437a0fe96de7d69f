import Shared

/// The top-level fields of a translated request (`/v1/messages`, `/v1/responses`) that the gateway
/// honours: any other is refused by name, never silently dropped.
enum RequestFields {
    /// The body as a JSON object, after refusing a field not in `allowed`; `nil` if it is not an object
    /// (the typed decoder then says what is wrong).
    static func checked(_ bytes: [UInt8], allowed: Set<String>) throws(GatewayError) -> [String: JSONValue]? {
        guard case .object(let object) = try? JSONValue.decode(bytes) else { return nil }
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidRequest(
                "'\(unknown)' is not supported by this gateway; remove it (supported: \(allowed.sorted().joined(separator: ", "))).",
                code: .unsupportedField, param: unknown)
        }
        return object
    }
}
