import NIOCore

/// One message between the front and a provider's worker over their Unix-domain socket.
///
/// Many requests share one connection: every request-scoped frame carries the request id the front
/// chose, so chunks of concurrent streams interleave freely. On the wire a frame is
/// `u32 length | u8 kind | u32 id | payload`, where the length counts everything after itself.
public enum WorkerFrame: Sendable, Equatable {
    /// Front → worker, first frame on a new connection: which provider this worker serves.
    case configure(ProviderConfig)
    /// Worker → front: the worker is configured and can take requests.
    case ready(WorkerStatus)
    /// Front → worker: run one upstream call.
    case request(id: UInt32, UpstreamCall)
    /// Front → worker: the client went away; abort the upstream transfer.
    case cancel(id: UInt32)
    /// Liveness probe and its answer, matched by `nonce`.
    case ping(nonce: UInt32)
    case pong(nonce: UInt32)
    /// Worker → front: the upstream answered; chunks follow.
    case head(id: UInt32, ResponseHead)
    /// Worker → front: a body piece; for streams, one or more complete SSE events (`data: …\n\n`),
    /// ready to be written to the client as they are.
    case chunk(id: UInt32, ByteBuffer)
    /// Worker → front: the answer is complete.
    case end(id: UInt32)
    /// Worker → front: the request failed; ends the request whether or not a head was sent.
    case failure(id: UInt32, GatewayError)
    /// Worker → front: the provider's rate-limit state changed (routes skip a limited provider).
    case rateStatus(RateStatus)
    /// Worker → front, just before `end`: the tokens the answer used.
    case usage(id: UInt32, UsageReport)
}

/// The tokens one answer used, from the upstream's own numbers, or estimated when it gave none.
public struct UsageReport: Sendable, Equatable, Codable {
    public var promptTokens: Int
    public var completionTokens: Int
    /// Part of `completionTokens`.
    public var reasoningTokens: Int
    /// Part of `promptTokens`.
    public var cachedTokens: Int
    /// `true` when the upstream reported no usage and these are the gateway's estimate.
    public var estimated: Bool

    public init(promptTokens: Int, completionTokens: Int, reasoningTokens: Int = 0, cachedTokens: Int = 0, estimated: Bool = false) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.reasoningTokens = reasoningTokens
        self.cachedTokens = cachedTokens
        self.estimated = estimated
    }

    public init(_ usage: Usage) {
        self.init(
            promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens,
            reasoningTokens: usage.completion_tokens_details?.reasoning_tokens ?? 0,
            cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0
        )
    }
}

/// What a worker's rate limiter reports to the front: enough to skip a provider that cannot take a
/// request now, and to show budget on `/health` and the dashboard.
public struct RateStatus: Sendable, Equatable, Codable {
    /// Requests waiting for budget.
    public var queued: Int
    /// Requests being served upstream.
    public var inFlight: Int
    public var keys: Int
    /// Keys resting after a 429 or an exhausted quota (for the model with the most).
    public var restingKeys: Int
    /// Seconds until a new request could be admitted, when it could not be now.
    public var limitedFor: Double?
    /// Left in the tightest request window, when windows are configured.
    public var requestsLeft: Int?
    /// Models whose every key rests (after upstream 429s), with the seconds until one wakes.
    public var restingModels: [String: Double]

    public init(
        queued: Int = 0, inFlight: Int = 0, keys: Int = 0, restingKeys: Int = 0, limitedFor: Double? = nil, requestsLeft: Int? = nil,
        restingModels: [String: Double] = [:]
    ) {
        self.queued = queued
        self.inFlight = inFlight
        self.keys = keys
        self.restingKeys = restingKeys
        self.limitedFor = limitedFor
        self.requestsLeft = requestsLeft
        self.restingModels = restingModels
    }
}

/// What a worker reports once configured.
public struct WorkerStatus: Sendable, Equatable, Codable {
    public var pid: Int32
    /// Whether the worker found its provider key. The front never sees the key, only this bit.
    public var keyPresent: Bool
    /// Why the key is missing or unreadable, phrased for the user.
    public var keyProblem: String?
    /// Names the provider's keys without revealing them (a truncated SHA-256 of them all): instances of
    /// a fleet using the same keys share the provider's rate windows, keyed by it.
    public var keyFingerprint: String?

    public init(pid: Int32, keyPresent: Bool, keyProblem: String? = nil, keyFingerprint: String? = nil) {
        self.pid = pid
        self.keyPresent = keyPresent
        self.keyProblem = keyProblem
        self.keyFingerprint = keyFingerprint
    }
}

/// The OpenAI endpoint a request came in on; the worker serves each in its provider's dialect.
public enum Endpoint: UInt8, Sendable, Equatable, CaseIterable {
    /// `POST /v1/chat/completions`.
    case chatCompletions = 1
    /// `POST /v1/completions`, the legacy text endpoint editors use for autocomplete.
    case completions = 2
    /// `POST /v1/fim/completions`, Mistral's fill-in-the-middle shape.
    case fimCompletions = 3
    /// `POST /v1/embeddings`.
    case embeddings = 4
}

/// One request as the worker needs it: the client's body plus what the front already decided.
public struct UpstreamCall: Sendable, Equatable {
    public var endpoint: Endpoint
    /// The model id with the provider prefix removed.
    public var model: String
    public var stream: Bool
    /// The client's JSON body, untouched: the worker rewrites it for its upstream.
    public var body: ByteBuffer
    /// When set, the answer's `model` field is replaced by this (the member that served a route).
    public var responseModel: String?

    public init(endpoint: Endpoint, model: String, stream: Bool, body: ByteBuffer, responseModel: String? = nil) {
        self.endpoint = endpoint
        self.model = model
        self.stream = stream
        self.body = body
        self.responseModel = responseModel
    }
}

/// The start of a successful answer.
public struct ResponseHead: Sendable, Equatable {
    public var status: Int
    /// `true` when chunks are SSE-framed events, `false` when they are pieces of one JSON body.
    public var streaming: Bool
    /// Upstream headers worth passing on (rate-limit state, request ids).
    public var headers: [HTTPHeader]

    public init(status: Int, streaming: Bool, headers: [HTTPHeader] = []) {
        self.status = status
        self.streaming = streaming
        self.headers = headers
    }
}
