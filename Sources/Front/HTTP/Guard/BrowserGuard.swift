import HTTPTypes
import Hummingbird
import Shared

/// The router's first layer: refuses what a web page could make a browser send before anything else
/// runs. A `Host` the gateway does not serve (DNS rebinding) is a 403; a body that is not JSON is a 415
/// (a cross-site form or `text/plain` post needs no CORS permission, a JSON one does); with CORS on
/// (`[server] cors_origins`), a browser origin neither listed nor the gateway's own is a 403, so the
/// CORS layer after it only ever answers origins the operator chose.
struct BrowserGuard: RouterMiddleware {
    typealias Context = GatewayRequestContext

    let hosts: HostRule
    /// The allowed origins when CORS is on; `nil` when it is off.
    let corsOrigins: Set<String>?

    init(door: FrontDoorConfig, listenHost: String) {
        hosts = HostRule(listenHost: listenHost, allowedHosts: door.allowedHosts)
        corsOrigins = door.corsOrigins.isEmpty ? nil : Set(door.corsOrigins.map { $0.lowercased() })
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let authority = request.head.authority
        guard hosts.admits(authority: authority) else {
            context.logger.debug("refused a request for host \(authority ?? "") from \(context.clientAddress)")
            return Self.refusal(
                GatewayError(
                    .hostNotAllowed,
                    message: "This gateway does not serve the host '\(authority ?? "")'. [server] allowed_hosts lists the names it serves."),
                path: request.uri.path)
        }
        if let corsOrigins, let origin = request.headers.value(.origin), !Self.admits(origin: origin, authority: authority, corsOrigins) {
            return Self.refusal(
                GatewayError(.originNotAllowed, message: "The origin '\(origin)' may not call this gateway ([server] cors_origins)."),
                path: request.uri.path)
        }
        switch request.method {
        case .post, .put, .patch:
            let path = request.uri.path
            if path.hasPrefix("/v1/") || RequestMediaType.hasBody(request.headers),
                !RequestMediaType.isJSON(request.headers.value(.contentType))
            {
                return Self.refusal(
                    GatewayError(
                        .unsupportedMediaType,
                        message:
                            "The request body must be JSON: send 'Content-Type: application/json' (found '\(request.headers[.contentType] ?? "none")')."
                    ), path: path)
            }
        default:
            break
        }
        return try await next(request, context)
    }

    /// A listed origin, any origin with `*`, or the gateway's own (the dashboard's requests).
    static func admits(origin: String, authority: String?, _ allowed: Set<String>) -> Bool {
        let lowered = origin.lowercased()
        if allowed.contains("*") || allowed.contains(lowered) { return true }
        guard let authority else { return false }
        let own = authority.lowercased()
        return lowered == "http://\(own)" || lowered == "https://\(own)"
    }

    static func refusal(_ error: GatewayError, path: String) -> Response {
        path.hasPrefix("/v1/messages") ? AnthropicErrors.response(error) : error.response
    }
}
