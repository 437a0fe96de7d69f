import Shared

/// The fields of an OpenAI chat answer or chunk the front reads to write another shape of answer.
/// Lenient: any field may be missing, `choices` may be `null` (vLLM's usage chunk).
struct OpenAIAnswerProbe: Decodable {
    struct Choice: Decodable {
        var index: Int?
        var message: Message?
        var delta: Message?
        var finish_reason: String?
    }

    struct Message: Decodable {
        var content: String?
        var reasoning_content: String?
        var tool_calls: [ToolCallFragment]?
    }

    struct ToolCallFragment: Decodable {
        struct Function: Decodable {
            var name: String?
            var arguments: String?
        }
        var index: Int?
        var id: String?
        var function: Function?
    }

    struct UsageProbe: Decodable {
        struct PromptDetails: Decodable { var cached_tokens: Int? }
        var prompt_tokens: Int?
        var completion_tokens: Int?
        var prompt_tokens_details: PromptDetails?
    }

    var id: String?
    var model: String?
    var choices: [Choice]?
    var usage: UsageProbe?
    var error: GatewayErrorBody?

    /// An `error` object inside a stream event.
    struct GatewayErrorBody: Decodable {
        var message: String?
        var type: String?
    }

    var anthropicUsage: AnthropicUsage {
        var usage = AnthropicUsage(input_tokens: self.usage?.prompt_tokens ?? 0, output_tokens: self.usage?.completion_tokens ?? 0)
        usage.cache_read_input_tokens = self.usage?.prompt_tokens_details?.cached_tokens
        return usage
    }
}
