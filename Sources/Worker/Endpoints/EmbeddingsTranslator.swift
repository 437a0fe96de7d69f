import FoundationEssentials
import Shared

/// An OpenAI-compatible embeddings answer, passed on as it is, or with its float vectors turned into
/// base64 when the client asked for that.
struct EmbeddingsTranslator: ResponseTranslator {
    let provider: String
    let base64: Bool

    mutating func translate(event: SSEParser.Event) throws(GatewayError) -> [[UInt8]] {
        throw .upstreamInvalid(provider, detail: "embeddings do not stream")
    }

    mutating func finishStream() throws(GatewayError) -> [[UInt8]] { [] }

    mutating func translate(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        guard base64 else {
            try JSONObjectProbe.check(body, provider: provider)
            return body
        }
        guard case .object(var answer) = try? JSONValue.decode(body), case .array(let data) = answer["data"] else {
            throw .upstreamInvalid(provider, detail: "it is not an embeddings list")
        }
        answer["data"] = .array(
            data.map { item in
                guard case .object(var item) = item, case .array(let values) = item["embedding"] else { return item }
                let floats = values.compactMap { value -> Double? in
                    switch value {
                    case .double(let number): return number
                    case .int(let number): return Double(number)
                    default: return nil
                    }
                }
                if case .base64(let text) = EmbeddingVector(floats, base64: true) { item["embedding"] = .string(text) }
                return .object(item)
            })
        return JSONValue.object(answer).encoded()
    }
}
