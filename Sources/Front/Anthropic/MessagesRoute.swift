import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// `POST /v1/messages` (Anthropic Messages ingress, whole and streamed) and
/// `POST /v1/messages/count_tokens`: an Anthropic-format client reaches any provider by the same
/// `provider/model` prefix. The request becomes an OpenAI chat request for the provider's worker;
/// the answer is written back in Anthropic's shape.
struct MessagesRoute: Sendable {
    let path: AnswerPath
    let maxBodyBytes: Int

    func handle(_ request: Request, context: some RequestContext) async throws -> Response {
        try await path.counted {
            let anthropic = try await Self.decode(request, maxBodyBytes: maxBodyBytes)
            let chat = try AnthropicIngress.chatBody(anthropic)
            return try await path.answer(
                model: anthropic.model, endpoint: .chatCompletions, surface: "messages", stream: anthropic.stream ?? false,
                body: ByteBuffer(bytes: chat),
                maxTokens: anthropic.max_tokens, encoding: AnthropicClientEncoding(model: anthropic.model)
            )
        }
    }

    /// An estimate (about four characters a token), since no provider behind the gateway counts
    /// Anthropic-format tokens for us; the answer says so in a header.
    func countTokens(_ request: Request, context: some RequestContext) async throws -> Response {
        let anthropic = try await Self.decode(request, maxBodyBytes: maxBodyBytes, requireMaxTokens: false)
        var characters = anthropic.system?.text.count ?? 0
        for message in anthropic.messages {
            for block in message.content {
                characters += (block.text ?? "").count + (block.thinking ?? "").count + (block.content?.text ?? "").count
                if let input = block.input { characters += input.encoded().count }
                if block.type == "image" { characters += 1600 * 4 }
            }
        }
        for tool in anthropic.tools ?? [] {
            characters += tool.name.count + (tool.description ?? "").count + (tool.input_schema?.encoded().count ?? 0)
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        headers[HTTPField.Name("x-orchestra-token-count")!] = "estimate"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: #"{"input_tokens":\#(max(1, (characters + 3) / 4))}"#)))
    }

    private static func decode(_ request: Request, maxBodyBytes: Int, requireMaxTokens: Bool = true) async throws -> AnthropicRequest {
        let body = try await request.body.collect(upTo: maxBodyBytes)
        var bytes = Array(body.readableBytesView)
        if var object = try RequestFields.checked(bytes, allowed: AnthropicRequest.fields) {
            if !requireMaxTokens, object["max_tokens"] == nil {
                // count_tokens takes the same body without max_tokens.
                object["max_tokens"] = .int(1)
                bytes = JSONValue.object(object).encoded()
            }
        }
        return try GatewayError.decodeRequest(AnthropicRequest.self, from: bytes)
    }
}
