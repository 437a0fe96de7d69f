import Shared

/// A `POST /v1/responses` body (OpenAI's Responses API) as the gateway reads it: what it translates is
/// typed; everything else is refused by name (`fields` is the allow-list), never dropped.
struct ResponsesRequest: Decodable, Sendable {
    /// `input`: one user text, or a list of items.
    enum Input: Decodable, Sendable {
        case text(String)
        case items([ResponsesItem])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .items(try container.decode([ResponsesItem].self))
            }
        }
    }

    /// A function tool, the only kind another provider can run (`type` names a built-in tool otherwise).
    struct Tool: Decodable, Sendable {
        var type: String
        var name: String?
        var description: String?
        var parameters: JSONValue?
        var strict: Bool?
    }

    /// `text`: the answer's format.
    struct TextOptions: Decodable, Sendable {
        struct Format: Decodable, Sendable {
            var type: String
            var name: String?
            var description: String?
            var schema: JSONValue?
            var strict: Bool?
        }
        var format: Format?
        var verbosity: String?
    }

    struct Reasoning: Decodable, Sendable {
        var effort: String?
        var summary: String?
        var generate_summary: String?
    }

    var model: String?
    var input: Input?
    var instructions: String?
    var tools: [Tool]?
    var tool_choice: JSONValue?
    var parallel_tool_calls: Bool?
    var text: TextOptions?
    var reasoning: Reasoning?
    var max_output_tokens: Int?
    var temperature: Double?
    var top_p: Double?
    var metadata: [String: String]?
    var user: String?
    var safety_identifier: String?
    var store: Bool?
    var stream: Bool?
    var stream_options: JSONValue?
    var previous_response_id: String?
    var include: [String]?
    var truncation: String?
    var background: Bool?
    var service_tier: String?

    /// Every top-level field the gateway honours; any other is a 400 naming it.
    static let fields: Set<String> = [
        "model", "input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "text", "reasoning",
        "max_output_tokens", "temperature", "top_p", "metadata", "user", "safety_identifier", "store", "stream",
        "stream_options", "previous_response_id", "include", "truncation", "background", "service_tier",
    ]

    /// Whether the response is kept (OpenAI's default is yes).
    var stores: Bool { store ?? true }
}

/// One item of a Responses `input`: a message (with or without `"type": "message"`), a function call
/// the model made, a function call's output, or a reasoning item. Other types are refused by name.
struct ResponsesItem: Decodable, Sendable {
    /// A message's content: a string or typed parts.
    enum Content: Decodable, Sendable {
        case text(String)
        case parts([Part])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .text(text)
            } else {
                self = .parts(try container.decode([Part].self))
            }
        }
    }

    /// `input_text`, `output_text`, `refusal`, `input_image` (a URL or data URL), `summary_text`.
    struct Part: Decodable, Sendable {
        var type: String
        var text: String?
        var refusal: String?
        var image_url: String?
        var file_id: String?
        var detail: String?
    }

    var type: String?
    var role: String?
    var content: Content?
    var id: String?
    var call_id: String?
    var name: String?
    var arguments: String?
    var output: Content?
    var summary: [Part]?
}
