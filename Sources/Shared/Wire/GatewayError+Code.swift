extension GatewayError {
    /// What went wrong, in the gateway's own words. The HTTP status, OpenAI's `type` and `code`, and
    /// whether another try may succeed all follow from it, so no caller matches strings or headers.
    ///
    /// A struct over a private enum (SwiftNIO's style): new codes never break a caller's `switch`.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            /// The client's request is wrong; the string is OpenAI's `code` for the detail.
            case invalidRequest(String)
            case modelNotFound
            case notFound
            case missingKey
            /// The client's own gateway key is missing, unknown, revoked or expired.
            case invalidAPIKey
            /// The caller is known but may not do this; the string is the `code`.
            case permissionDenied(String)
            case requestTooLarge
            /// The request's body is not JSON (a browser's form or `text/plain` post, say).
            case unsupportedMediaType
            case providerUnavailable
            case noRouteMember
            case usageUnavailable
            /// The gateway's own limiter refused: its queue already decided how long a request may wait.
            case rateLimited
            /// A quota that will not come back within seconds (a daily window, spent credits).
            case quotaExhausted(status: Int)
            case upstreamRateLimited
            case upstreamOverloaded
            case upstreamServerError
            case upstreamUnreachable
            case upstreamInvalid
            case malformedFunctionCall
            case upstreamTimeout
            case workerLost
            /// An upstream's own error answer, passed on with its status and words.
            case upstream(status: Int, type: String, code: String?)
            /// Any other HTTP-level refusal (a method the route does not take, say).
            case http(status: Int)
            case internalError
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        public static func invalidRequest(_ detail: String) -> Code { Code(.invalidRequest(detail)) }
        public static let invalidJSON = invalidRequest("invalid_json")
        public static let invalidValue = invalidRequest("invalid_value")
        public static let invalidType = invalidRequest("invalid_type")
        public static let invalidRole = invalidRequest("invalid_role")
        public static let invalidMessages = invalidRequest("invalid_messages")
        public static let invalidImageURL = invalidRequest("invalid_image_url")
        public static let invalidToolArguments = invalidRequest("invalid_tool_arguments")
        public static let invalidToolCallID = invalidRequest("invalid_tool_call_id")
        public static let missingField = invalidRequest("missing_field")
        public static let missingMessages = invalidRequest("missing_messages")
        public static let missingModel = invalidRequest("missing_model")
        public static let unsupportedContent = invalidRequest("unsupported_content")
        public static let unsupportedEndpoint = invalidRequest("unsupported_endpoint")
        public static let unsupportedTool = invalidRequest("unsupported_tool")
        /// A request field the gateway cannot honour (refused by name rather than dropped).
        public static let unsupportedField = invalidRequest("unsupported_field")
        public static let unsupportedValue = invalidRequest("unsupported_value")
        public static let unsupportedImageURL = invalidRequest("unsupported_image_url")
        /// A request the gateway cannot read for a reason without a more precise code.
        public static let badRequest = invalidRequest("invalid_request")

        public static let modelNotFound = Code(.modelNotFound)
        public static let notFound = Code(.notFound)
        public static let missingKey = Code(.missingKey)
        public static let invalidAPIKey = Code(.invalidAPIKey)
        /// The caller's key or team may not use the model it named.
        public static let modelNotAllowed = Code(.permissionDenied("model_not_allowed"))
        /// A budget is in force and the model has no price (unknown is not free).
        public static let unpricedModel = Code(.permissionDenied("unpriced_model"))
        /// An admin surface asked for by a caller without the admin key.
        public static let adminRequired = Code(.permissionDenied("admin_required"))
        /// A `Host` the gateway does not serve (a DNS-rebinding page, or a name missing from `allowed_hosts`).
        public static let hostNotAllowed = Code(.permissionDenied("host_not_allowed"))
        /// A browser origin not in `[server] cors_origins`.
        public static let originNotAllowed = Code(.permissionDenied("origin_not_allowed"))
        public static let requestTooLarge = Code(.requestTooLarge)
        public static let unsupportedMediaType = Code(.unsupportedMediaType)
        public static let providerUnavailable = Code(.providerUnavailable)
        public static let noRouteMember = Code(.noRouteMember)
        public static let usageUnavailable = Code(.usageUnavailable)
        public static let rateLimited = Code(.rateLimited)
        public static let quotaExhausted = Code(.quotaExhausted(status: 429))
        public static let upstreamRateLimited = Code(.upstreamRateLimited)
        public static let upstreamOverloaded = Code(.upstreamOverloaded)
        public static let upstreamServerError = Code(.upstreamServerError)
        public static let upstreamUnreachable = Code(.upstreamUnreachable)
        public static let upstreamInvalid = Code(.upstreamInvalid)
        public static let malformedFunctionCall = Code(.malformedFunctionCall)
        public static let upstreamTimeout = Code(.upstreamTimeout)
        public static let workerLost = Code(.workerLost)
        public static let internalError = Code(.internalError)

        /// An upstream's own refusal, kept as it said it (`status` is what the client gets).
        public static func upstream(status: Int, type: String, code: String?) -> Code {
            Code(.upstream(status: status, type: type, code: code))
        }

        public static func http(status: Int) -> Code {
            status == 404 ? .notFound : Code(.http(status: status))
        }

        /// The HTTP status the client gets.
        public var status: Int {
            switch base {
            case .invalidRequest: return 400
            case .modelNotFound, .notFound: return 404
            case .missingKey, .invalidAPIKey: return 401
            case .permissionDenied: return 403
            case .requestTooLarge: return 413
            case .unsupportedMediaType: return 415
            case .providerUnavailable, .noRouteMember, .usageUnavailable, .upstreamOverloaded: return 503
            case .rateLimited, .upstreamRateLimited: return 429
            case .quotaExhausted(let status), .upstream(let status, _, _), .http(let status): return status
            case .upstreamServerError, .upstreamUnreachable, .upstreamInvalid, .malformedFunctionCall, .workerLost: return 502
            case .upstreamTimeout: return 504
            case .internalError: return 500
            }
        }

        /// OpenAI's `error.type`.
        public var type: String {
            switch base {
            case .invalidRequest, .modelNotFound, .notFound, .requestTooLarge, .unsupportedMediaType, .invalidAPIKey:
                return "invalid_request_error"
            case .missingKey: return "authentication_error"
            case .permissionDenied: return "permission_error"
            case .rateLimited, .quotaExhausted, .upstreamRateLimited: return "rate_limit_error"
            case .providerUnavailable, .noRouteMember, .usageUnavailable, .internalError: return "server_error"
            case .upstreamOverloaded: return "overloaded_error"
            case .upstreamServerError, .upstreamUnreachable, .upstreamInvalid, .malformedFunctionCall, .upstreamTimeout, .workerLost:
                return "upstream_error"
            case .upstream(_, let type, _): return type
            case .http(let status): return status >= 500 ? "server_error" : "invalid_request_error"
            }
        }

        /// OpenAI's `error.code`.
        public var name: String? {
            switch base {
            case .invalidRequest(let detail): return detail
            case .modelNotFound: return "model_not_found"
            case .notFound: return "not_found"
            case .missingKey: return "missing_api_key"
            case .invalidAPIKey: return "invalid_api_key"
            case .permissionDenied(let detail): return detail
            case .requestTooLarge: return "request_too_large"
            case .unsupportedMediaType: return "unsupported_media_type"
            case .providerUnavailable: return "provider_unavailable"
            case .noRouteMember: return "no_route_member"
            case .usageUnavailable: return "usage_unavailable"
            case .rateLimited, .upstreamRateLimited: return "rate_limit_exceeded"
            case .quotaExhausted: return "insufficient_quota"
            case .upstreamOverloaded: return "upstream_overloaded"
            case .upstreamServerError: return "upstream_server_error"
            case .upstreamUnreachable: return "upstream_unreachable"
            case .upstreamInvalid: return "upstream_invalid_response"
            case .malformedFunctionCall: return "malformed_function_call"
            case .upstreamTimeout: return "upstream_timeout"
            case .workerLost: return "worker_lost"
            case .upstream(_, _, let code): return code
            case .http: return nil
            case .internalError: return "internal_error"
            }
        }

        /// Whether the front may try again (the same provider or the next member of a route).
        ///
        /// Transport failures, 5xx and upstream throttling may pass; a bad request or a spent quota
        /// will not. The gateway's own limit is final (its queue already waited), and so are two 5xx:
        /// the gateway's upstream timeout (a second wait as long would double the client's) and a
        /// worker that died with the request (it may have died of it: a poison request would crash
        /// the next worker too).
        public var isRetryable: Bool {
            switch base {
            case .providerUnavailable, .upstreamRateLimited, .upstreamOverloaded, .upstreamServerError, .upstreamUnreachable,
                .upstreamInvalid, .malformedFunctionCall:
                return true
            case .upstream(let status, _, _): return [429, 500, 502, 503, 504].contains(status) && !isQuotaExhausted
            case .invalidRequest, .modelNotFound, .notFound, .missingKey, .invalidAPIKey, .permissionDenied, .requestTooLarge,
                .unsupportedMediaType, .noRouteMember,
                .usageUnavailable,
                .rateLimited, .quotaExhausted, .upstreamTimeout, .workerLost, .http, .internalError:
                return false
            }
        }

        /// Whether another provider (the next member of a route) may serve the request instead: what
        /// may be retried, and the gateway's own limit for this provider.
        public var allowsFallback: Bool { isRetryable || base == .rateLimited }

        /// A spent quota: waiting seconds will not help, so SDKs are told not to retry.
        public var isQuotaExhausted: Bool {
            switch base {
            case .quotaExhausted: return true
            case .upstream(let status, _, let code): return status == 402 || code == "insufficient_quota"
            default: return false
            }
        }

        public var description: String { name ?? "http_\(status)" }
    }
}

extension GatewayError.Code {
    /// The frame protocol's form: a tag, plus what the tag's case carries.
    struct Wire {
        var tag: UInt8
        var status: Int
        var type: String
        var name: String?
    }

    private static let tagged: [(UInt8, GatewayError.Code)] = [
        (2, .modelNotFound), (3, .notFound), (4, .missingKey), (5, .requestTooLarge), (6, .providerUnavailable),
        (7, .noRouteMember), (8, .usageUnavailable), (9, .rateLimited), (11, .upstreamRateLimited), (12, .upstreamOverloaded),
        (13, .upstreamServerError), (14, .upstreamUnreachable), (15, .upstreamInvalid), (16, .malformedFunctionCall),
        (17, .upstreamTimeout), (18, .workerLost), (21, .internalError), (22, .invalidAPIKey), (24, .unsupportedMediaType),
    ]

    var wire: Wire {
        var tag: UInt8
        switch base {
        case .invalidRequest: tag = 1
        case .permissionDenied: tag = 23
        case .quotaExhausted: tag = 10
        case .upstream: tag = 19
        case .http: tag = 20
        default: tag = Self.tagged.first { $0.1 == self }?.0 ?? 21
        }
        return Wire(tag: tag, status: status, type: type, name: name)
    }

    init?(wire: Wire) {
        switch wire.tag {
        case 1: self = .invalidRequest(wire.name ?? "invalid_request")
        case 10: self.init(.quotaExhausted(status: wire.status))
        case 23: self.init(.permissionDenied(wire.name ?? "permission_denied"))
        case 19: self = .upstream(status: wire.status, type: wire.type, code: wire.name)
        case 20: self.init(.http(status: wire.status))
        default:
            guard let code = Self.tagged.first(where: { $0.0 == wire.tag })?.1 else { return nil }
            self = code
        }
    }
}
