/// The fields of an OpenAI chat answer or stream chunk that the gateway reads to write another shape
/// of answer (a `text_completion`, an Anthropic message). Lenient: any field may be missing, and
/// `choices` may be `null` (vLLM's usage chunk).
public struct OpenAIAnswerProbe: Decodable, Sendable {
    public struct Choice: Decodable, Sendable {
        public var index: Int?
        public var message: Message?
        public var delta: Message?
        public var finish_reason: String?
    }

    public struct Message: Decodable, Sendable {
        public var content: String?
        public var reasoning_content: String?
        public var tool_calls: [ToolCallFragment]?
    }

    public struct ToolCallFragment: Decodable, Sendable {
        public struct Function: Decodable, Sendable {
            public var name: String?
            public var arguments: String?
        }
        public var index: Int?
        public var id: String?
        public var function: Function?
    }

    /// An `error` object inside a stream event.
    public struct ErrorBody: Decodable, Sendable {
        public var message: String?
        public var type: String?
    }

    public var id: String?
    public var created: Int?
    public var model: String?
    public var choices: [Choice]?
    public var usage: Usage?
    public var error: ErrorBody?

    public init() {}

    private enum CodingKeys: String, CodingKey { case id, created, model, choices, usage, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        created = try? container.decodeIfPresent(Int.self, forKey: .created)
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        choices = try container.decodeIfPresent([Choice].self, forKey: .choices)
        // Usage shapes vary by upstream; one that does not fit is left out rather than failing the answer.
        usage = try? container.decodeIfPresent(Usage.self, forKey: .usage)
        error = try? container.decodeIfPresent(ErrorBody.self, forKey: .error)
    }
}
