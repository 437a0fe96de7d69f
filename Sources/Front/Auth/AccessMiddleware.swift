import Hummingbird

/// Every access rule in one router layer, chosen by path, so a request pays for one middleware: client
/// keys for `/v1` and `/continue`, the admin key for `/api` and `/admin`, the metrics token for
/// `/metrics`; `/health` and the dashboard's page pass.
struct AccessMiddleware: RouterMiddleware {
    let clients: ClientAuthentication
    let operators: AdminAuthentication

    func handle(
        _ request: Request, context: GatewayRequestContext, next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let path = request.uri.path
        if ClientAuthentication.guards(path) { return try await clients.handle(request, context: context, next: next) }
        if AdminAuthentication.guards(path) { return try await operators.handle(request, context: context, next: next) }
        return try await next(request, context)
    }
}
