import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Shared

extension GatewayError {
    /// The HTTP response a client gets for this error: OpenAI's JSON shape, the right status,
    /// and headers such as `retry-after`.
    var response: Response {
        var fields = HTTPFields(forwarding: headers)
        fields[.contentType] = "application/json"
        return Response(
            status: HTTPResponse.Status(code: status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(string: jsonBody))
        )
    }
}

extension HTTPFields {
    /// Headers carried over from a worker (rate-limit state, `retry-after`); names HTTP rejects are dropped.
    init(forwarding headers: [HTTPHeader]) {
        self.init()
        for header in headers {
            if let name = HTTPField.Name(header.name) { append(HTTPField(name: name, value: header.value)) }
        }
    }
}

/// Renders anything a route throws as an error body the client's SDK understands: OpenAI's
/// `{"error":{...}}` everywhere, Anthropic's `{"type":"error",...}` on the Anthropic routes; never
/// Hummingbird's plain-text errors or an empty body.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let gatewayError = gatewayError(for: error, request: request, context: context)
            return request.uri.path.hasPrefix("/v1/messages") ? AnthropicErrors.response(gatewayError) : gatewayError.response
        }
    }

    private func gatewayError(for error: any Error, request: Request, context: Context) -> GatewayError {
        switch error {
        case let error as GatewayError:
            return error
        case is NIOTooManyBytesError:
            return .bodyTooLarge(limit: maxBodyBytes)
        case let error as HTTPParserError:
            // Broken framing (a bad chunk size, a body cut short) is the client's mistake, not ours.
            context.logger.debug("malformed request: \(error)")
            return .invalidRequest("The request is malformed (\(error)).", code: .badRequest)
        case let error as HTTPError:
            let message = error.body ?? "\(error.status.reasonPhrase) (\(request.method) \(request.uri.path))"
            return GatewayError(.http(status: error.status.code), message: message)
        default:
            context.logger.error("unexpected error: \(error)")
            return GatewayError(.internalError, message: "Internal gateway error.")
        }
    }
}
