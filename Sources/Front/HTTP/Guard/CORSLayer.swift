import HTTPTypes
import Hummingbird

/// Hummingbird's CORS middleware set up for the gateway's clients, installed only when
/// `[server] cors_origins` names some (`BrowserGuard`, before it, has already refused other origins).
/// `Authorization` is listed by name: the `*` wildcard does not cover it.
enum CORSLayer {
    static func middleware(origins: [String]) -> CORSMiddleware<GatewayRequestContext> {
        CORSMiddleware(
            allowOrigin: origins.contains("*") ? .all : .originBased,
            allowHeaders: [.authorization, HTTPField.Name("*")!],
            allowMethods: [.get, .post, .patch, .delete, .options],
            exposedHeaders: ["*"],
            maxAge: .seconds(600))
    }
}
