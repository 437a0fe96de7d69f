import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// `POST /v1/responses` (OpenAI's Responses API, whole and streamed) in front of every provider: the
/// request becomes a chat request (with the stored conversation of `previous_response_id` before it),
/// the answer a `response` object or the Responses events. `GET` and `DELETE /v1/responses/{id}` read
/// and remove a stored response, only for the key that created it.
struct ResponsesRoute: Sendable {
    let path: AnswerPath
    let archive: ResponseArchive
    let maxBodyBytes: Int

    func create(_ request: Request, context: some RequestContext) async throws -> Response {
        try await path.counted {
            let body = try await request.body.collect(upTo: maxBodyBytes)
            let bytes = Array(body.readableBytesView)
            _ = try RequestFields.checked(bytes, allowed: ResponsesRequest.fields)
            let responses = try GatewayError.decodeRequest(ResponsesRequest.self, from: bytes)
            guard let model = responses.model, !model.isEmpty else {
                throw GatewayError.invalidRequest("You must provide a model parameter.", code: .missingModel, param: "model")
            }
            let owner = Caller.current.client
            let now = Date().timeIntervalSince1970
            var earlier: [JSONValue] = []
            if let previous = responses.previous_response_id {
                guard let stored = try await load(previous, owner: owner, now: now, context: context) else {
                    throw GatewayError(
                        .notFound, message: "Previous response with id '\(previous)' not found.", param: "previous_response_id")
                }
                earlier = (try? JSONValue.decode(Array(stored.conversation.utf8)))?.arrayValue ?? []
            }
            let translation = try ResponsesIngress.translate(responses, model: model, earlier: earlier)
            let settings = ResponseSettings(createdAt: Int(now), model: model, request: responses)
            let keeper =
                responses.stores
                ? ResponseKeeper(archive: archive, id: settings.id, owner: owner, createdAt: now, conversation: translation.conversation)
                : nil
            let (response, streamed) = try await path.answer(
                model: model, endpoint: .chatCompletions, surface: "responses", stream: responses.stream ?? false,
                body: ByteBuffer(bytes: translation.chatBody),
                maxTokens: responses.max_output_tokens, encoding: ResponsesClientEncoding(settings: settings, keeper: keeper))
            if !streamed { await keeper?.save() }
            return (response, streamed)
        }
    }

    func read(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        guard let stored = try await load(id, owner: Caller.current.client, now: Date().timeIntervalSince1970, context: context) else {
            throw Self.notFound(id)
        }
        return Self.json(stored.response)
    }

    func delete(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let deleted: Bool
        do {
            deleted = try await archive.store.delete(id: id, owner: Caller.current.client)
        } catch {
            throw Self.unavailable(error, context: context)
        }
        guard deleted else { throw Self.notFound(id) }
        return Self.json(
            String(decoding: JSONValue.object(["id": .string(id), "object": "response", "deleted": .bool(true)]).encoded(), as: UTF8.self))
    }

    /// A stored response of `owner`; a database that does not answer is a 503, not a 500.
    private func load(_ id: String, owner: String, now: Double, context: some RequestContext) async throws(GatewayError) -> StoredResponse?
    {
        do {
            return try await archive.store.load(id: id, owner: owner, now: now)
        } catch {
            throw Self.unavailable(error, context: context)
        }
    }

    private static func notFound(_ id: String) -> GatewayError {
        GatewayError(.notFound, message: "Response with id '\(id)' not found.", param: "response_id")
    }

    private static func unavailable(_ error: any Error, context: some RequestContext) -> GatewayError {
        context.logger.warning("stored responses unreachable: \(String(reflecting: error))")
        return GatewayError(.http(status: 503), message: "Stored responses cannot be reached now; try again.")
    }

    private static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
