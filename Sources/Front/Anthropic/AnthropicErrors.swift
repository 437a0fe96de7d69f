import HTTPTypes
import Hummingbird
import NIOCore
import Shared

/// Errors as Anthropic clients expect them: `{"type":"error","error":{"type","message"}}`, with
/// Anthropic's error type for the status (the SDKs pick their exception class by status).
enum AnthropicErrors {
    static func type(for status: Int) -> String {
        switch status {
        case 400, 422: return "invalid_request_error"
        case 401: return "authentication_error"
        case 403: return "permission_error"
        case 404: return "not_found_error"
        case 413: return "request_too_large"
        case 429: return "rate_limit_error"
        case 503, 529: return "overloaded_error"
        default: return "api_error"
        }
    }

    static func response(_ error: GatewayError) -> Response {
        var fields = HTTPFields(forwarding: error.headers)
        fields[.contentType] = "application/json"
        let body =
            #"{"type":"error","error":{"type":"# + JSONText.quoted(type(for: error.status))
            + #","message":"# + JSONText.quoted(error.message) + "}}"
        return Response(
            status: HTTPResponse.Status(code: error.status), headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
