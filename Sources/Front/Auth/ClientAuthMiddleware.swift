import HTTPTypes
import Hummingbird
import Logging
import Shared

/// Lets a client request (`/v1/…`, `/continue/…`) through only with a usable client key or the admin
/// key, sent the way its SDK sends it: `Authorization: Bearer …` (openai SDK, Continue) or `x-api-key`
/// (anthropic SDK). A refusal is a 401 in the client's dialect, logged with the client's address and
/// the key's id when known, never the key.
struct ClientAuthMiddleware: RouterMiddleware {
    let keys: AccessCache
    let admin: SecretFile?
    let onRefusal: @Sendable () -> Void

    static func guards(_ path: String) -> Bool { path.hasPrefix("/v1/") || path.hasPrefix("/continue/") }

    func handle(
        _ request: Request, context: GatewayRequestContext, next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        guard Self.guards(request.uri.path) else { return try await next(request, context) }
        let presented = request.headers.clientKey
        if let admin, admin.matches(presented) {
            return try await Caller.$current.withValue(.admin) { try await next(request, context) }
        }
        switch keys.authenticate(presented) {
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

/// Keeps the operator's surfaces (`/api/…`, `/admin/…`) for the admin key, and `/metrics` for its
/// bearer token (or the admin key) when one is configured. The dashboard's page itself holds no data
/// and stays open; it signs in with the admin key and sends it on every call.
struct AdminAuthMiddleware: RouterMiddleware {
    let admin: SecretFile?
    let metricsToken: SecretFile?
    let onRefusal: @Sendable () -> Void

    func handle(
        _ request: Request, context: GatewayRequestContext, next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        let presented = request.headers.clientKey
        if path == "/metrics" {
            guard let metricsToken, !metricsToken.matches(presented), !(admin?.matches(presented) ?? false) else {
                return try await next(request, context)
            }
            refuse(request, context, reason: "metrics token")
            throw GatewayError(.invalidAPIKey, message: "/metrics needs its bearer token ('Authorization: Bearer …').")
        }
        guard path.hasPrefix("/api/") || path.hasPrefix("/admin/") else { return try await next(request, context) }
        guard let admin else {
            refuse(request, context, reason: "no admin key configured")
            throw GatewayError(
                .adminRequired,
                message: "This gateway has no admin key: set `[auth] admin_key_file` (or systemd's LoadCredential=admin:…) to use \(path).")
        }
        if admin.matches(presented) { return try await Caller.$current.withValue(.admin) { try await next(request, context) } }
        refuse(request, context, reason: presented == nil ? "no key" : "not the admin key")
        if presented == nil { throw GatewayError(.invalidAPIKey, message: "\(path) needs the admin key ('Authorization: Bearer …').") }
        throw GatewayError(.adminRequired, message: "\(path) needs the admin key; client keys cannot use it.")
    }

    private func refuse(_ request: Request, _ context: GatewayRequestContext, reason: String) {
        onRefusal()
        context.logger.info(
            "refused admin request",
            metadata: ["path": "\(request.uri.path)", "client_address": "\(context.clientAddress)", "reason": "\(reason)"])
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
