#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// An OpenAI Chat Completions request as a translating dialect reads it.
///
/// OpenAI-compatible providers never see this type (their bodies pass through untouched); it exists
/// for the dialects that rebuild the request in another shape (Gemini, Anthropic), which need every
/// field they translate typed and every field they cannot translate named in a clear 400.
public struct ChatRequest: Decodable, Sendable {
    public var model: String
    public var messages: [ChatRequestMessage]
    public var stream: Bool?
    public var stream_options: StreamOptions?
    public var temperature: Double?
    public var top_p: Double?
    public var top_k: Int?
    public var max_tokens: Int?
    public var max_completion_tokens: Int?
    public var stop: StopSequences?
    public var n: Int?
    public var seed: Int?
    public var presence_penalty: Double?
    public var frequency_penalty: Double?
    public var tools: [ToolDefinition]?
    public var tool_choice: ToolChoice?
    public var parallel_tool_calls: Bool?
    public var response_format: ResponseFormat?
    public var reasoning_effort: String?
    public var user: String?

    public struct StreamOptions: Decodable, Sendable {
        public var include_usage: Bool?
    }

    /// Whether the client asked for the final usage chunk of a stream.
    public var wantsStreamUsage: Bool { stream_options?.include_usage ?? false }

    /// The output cap the client asked for, under either of OpenAI's names.
    public var outputLimit: Int? { max_completion_tokens ?? max_tokens }
}

public struct ChatRequestMessage: Decodable, Sendable {
    public var role: String
    public var content: MessageContent?
    public var name: String?
    public var tool_calls: [ToolCall]?
    public var tool_call_id: String?
    /// The de-facto reasoning field (DeepSeek, Moonshot, Continue); `reasoning` is read as an alias.
    public var reasoning_content: String?

    private enum CodingKeys: String, CodingKey {
        case role, content, name, tool_calls, tool_call_id, reasoning_content, reasoning
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decode(String.self, forKey: .role)
        content = try container.decodeIfPresent(MessageContent.self, forKey: .content)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        tool_calls = try container.decodeIfPresent([ToolCall].self, forKey: .tool_calls)
        tool_call_id = try container.decodeIfPresent(String.self, forKey: .tool_call_id)
        reasoning_content =
            try container.decodeIfPresent(String.self, forKey: .reasoning_content)
            ?? (try? container.decodeIfPresent(String.self, forKey: .reasoning))
    }
}

/// A message's content: a plain string or a list of typed parts.
public enum MessageContent: Decodable, Sendable {
    case text(String)
    case parts([ContentPart])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }

    /// All text parts joined; images and other parts are left out.
    public var text: String {
        switch self {
        case .text(let text): return text
        case .parts(let parts): return parts.compactMap(\.text).joined()
        }
    }

    public var parts: [ContentPart] {
        switch self {
        case .text(let text): return [ContentPart(type: "text", text: text)]
        case .parts(let parts): return parts
        }
    }
}

public struct ContentPart: Decodable, Sendable {
    public var type: String
    public var text: String?
    public var image_url: ImageURL?

    public init(type: String, text: String? = nil, image_url: ImageURL? = nil) {
        self.type = type
        self.text = text
        self.image_url = image_url
    }

    public struct ImageURL: Decodable, Sendable {
        public var url: String
        public var detail: String?

        public init(url: String) {
            self.url = url
        }

        private enum CodingKeys: String, CodingKey { case url, detail }

        // Some clients send the URL as a bare string instead of an object.
        public init(from decoder: any Decoder) throws {
            if let url = try? decoder.singleValueContainer().decode(String.self) {
                self.url = url
                return
            }
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decode(String.self, forKey: .url)
            detail = try container.decodeIfPresent(String.self, forKey: .detail)
        }
    }
}

/// An image given as a `data:` URL, split into its media type and base64 payload.
public struct InlineImage: Sendable, Equatable {
    public var mediaType: String
    public var base64: String

    /// `nil` unless `url` is `data:<type>;base64,<data>`.
    public init?(dataURL url: String) {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        mediaType = String(header.dropLast(7))
        base64 = String(url[url.index(after: comma)...])
        if mediaType.isEmpty { mediaType = "image/png" }
    }
}

public struct ResponseFormat: Decodable, Sendable {
    public var type: String
    public var json_schema: JSONSchemaFormat?

    public struct JSONSchemaFormat: Decodable, Sendable {
        public var name: String?
        public var schema: JSONValue?
        public var strict: Bool?
    }
}

extension ChatRequest {
    /// Decodes a client body, naming the offending field in the 400 when it does not fit.
    public static func decode(_ bytes: [UInt8]) throws(GatewayError) -> ChatRequest {
        try GatewayError.decodeRequest(ChatRequest.self, from: bytes)
    }
}

extension GatewayError {
    /// Decodes a client's request body; a body that does not fit is a 400 naming the field.
    public static func decodeRequest<Body: Decodable>(_ type: Body.Type, from bytes: [UInt8]) throws(GatewayError) -> Body {
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch let error as DecodingError {
            throw describing(error)
        } catch {
            throw .invalidRequest("The request body is not valid JSON.", code: .invalidJSON)
        }
    }

    /// A 400 that names the request field a decoding error is about.
    public static func describing(_ error: DecodingError) -> GatewayError {
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            var text = ""
            for key in codingPath + (last.map { [$0] } ?? []) {
                if let index = key.intValue {
                    text += "[\(index)]"
                } else {
                    text += text.isEmpty ? key.stringValue : "." + key.stringValue
                }
            }
            return text
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath, key)
            return .invalidRequest("'\(field)' is required.", code: .missingField, param: field)
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            let field = path(context.codingPath)
            return .invalidRequest("'\(field)' has the wrong type.", code: .invalidType, param: field)
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            let field = path(context.codingPath)
            return .invalidRequest("'\(field)' is invalid: \(context.debugDescription).", code: .invalidValue, param: field)
        default:
            return .invalidRequest("The request body is not valid JSON.", code: .invalidJSON)
        }
    }
}
