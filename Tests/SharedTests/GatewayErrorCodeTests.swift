import NIOCore
import Testing

@testable import Shared

@Suite("Gateway error codes")
struct GatewayErrorCodeTests {
    static let everyCode: [GatewayError.Code] = [
        .invalidJSON, .invalidValue, .missingModel, .badRequest, .modelNotFound, .notFound, .missingKey, .requestTooLarge,
        .providerUnavailable, .noRouteMember, .usageUnavailable, .rateLimited, .quotaExhausted, .upstreamRateLimited,
        .upstreamOverloaded, .upstreamServerError, .upstreamUnreachable, .upstreamInvalid, .malformedFunctionCall,
        .upstreamTimeout, .workerLost, .internalError, .http(status: 405),
        .upstream(status: 400, type: "invalid_request_error", code: "context_length_exceeded"),
        .upstream(status: 402, type: "invalid_request_error", code: nil),
    ]

    @Test(
        "status, OpenAI type and code follow from the code",
        arguments: [
            (GatewayError.Code.invalidJSON, 400, "invalid_request_error", "invalid_json"),
            (.modelNotFound, 404, "invalid_request_error", "model_not_found"),
            (.notFound, 404, "invalid_request_error", "not_found"),
            (.missingKey, 401, "authentication_error", "missing_api_key"),
            (.requestTooLarge, 413, "invalid_request_error", "request_too_large"),
            (.providerUnavailable, 503, "server_error", "provider_unavailable"),
            (.rateLimited, 429, "rate_limit_error", "rate_limit_exceeded"),
            (.quotaExhausted, 429, "rate_limit_error", "insufficient_quota"),
            (.upstreamOverloaded, 503, "overloaded_error", "upstream_overloaded"),
            (.upstreamServerError, 502, "upstream_error", "upstream_server_error"),
            (.upstreamTimeout, 504, "upstream_error", "upstream_timeout"),
            (.workerLost, 502, "upstream_error", "worker_lost"),
            (.internalError, 500, "server_error", "internal_error"),
        ])
    func derived(_ code: GatewayError.Code, status: Int, type: String, name: String) {
        #expect(code.status == status)
        #expect(code.type == type)
        #expect(code.name == name)
    }

    @Test("an upstream's own refusal keeps its status and words")
    func upstreamWords() {
        let code = GatewayError.Code.upstream(status: 422, type: "invalid_request_error", code: "extra_forbidden")
        #expect(code.status == 422 && code.type == "invalid_request_error" && code.name == "extra_forbidden")
        #expect(GatewayError.Code.http(status: 404) == .notFound)
        #expect(GatewayError.Code.http(status: 405).name == nil)
    }

    @Test("retry and fallback: transport, 5xx and upstream throttling yes; bad requests, quotas, timeouts and lost workers no")
    func retryability() {
        for code: GatewayError.Code in [
            .upstreamServerError, .upstreamUnreachable, .upstreamRateLimited, .upstreamOverloaded, .providerUnavailable,
        ] {
            #expect(code.isRetryable, "\(code)")
        }
        for code: GatewayError.Code in [
            .invalidJSON, .quotaExhausted, .upstreamTimeout, .workerLost, .rateLimited, .modelNotFound, .missingKey,
        ] {
            #expect(!code.isRetryable, "\(code)")
        }
        // The gateway's own limit is final for this provider, but another member of a route may serve.
        #expect(GatewayError.Code.rateLimited.allowsFallback)
        #expect(!GatewayError.Code.quotaExhausted.allowsFallback)
        #expect(GatewayError.Code.upstream(status: 503, type: "x", code: nil).isRetryable)
        #expect(!GatewayError.Code.upstream(status: 429, type: "x", code: "insufficient_quota").isRetryable)
        #expect(GatewayError.Code.upstream(status: 402, type: "x", code: nil).isQuotaExhausted)
        #expect(!GatewayError.Code.upstream(status: 400, type: "x", code: nil).isRetryable)
    }

    @Test("x-should-retry: false from the upstream overrides the code")
    func shouldRetryHeader() {
        var error = GatewayError(.upstreamRateLimited, message: "slow")
        #expect(error.isRetryable && error.allowsFallback)
        error.headers = [HTTPHeader(name: "X-Should-Retry", value: "false"), HTTPHeader(name: "Retry-After", value: "3")]
        #expect(!error.isRetryable && !error.allowsFallback)
        #expect(error.retryAfter == 3)
    }

    @Test("every code crosses the worker socket unchanged")
    func wireRoundTrip() throws {
        for code in Self.everyCode {
            let error = GatewayError(code, message: "m", param: "p", headers: [HTTPHeader(name: "retry-after", value: "1")])
            var buffer = ByteBuffer()
            WorkerFrame.failure(id: 9, error).encode(into: &buffer)
            _ = buffer.readInteger(as: UInt32.self)
            let decoded = try WorkerFrame.decode(&buffer)
            #expect(decoded == .failure(id: 9, error), "\(code)")
            guard case .failure(_, let back) = decoded else { continue }
            #expect(
                back.status == code.status && back.type == code.type && back.codeName == code.name && back.isRetryable == error.isRetryable)
        }
    }
}
