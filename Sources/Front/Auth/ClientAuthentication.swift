import HTTPTypes
import Hummingbird
import Logging
import Shared

/// Lets a client request (`/v1/…`, `/continue/…`) through only with a usable client key or the admin
/// key, sent the way its SDK sends it: `Authorization: Bearer …` (openai SDK, Continue) or `x-api-key`
/// (anthropic SDK). A refusal is a 401 in the client's dialect, logged with the client's address and
/// the key's id when known, never the key.
struct ClientAuthentication: Sendable {
    let keys: AccessCache
    let admin: SecretFile?
    let onRefusal: @Sendable () -> Void

    static func guards(_ path: String) -> Bool { path.hasPrefix("/v1/") || path.hasPrefix("/continue/") }

    func handle(
        _ request: Request, context: GatewayRequestContext, next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let presented = request.headers.clientKey
        let digest = presented.flatMap { $0.isEmpty ? nil : ClientKey.digest(of: $0) }
        if let admin, let digest, admin.matches(digest: digest) {
            return try await Caller.$current.withValue(.admin) { try await next(request, context) }
        }
        switch digest.map({ keys.authenticate(digest: $0) }) ?? .failure(.missing) {
        case .success(let caller):
            return try await Caller.$current.withValue(caller) { try await next(request, context) }
        case .failure(let refusal):
            onRefusal()
            let message: String
            var metadata: Logger.Metadata = ["path": "\(request.uri.path)", "client_address": "\(context.clientAddress)"]
            switch refusal {
            case .missing:
                message = "No API key given. Send a gateway client key as 'Authorization: Bearer orch_…' or 'x-api-key'."
                context.logger.info("request without a client key", metadata: metadata)
            case .unknown:
                message = "The API key is not a valid gateway client key."
                context.logger.info("unknown client key", metadata: metadata)
            case .unusable(let keyID, let reason):
                message = "The API key is \(reason)."
                metadata["key_id"] = "\(keyID)"
                metadata["reason"] = "\(reason)"
                context.logger.info("refused client key", metadata: metadata)
            }
            throw GatewayError(.invalidAPIKey, message: message)
        }
    }
}

extension HTTPFields {
    /// The key the client sent: `Authorization: Bearer …` (any case, spaces or tabs around it), else `x-api-key`.
    /// Compared by bytes: Foundation's whitespace trimming went through NSString, 40k instructions a request.
    var clientKey: String? {
        if let authorization = value(.authorization) {
            let text = Substring(authorization).trimmingSpacesAndTabs
            if let gap = text.utf8.firstIndex(where: { $0 == 0x20 || $0 == 0x09 }),
                text.utf8[..<gap].elementsEqual("bearer".utf8, by: { $0 | 0x20 == $1 })
            {
                return String(text[gap...].trimmingSpacesAndTabs)
            }
        }
        return value(Self.apiKeyField)
    }

    private static let apiKeyField = HTTPField.Name("x-api-key")!
}
