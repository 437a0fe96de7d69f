import HTTPTypes
import Hummingbird
import Logging
import Shared

/// Keeps the operator's surfaces (`/api/…`, `/admin/…`) for the admin key, and `/metrics` for its
/// bearer token (or the admin key) when one is configured. The dashboard's page itself holds no data
/// and stays open; it signs in with the admin key and sends it on every call.
struct AdminAuthentication: Sendable {
    let admin: SecretFile?
    let metricsToken: SecretFile?
    let onRefusal: @Sendable () -> Void

    static func guards(_ path: String) -> Bool { path == "/metrics" || path.hasPrefix("/api/") || path.hasPrefix("/admin/") }

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
        guard let admin else {
            refuse(request, context, reason: "no admin key configured")
            throw GatewayError(
                .adminRequired,
                message: "This gateway has no admin key: set `[auth] admin_key_file` (or systemd's LoadCredential=admin:…) to use \(path).")
        }
        if admin.matches(presented) {
            try AdminMethods.check(request)
            return try await Caller.$current.withValue(.admin) { try await next(request, context) }
        }
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
