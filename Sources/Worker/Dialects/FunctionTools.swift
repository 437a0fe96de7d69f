import Shared

/// What the translating dialects share about OpenAI function tools.
enum FunctionTools {
    /// The client's tools, which must all be functions: the only kind other dialects can carry.
    static func functions(_ tools: [ToolDefinition]?, provider: String) throws(GatewayError) -> [ToolDefinition.Function] {
        var functions: [ToolDefinition.Function] = []
        for (index, tool) in (tools ?? []).enumerated() {
            guard tool.type == "function" else {
                throw .invalidRequest(
                    "tools[\(index)]: type '\(tool.type)' is not supported by \(provider).", code: .unsupportedTool,
                    param: "tools[\(index)].type")
            }
            functions.append(tool.function)
        }
        return functions
    }

    /// OpenAI sends a call's arguments as JSON text; the other dialects want the object.
    static func arguments(_ text: String, param: String) throws(GatewayError) -> JSONValue {
        if text.allSatisfy(\.isWhitespace) { return .object([:]) }
        guard let value = try? JSONValue.decode(Array(text.utf8)), value.objectValue != nil else {
            throw .invalidRequest("\(param) must be a JSON object in a string.", code: .invalidToolArguments, param: param)
        }
        return value
    }

    /// A call's arguments object as the JSON text OpenAI clients expect.
    static func argumentsText(_ value: JSONValue?) -> String {
        String(decoding: (value ?? .object([:])).encoded(), as: UTF8.self)
    }
}
