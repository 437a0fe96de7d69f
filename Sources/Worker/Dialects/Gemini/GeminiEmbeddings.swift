import FoundationEssentials
import Shared

/// `/v1/embeddings` on Gemini: `models/{model}:batchEmbedContents`, one request per input text.
extension GeminiDialect {
    struct BatchRequest: Encodable {
        struct Item: Encodable {
            var model: String
            var content: GeminiContent
            var outputDimensionality: Int?
        }
        var requests: [Item]
    }

    func prepareEmbeddings(_ call: UpstreamCall) throws(GatewayError) -> PreparedRequest {
        let request = try EmbeddingsRequest.decode(Array(call.body.readableBytesView))
        guard !request.input.texts.isEmpty else {
            throw .invalidRequest("'input' must not be empty.", code: .invalidValue, param: "input")
        }
        var model = call.model
        if model.hasPrefix("models/") { model.removeFirst(7) }
        let batch = BatchRequest(
            requests: request.input.texts.map { text in
                .init(
                    model: "models/\(model)", content: GeminiContent(role: nil, parts: [GeminiPart(text: text)]),
                    outputDimensionality: request.dimensions)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        guard let body = try? encoder.encode(batch) else {
            throw .invalidRequest("The request could not be translated for \(provider).", code: .badRequest)
        }
        // Gemini reports no token count for embeddings: estimate ~4 characters a token.
        let estimate = request.input.texts.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
        return PreparedRequest(
            url: baseURL + "/models/" + Self.pathSegment(model) + ":batchEmbedContents", headers: staticHeaders, body: Array(body),
            translator: GeminiEmbeddingsTranslator(
                provider: provider, model: model, base64: request.encoding_format == "base64", estimatedTokens: estimate
            )
        )
    }
}

struct GeminiEmbeddingsTranslator: ResponseTranslator {
    struct Answer: Decodable {
        struct Embedding: Decodable { var values: [Double] }
        var embeddings: [Embedding]
    }

    let provider: String
    let model: String
    let base64: Bool
    let estimatedTokens: Int

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        throw .upstreamInvalid(provider, detail: "embeddings do not stream")
    }

    mutating func finishStream() throws(GatewayError) -> [[UInt8]] { [] }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        guard let answer = try? JSONDecoder().decode(Answer.self, from: Data(body)) else {
            throw .upstreamInvalid(provider, detail: "it is not a batchEmbedContents answer")
        }
        let list = EmbeddingList(
            data: answer.embeddings.enumerated().map {
                .init(index: $0.offset, embedding: EmbeddingVector($0.element.values, base64: base64))
            },
            model: model, promptTokens: estimatedTokens
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array((try? encoder.encode(list)) ?? Data("{}".utf8))
    }
}
