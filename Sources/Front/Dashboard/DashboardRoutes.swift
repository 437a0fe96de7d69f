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

    private static func response(_ body: ByteBuffer, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: ResponseBody(byteBuffer: body))
    }
}
