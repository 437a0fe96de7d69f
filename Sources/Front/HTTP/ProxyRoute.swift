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
    struct Envelope: Decodable, Equatable {
        var model: String?
        var stream: Bool?
        var max_tokens: Int?
        var max_completion_tokens: Int?

        /// The fields read straight from the bytes when the body is a plain, well-formed object; `nil`
        /// for anything unusual (a wrong type, an escape, a fraction, a repeated key), which
        /// `JSONDecoder` then reads or refuses with its precise error.
        static func read(_ bytes: UnsafeRawBufferPointer) -> Envelope? {
            guard let object = StrictJSONObject(bytes) else { return nil }
            var envelope = Envelope()
            switch object.member("model", in: bytes) {
            case .unsure: return nil
            case .absent: break
            case .found(let member):
                switch member.kind {
                case .null: break
                case .string where !member.valueEscaped: envelope.model = String(decoding: bytes[member.value], as: UTF8.self)
                default: return nil
                }
            }
            switch object.member("stream", in: bytes) {
            case .unsure: return nil
            case .absent: break
            case .found(let member):
                switch member.kind {
                case .null: break
                case .bool: envelope.stream = bytes[member.value.lowerBound] == UInt8(ascii: "t")
                default: return nil
                }
            }
            guard let maxTokens = integer("max_tokens", in: object, bytes),
                let maxCompletionTokens = integer("max_completion_tokens", in: object, bytes)
            else { return nil }
            envelope.max_tokens = maxTokens
            envelope.max_completion_tokens = maxCompletionTokens
            return envelope
        }

        /// `.some(nil)` when absent or null, `nil` when not a plain integer of up to 18 digits.
        private static func integer(_ key: StaticString, in object: StrictJSONObject, _ bytes: UnsafeRawBufferPointer) -> Int?? {
            switch object.member(key, in: bytes) {
            case .unsure: return nil
            case .absent: return .some(nil)
            case .found(let member):
                if member.kind == .null { return .some(nil) }
                guard member.kind == .number else { return nil }
                var digits = bytes[member.value][...]
                let negative = digits.first == UInt8(ascii: "-")
                if negative { digits = digits.dropFirst() }
                guard !digits.isEmpty, digits.count <= 18 else { return nil }
                var value = 0
                for digit in digits {
                    guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
                    value = value * 10 + Int(digit - UInt8(ascii: "0"))
                }
                return .some(negative ? -value : value)
            }
        }
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
        if let envelope = body.withUnsafeReadableBytes({ Envelope.read($0) }) { return envelope }
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
