#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A legacy `POST /v1/completions` request (and Mistral's `POST /v1/fim/completions`, which has the
/// same fields): what an editor's autocomplete sends.
public struct CompletionRequest: Decodable, Sendable {
    public var model: String
    public var prompt: PromptText
    /// Code after the cursor, for fill-in-the-middle.
    public var suffix: String?
    public var max_tokens: Int?
    public var min_tokens: Int?
    public var temperature: Double?
    public var top_p: Double?
    public var stream: Bool?
    public var stream_options: ChatRequest.StreamOptions?
    public var stop: StopSequences?
    public var seed: Int?
    public var random_seed: Int?
    public var presence_penalty: Double?
    public var frequency_penalty: Double?

    /// `prompt` is a string or a list of strings; the gateway serves one prompt per request.
    public struct PromptText: Decodable, Sendable {
        public var text: String

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self.text = text
            } else {
                let list = try container.decode([String].self)
                guard list.count == 1 else {
                    throw DecodingError.dataCorruptedError(in: container, debugDescription: "send one prompt per request")
                }
                self.text = list[0]
            }
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(GatewayError) -> CompletionRequest {
        try GatewayError.decodeRequest(CompletionRequest.self, from: bytes)
    }
}

/// A legacy completion answer, whole (`text_completion`) or one stream chunk of it (same object).
public struct TextCompletion: Codable, Sendable, Equatable {
    public struct Choice: Codable, Sendable, Equatable {
        public var text: String
        public var index: Int
        public var finish_reason: String?

        public init(text: String, index: Int, finish_reason: String?) {
            self.text = text
            self.index = index
            self.finish_reason = finish_reason
        }

        // `logprobs` and `finish_reason` are written as `null` rather than left out, as OpenAI does.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(text, forKey: .text)
            try container.encode(index, forKey: .index)
            try container.encodeNil(forKey: .logprobs)
            try container.encode(finish_reason, forKey: .finish_reason)
        }

        private enum Keys: String, CodingKey { case text, index, logprobs, finish_reason }
    }

    public var id: String
    public var object = "text_completion"
    public var created: Int
    public var model: String
    public var choices: [Choice]
    public var usage: Usage?

    public init(id: String, created: Int, model: String, choices: [Choice], usage: Usage?) {
        self.id = id
        self.created = created
        self.model = model
        self.choices = choices
        self.usage = usage
    }
}

/// `POST /v1/embeddings` request fields the gateway reads.
public struct EmbeddingsRequest: Decodable, Sendable {
    public var model: String
    public var input: EmbeddingInput
    public var encoding_format: String?
    public var dimensions: Int?

    /// A string or a list of strings (token-id inputs are passed through to OpenAI-compatible upstreams only).
    public struct EmbeddingInput: Decodable, Sendable {
        public var texts: [String]

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                texts = [text]
            } else {
                texts = try container.decode([String].self)
            }
        }
    }

    public static func decode(_ bytes: [UInt8]) throws(GatewayError) -> EmbeddingsRequest {
        try GatewayError.decodeRequest(EmbeddingsRequest.self, from: bytes)
    }
}

/// The OpenAI embeddings answer.
public struct EmbeddingList: Encodable, Sendable {
    public struct Item: Encodable, Sendable {
        public var object = "embedding"
        public var index: Int
        public var embedding: EmbeddingVector

        public init(index: Int, embedding: EmbeddingVector) {
            self.index = index
            self.embedding = embedding
        }
    }

    public struct EmbeddingUsage: Encodable, Sendable {
        public var prompt_tokens: Int
        public var total_tokens: Int
    }

    public var object = "list"
    public var data: [Item]
    public var model: String
    public var usage: EmbeddingUsage

    public init(data: [Item], model: String, promptTokens: Int) {
        self.data = data
        self.model = model
        self.usage = EmbeddingUsage(prompt_tokens: promptTokens, total_tokens: promptTokens)
    }
}

/// An embedding as floats, or as the base64 of little-endian float32s (`encoding_format: "base64"`,
/// which the `openai` Python SDK asks for by default).
public enum EmbeddingVector: Encodable, Sendable {
    case floats([Double])
    case base64(String)

    public init(_ values: [Double], base64: Bool) {
        guard base64 else {
            self = .floats(values)
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = Float(value).bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        self = .base64(Data(bytes).base64EncodedString())
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .floats(let values): try container.encode(values)
        case .base64(let text): try container.encode(text)
        }
    }
}
