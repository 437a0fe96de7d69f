import HTTPTypes
import Hummingbird
import NIOCore

/// Serves the dashboard at `/` and `/dashboard`: three small documents held in memory.
struct DashboardRoutes: Sendable {
    private let html = ByteBuffer(string: DashboardPage.html)
    private let css = ByteBuffer(string: DashboardStyle.css)
    private let js = ByteBuffer(string: DashboardScript.js)

    func register(on router: Router<GatewayRequestContext>) {
        let page = Self.response(html, type: "text/html; charset=utf-8")
        let style = Self.response(css, type: "text/css; charset=utf-8")
        let script = Self.response(js, type: "text/javascript; charset=utf-8")
        router.get("/") { _, _ in page }
        router.get("/dashboard") { _, _ in page }
        router.get("/dashboard/dashboard.css") { _, _ in style }
        router.get("/dashboard/dashboard.js") { _, _ in script }
    }

    /// Scripts and styles only from the gateway itself (no inline script), calls only to it, never framed,
    /// no type sniffing, no referrer leaking the gateway's address.
    static let protectiveHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
    ]

    private static func response(_ body: ByteBuffer, type: String) -> Response {
        var headers = protectiveHeaders
        headers[.contentType] = type
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }
}
