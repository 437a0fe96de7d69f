import HTTPTypes
import Hummingbird
import Shared

/// Answers a method the admin API does not take on one of its paths with 405 and `Allow`, as HTTP
/// asks, instead of the router's 404 (which would say the resource does not exist).
enum AdminMethods {
    /// Path templates (`*` is one segment) and the methods each takes.
    static let paths: [(template: [String], methods: [HTTPRequest.Method])] = [
        (["admin", "v1", "openapi.json"], [.get]),
        (["admin", "v1", "keys"], [.get, .post]),
        (["admin", "v1", "keys", "*"], [.get, .patch]),
        (["admin", "v1", "keys", "*", "revoke"], [.post]),
        (["admin", "v1", "teams"], [.get, .post]),
        (["admin", "v1", "teams", "*"], [.get, .patch, .delete]),
        (["admin", "v1", "usage"], [.get]),
    ]

    static func allowed(_ path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        return paths.first { entry in
            entry.template.count == segments.count && zip(entry.template, segments).allSatisfy { $0 == "*" || $0 == $1 }
        }?.methods
    }

    /// Throws the 405 for a method the path does not take.
    static func check(_ request: Request) throws(GatewayError) {
        guard request.uri.path.hasPrefix("/admin/v1/"), let methods = allowed(request.uri.path), !methods.contains(request.method)
        else { return }
        let allow = methods.map(\.rawValue).joined(separator: ", ")
        throw GatewayError(
            .http(status: 405), message: "\(request.method.rawValue) is not allowed on \(request.uri.path); use \(allow).",
            headers: [HTTPHeader(name: "allow", value: allow)])
    }
}
