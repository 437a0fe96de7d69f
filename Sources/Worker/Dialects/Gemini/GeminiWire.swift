import Shared

/// Google's `generateContent` wire types (camelCase as on the wire). Optional fields left `nil` are
/// omitted when encoded, which is what the API expects.
struct GeminiRequest: Encodable {
    var contents: [GeminiContent]
    var systemInstruction: GeminiContent?
    var tools: [GeminiTool]?
    var toolConfig: GeminiToolConfig?
    var generationConfig: GeminiGenerationConfig?
}

struct GeminiContent: Codable {
    var role: String?
    var parts: [GeminiPart]
}

struct GeminiPart: Codable {
    var text: String?
    /// Marks a text part as a thought summary rather than answer text.
    var thought: Bool?
    /// Opaque; must be sent back unchanged on the part it came with (Gemini 3 function calls).
    var thoughtSignature: String?
    var inlineData: GeminiBlob?
    var functionCall: GeminiFunctionCall?
    var functionResponse: GeminiFunctionResponse?

    init(
        text: String? = nil, thought: Bool? = nil, thoughtSignature: String? = nil, inlineData: GeminiBlob? = nil,
        functionCall: GeminiFunctionCall? = nil, functionResponse: GeminiFunctionResponse? = nil
    ) {
        self.text = text
        self.thought = thought
        self.thoughtSignature = thoughtSignature
        self.inlineData = inlineData
        self.functionCall = functionCall
        self.functionResponse = functionResponse
    }
}

struct GeminiBlob: Codable {
    var mimeType: String
    var data: String
}

struct GeminiFunctionCall: Codable {
    var id: String?
    var name: String
    var args: JSONValue?
}

struct GeminiFunctionResponse: Codable {
    var name: String
    var response: JSONValue
}

struct GeminiTool: Encodable {
    var functionDeclarations: [GeminiFunctionDeclaration]
}

struct GeminiFunctionDeclaration: Encodable {
    var name: String
    var description: String?
    var parameters: JSONValue?
}

struct GeminiToolConfig: Encodable {
    struct FunctionCallingConfig: Encodable {
        var mode: String
        var allowedFunctionNames: [String]?
    }

    var functionCallingConfig: FunctionCallingConfig
}

struct GeminiGenerationConfig: Encodable {
    var temperature: Double?
    var topP: Double?
    var topK: Int?
    var maxOutputTokens: Int?
    var stopSequences: [String]?
    var candidateCount: Int?
    var seed: Int?
    var presencePenalty: Double?
    var frequencyPenalty: Double?
    var responseMimeType: String?
    var responseSchema: JSONValue?
    var thinkingConfig: GeminiThinkingConfig?

    var isEmpty: Bool {
        temperature == nil && topP == nil && topK == nil && maxOutputTokens == nil && stopSequences == nil
            && candidateCount == nil && seed == nil && presencePenalty == nil && frequencyPenalty == nil
            && responseMimeType == nil && responseSchema == nil && thinkingConfig == nil
    }
}

/// Gemini 2.5 takes a token budget, Gemini 3 a level; sending both is a 400.
struct GeminiThinkingConfig: Encodable {
    var thinkingBudget: Int?
    var thinkingLevel: String?
    var includeThoughts: Bool?
}

struct GeminiResponse: Decodable {
    struct Candidate: Decodable {
        var content: GeminiContent?
        var finishReason: String?
        var index: Int?
    }

    struct PromptFeedback: Decodable {
        var blockReason: String?
    }

    struct UsageMetadata: Decodable {
        var promptTokenCount: Int?
        var candidatesTokenCount: Int?
        var thoughtsTokenCount: Int?
        var cachedContentTokenCount: Int?
        var toolUsePromptTokenCount: Int?
        var totalTokenCount: Int?
    }

    var candidates: [Candidate]?
    var promptFeedback: PromptFeedback?
    /// Present when a stream fails after it started.
    var error: GeminiError?
    var usageMetadata: UsageMetadata?
    var modelVersion: String?
    var responseId: String?
}

/// Google's error body: `{"error":{"code","message","status","details":[...]}}`.
struct GeminiError: Decodable {
    struct Detail: Decodable {
        struct Violation: Decodable { var quotaId: String? }
        var type: String?
        var reason: String?
        var retryDelay: String?
        var violations: [Violation]?

        private enum CodingKeys: String, CodingKey {
            case type = "@type"
            case reason, retryDelay, violations
        }
    }

    var code: Int?
    var message: String?
    var status: String?
    var details: [Detail]?
}

struct GeminiErrorEnvelope: Decodable {
    var error: GeminiError
}
