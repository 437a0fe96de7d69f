#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A function call the assistant made, in an answer or replayed in a request's history.
public struct ToolCall: Codable, Sendable, Equatable {
    public var id: String
    public var type: String
    public var function: FunctionCall
    /// Gemini's thought signature for this call, sent in Google's `extra_content` (read back from there
    /// or from litellm's `provider_specific_fields`), for clients that rewrite ids.
    public var thoughtSignature: String?

    public init(id: String, name: String, arguments: String, thoughtSignature: String? = nil) {
        self.id = id
        self.type = "function"
        self.function = FunctionCall(name: name, arguments: arguments)
        self.thoughtSignature = thoughtSignature
    }

    private enum CodingKeys: String, CodingKey { case id, type, function, extra_content, provider_specific_fields }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        type = try container.decodeIfPresent(String.self, forKey: .type) ?? "function"
        function = try container.decode(FunctionCall.self, forKey: .function)
        thoughtSignature =
            (try? container.decodeIfPresent(ToolCallExtraContent.self, forKey: .extra_content))??.google?.thought_signature
            ?? (try? container.decodeIfPresent(ToolCallExtraContent.Google.self, forKey: .provider_specific_fields))??.thought_signature
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(function, forKey: .function)
        try container.encodeIfPresent(thoughtSignature.map(ToolCallExtraContent.init(thoughtSignature:)), forKey: .extra_content)
    }

    public struct FunctionCall: Codable, Sendable, Equatable {
        public var name: String
        /// The arguments as a JSON text, exactly as OpenAI sends them.
        public var arguments: String

        public init(name: String, arguments: String) {
            self.name = name
            self.arguments = arguments
        }

        private enum CodingKeys: String, CodingKey { case name, arguments }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            arguments = try container.decodeIfPresent(String.self, forKey: .arguments) ?? "{}"
        }
    }
}

/// Google's OpenAI-compatible place for a Gemini thought signature on a tool call,
/// `extra_content.google.thought_signature`: the OpenAI Agents SDK reads it and sends it back.
public struct ToolCallExtraContent: Codable, Sendable, Equatable {
    public struct Google: Codable, Sendable, Equatable {
        public var thought_signature: String?
    }

    public var google: Google?

    public init(thoughtSignature: String) {
        google = Google(thought_signature: thoughtSignature)
    }
}

/// A tool the client offers the model; only function tools are translated.
public struct ToolDefinition: Decodable, Sendable {
    public var type: String
    public var function: Function

    public struct Function: Decodable, Sendable {
        public var name: String
        public var description: String?
        public var parameters: JSONValue?
        public var strict: Bool?
    }
}

/// `"none" | "auto" | "required"` or a named function.
public enum ToolChoice: Decodable, Sendable, Equatable {
    case none
    case auto
    case required
    case function(String)

    private struct Named: Decodable {
        struct Function: Decodable { var name: String }
        var function: Function
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let mode = try? container.decode(String.self) {
            switch mode {
            case "none": self = .none
            case "auto": self = .auto
            case "required": self = .required
            default:
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected none, auto, required or a function"
                )
            }
            return
        }
        self = .function(try container.decode(Named.self).function.name)
    }
}

/// `stop`: one string or a list of them.
public enum StopSequences: Decodable, Sendable {
    case one(String)
    case many([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            self = .one(one)
        } else {
            self = .many(try container.decode([String].self))
        }
    }

    public var values: [String] {
        switch self {
        case .one(let value): return [value]
        case .many(let values): return values
        }
    }
}
