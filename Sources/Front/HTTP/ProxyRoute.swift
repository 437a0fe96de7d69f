import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// `POST /v1/chat/completions`, `/v1/completions`, `/v1/fim/completions` and `/v1/embeddings`:
/// validates just enough of the body to route it, hands it to the provider's worker (which speaks
/// the provider's dialect), and relays the answer whole or as a server-sent event stream.
struct ProxyRoute: Sendable {
    let endpoint: Endpoint
    let path: AnswerPath
    let maxBodyBytes: Int

    /// The only request fields the front reads; the worker handles the rest.
    struct Envelope: Decodable {
        var model: String?
        var stream: Bool?
        var max_tokens: Int?
        var max_completion_tokens: Int?
    }

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        try await path.counted {
            let body = try await request.body.collect(upTo: maxBodyBytes)
            let envelope = try Self.decodeEnvelope(body)
            guard let model = envelope.model, !model.isEmpty else {
                throw GatewayError.invalidRequest("You must provide a model parameter.", code: .missingModel, param: "model")
            }
            let stream = endpoint == .embeddings ? false : envelope.stream ?? false
            return try await path.answer(
                model: model, endpoint: endpoint, stream: stream, body: body,
                maxTokens: envelope.max_completion_tokens ?? envelope.max_tokens, encoding: OpenAIClientEncoding())
        }
    }

    static func decodeEnvelope(_ body: ByteBuffer) throws(GatewayError) -> Envelope {
        do {
            return try JSONDecoder().decode(Envelope.self, from: Data(body.readableBytesView))
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidRequest("'\(field)' has the wrong type.", code: .invalidType, param: field)
        } catch {
            throw .invalidRequest(
                "The request body is not a valid JSON object. Send a JSON object with 'model' and 'messages'.",
                code: .invalidJSON
            )
        }
    }
}
