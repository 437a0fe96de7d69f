import Shared

/// OpenAI sends tool-call arguments as JSON text; the translated dialects want the JSON object.
enum ToolArguments {
    static func object(_ text: String, param: String) throws(GatewayError) -> JSONValue {
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        guard let value = try? JSONValue.decode(Array(text.utf8)), value.objectValue != nil else {
            throw .invalidRequest("\(param) must be a JSON object in a string.", code: "invalid_tool_arguments", param: param)
        }
        return value
    }

    static func text(_ value: JSONValue?) -> String {
        String(decoding: (value ?? .object([:])).encoded(), as: UTF8.self)
    }
}
