import HTTPTypes
import Hummingbird
import Logging
import Shared

/// Lets a `/v1` request through only with a usable client key, sent the way its SDK sends it:
/// `Authorization: Bearer …` (openai SDK, Continue) or `x-api-key` (anthropic SDK). A refusal is a 401
/// in the client's dialect; the log names the key's id when known, never the key.
struct ClientAuthMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: ClientKeyCache
    let onRefusal: @Sendable () -> Void

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        switch keys.authenticate(request.headers.clientKey) {
        case .success(let record):
            return try await CallerIdentity.$keyID.withValue(record.id) { try await next(request, context) }
        case .failure(let refusal):
            onRefusal()
            let message: String
            switch refusal {
            case .missing:
                message = "No API key given. Send a gateway client key as 'Authorization: Bearer orch_…' or 'x-api-key'."
                context.logger.info("request without a client key", metadata: ["path": "\(request.uri.path)"])
            case .unknown:
                message = "The API key is not a valid gateway client key."
                context.logger.info("unknown client key", metadata: ["path": "\(request.uri.path)"])
            case .unusable(let keyID, let reason):
                message = "The API key is \(reason)."
                context.logger.info("refused client key", metadata: ["key_id": "\(keyID)", "reason": "\(reason)"])
            }
            throw GatewayError(.invalidAPIKey, message: message)
        }
    }
}

extension HTTPFields {
    /// The client key as its SDK sends it: a bearer token, or `x-api-key`.
    var clientKey: String? {
        if let authorization = self[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return self[HTTPField.Name("x-api-key")!]
    }
}
