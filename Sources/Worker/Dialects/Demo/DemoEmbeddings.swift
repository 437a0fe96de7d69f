import FoundationEssentials
import Shared

/// `demo/embed`: small deterministic vectors (the same text always gets the same vector), so an
/// embeddings client can be tried without a provider.
enum DemoEmbeddings {
    static let dimensions = 16

    static func answer(body: [UInt8]) throws(GatewayError) -> [UInt8] {
        let request = try EmbeddingsRequest.decode(body)
        let base64 = request.encoding_format == "base64"
        let data = request.input.texts.enumerated().map { index, text in
            EmbeddingList.Item(index: index, embedding: EmbeddingVector(vector(for: text), base64: base64))
        }
        let tokens = request.input.texts.reduce(0) { $0 + max(1, $1.split(separator: " ").count) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(EmbeddingList(data: data, model: "demo/embed", promptTokens: tokens))) ?? Data())
    }

    /// A unit vector derived from the text's FNV-1a hash through a linear congruential sequence.
    static func vector(for text: String) -> [Double] {
        var state: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            state ^= UInt64(byte)
            state = state &* 0x0000_0100_0000_01b3
        }
        var values: [Double] = []
        for _ in 0..<dimensions {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.append(Double(state >> 11) / Double(1 << 53) * 2 - 1)
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return values.map { $0 / norm }
    }
}
